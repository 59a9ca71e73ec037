-- Index snapshots change format: from one v8-serialised blob in binary chunks to JSON shards of flat
-- tuples (see libs/entitlement/src/index-codec.ts), which parse several times faster. Snapshots are
-- caches of the log, so the old ones are dropped rather than converted: the next start replays the log
-- and writes a new one. The shards compress well, so the column keeps PostgreSQL's default compression.
DELETE FROM "entitlement_index_snapshot_chunks";
DELETE FROM "entitlement_index_snapshots";

-- AlterTable
ALTER TABLE "entitlement_index_snapshot_chunks" DROP COLUMN "data",
ADD COLUMN     "body" TEXT NOT NULL;
