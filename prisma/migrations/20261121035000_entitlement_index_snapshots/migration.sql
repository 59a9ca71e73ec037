-- Snapshots of the entitlements app's in-memory index, so that a replica starts from one and reads only
-- the events after it instead of the whole log. A snapshot is a cache: it is checked against the log
-- (the event at its last position must still be the same event) and ignored when its format is older.

-- CreateTable
CREATE TABLE "entitlement_index_snapshots" (
    "id" BIGSERIAL NOT NULL,
    "format" INTEGER NOT NULL,
    "position" BIGINT NOT NULL,
    "last_event_position" BIGINT NOT NULL,
    "last_event_id" UUID,
    "bytes" BIGINT NOT NULL,
    "chunks" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "entitlement_index_snapshots_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "entitlement_index_snapshot_chunks" (
    "snapshot_id" BIGINT NOT NULL,
    "seq" INTEGER NOT NULL,
    "data" BYTEA NOT NULL,

    CONSTRAINT "entitlement_index_snapshot_chunks_pkey" PRIMARY KEY ("snapshot_id","seq")
);

-- The chunks are already dense binary: compressing them would cost time and save nothing.
ALTER TABLE "entitlement_index_snapshot_chunks" ALTER COLUMN "data" SET STORAGE EXTERNAL;
