-- CreateTable
CREATE TABLE "events" (
    "global_position" BIGSERIAL NOT NULL,
    "stream_id" TEXT NOT NULL,
    "stream_version" INTEGER NOT NULL,
    "event_id" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "schema_version" INTEGER NOT NULL DEFAULT 1,
    "data" JSONB NOT NULL,
    "metadata" JSONB NOT NULL,
    "recorded_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "events_pkey" PRIMARY KEY ("global_position")
);

-- CreateTable
CREATE TABLE "streams" (
    "stream_id" TEXT NOT NULL,
    "version" INTEGER NOT NULL,

    CONSTRAINT "streams_pkey" PRIMARY KEY ("stream_id")
);

-- CreateTable
CREATE TABLE "projection_checkpoints" (
    "name" TEXT NOT NULL,
    "position" BIGINT NOT NULL,
    "updated_at" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "projection_checkpoints_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "model_views" (
    "id" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "family" TEXT NOT NULL,
    "classification" TEXT NOT NULL,
    "open_weights" BOOLEAN NOT NULL,
    "status" TEXT NOT NULL,
    "registered_at" TIMESTAMPTZ(6) NOT NULL,
    "position" BIGINT NOT NULL,

    CONSTRAINT "model_views_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "partner_views" (
    "id" TEXT NOT NULL,
    "legal_name" TEXT NOT NULL,
    "registration_number" TEXT NOT NULL,
    "country_of_incorporation" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "requested_models" TEXT[],
    "submitted_at" TIMESTAMPTZ(6) NOT NULL,
    "decided_at" TIMESTAMPTZ(6),
    "position" BIGINT NOT NULL,

    CONSTRAINT "partner_views_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "license_views" (
    "id" TEXT NOT NULL,
    "partner_id" TEXT NOT NULL,
    "model_id" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "valid_from" TIMESTAMPTZ(6) NOT NULL,
    "valid_until" TIMESTAMPTZ(6),
    "granted_by" TEXT NOT NULL,
    "granted_at" TIMESTAMPTZ(6) NOT NULL,
    "position" BIGINT NOT NULL,

    CONSTRAINT "license_views_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "credential_views" (
    "id" TEXT NOT NULL,
    "partner_id" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "issued_at" TIMESTAMPTZ(6) NOT NULL,
    "revoked_at" TIMESTAMPTZ(6),
    "position" BIGINT NOT NULL,

    CONSTRAINT "credential_views_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "events_type_idx" ON "events"("type");

-- CreateIndex
CREATE UNIQUE INDEX "events_stream_id_stream_version_key" ON "events"("stream_id", "stream_version");

-- CreateIndex
CREATE UNIQUE INDEX "events_stream_id_event_id_key" ON "events"("stream_id", "event_id");

-- CreateIndex
CREATE INDEX "partner_views_status_submitted_at_idx" ON "partner_views"("status", "submitted_at");

-- CreateIndex
CREATE INDEX "license_views_partner_id_idx" ON "license_views"("partner_id");

-- CreateIndex
CREATE INDEX "credential_views_partner_id_idx" ON "credential_views"("partner_id");

-- Hand-written: the append path of the event store, one round trip per append.
-- Order matters for readers by global position (libs/event-store/src/global-reader.ts):
-- the stream row is locked first, which gives the transaction its id *before* nextval()
-- hands out positions, so a reader that sees a gap knows every transaction that may still
-- fill it already holds an id below one it draws afterwards.
-- Appends to one stream serialise on that row lock, so the idempotency check below sees every
-- committed retry. Subscribers are woken by a NOTIFY the application sends after commit (a
-- NOTIFY inside this function would serialise every commit on the notification queue lock).
-- p_expected: -1 any, 0 no stream, n exact version. Raises SQLSTATE 'ES409' on a version
-- mismatch (message carries the actual version) and 'ES422' on a partial idempotent retry.
CREATE FUNCTION append_to_stream(
    p_stream_id TEXT,
    p_expected INTEGER,
    p_event_ids UUID[],
    p_types TEXT[],
    p_schema_versions INTEGER[],
    p_data JSONB[],
    p_metadata JSONB[]
) RETURNS TABLE (event_id UUID, global_position BIGINT, stream_version INTEGER, duplicate BOOLEAN)
LANGUAGE plpgsql AS $$
DECLARE
    v_current INTEGER;
    v_existing INTEGER;
    v_count INTEGER := cardinality(p_event_ids);
BEGIN
    SELECT s.version INTO v_current FROM streams s WHERE s.stream_id = p_stream_id FOR UPDATE;
    IF NOT FOUND THEN
        INSERT INTO streams AS s (stream_id, version) VALUES (p_stream_id, 0)
            ON CONFLICT (stream_id) DO NOTHING;
        SELECT s.version INTO v_current FROM streams s WHERE s.stream_id = p_stream_id FOR UPDATE;
    END IF;

    -- A retry re-sends the same ids: looking up the first one (one index probe) tells.
    IF v_current > 0 AND EXISTS (
        SELECT 1 FROM events e WHERE e.stream_id = p_stream_id AND e.event_id = p_event_ids[1]
    ) THEN
        SELECT count(*) INTO v_existing FROM events e
            WHERE e.stream_id = p_stream_id AND e.event_id = ANY (p_event_ids);
        IF v_existing <> v_count THEN
            RAISE EXCEPTION 'partial retry: % of % event ids already stored', v_existing, v_count
                USING ERRCODE = 'ES422';
        END IF;
        RETURN QUERY SELECT e.event_id, e.global_position, e.stream_version, TRUE FROM events e
            WHERE e.stream_id = p_stream_id AND e.event_id = ANY (p_event_ids)
            ORDER BY e.global_position;
        RETURN;
    END IF;

    IF p_expected >= 0 AND p_expected <> v_current THEN
        RAISE EXCEPTION '%', v_current USING ERRCODE = 'ES409';
    END IF;

    UPDATE streams s SET version = v_current + v_count WHERE s.stream_id = p_stream_id;

    RETURN QUERY WITH inserted AS (
        INSERT INTO events AS e (stream_id, stream_version, event_id, type, schema_version, data, metadata)
        SELECT p_stream_id, v_current + u.ord::INTEGER, u.id, u.t, u.sv, u.d, u.m
        FROM unnest(p_event_ids, p_types, p_schema_versions, p_data, p_metadata)
            WITH ORDINALITY AS u (id, t, sv, d, m, ord)
        ORDER BY u.ord
        RETURNING e.event_id, e.global_position, e.stream_version
    ) SELECT i.event_id, i.global_position, i.stream_version, FALSE FROM inserted i ORDER BY i.global_position;
END;
$$;
