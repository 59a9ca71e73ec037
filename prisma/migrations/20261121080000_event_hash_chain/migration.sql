-- Tamper evidence: every event stores the SHA-256 of its canonical content chained to the previous event
-- of its stream, and audit checkpoints roll every event's hash, in log order, into one signed root.
-- The canonical content is (newline-separated): stream id, stream version, event id, type, schema
-- version, data as jsonb text, metadata as jsonb text, recorded_at in microseconds since the epoch.
-- jsonb text is canonical (PostgreSQL normalises key order and spacing), so a verifier outside the
-- database recomputes the same bytes from `data::text`. The first event of a stream chains to 32 zero bytes.

ALTER TABLE "events" ADD COLUMN "prev_hash" BYTEA;
ALTER TABLE "events" ADD COLUMN "hash" BYTEA;
ALTER TABLE "streams" ADD COLUMN "last_hash" BYTEA;

-- CreateTable
CREATE TABLE "audit_checkpoints" (
    "id" BIGSERIAL NOT NULL,
    "position" BIGINT NOT NULL,
    "events" BIGINT NOT NULL,
    "root_hash" BYTEA NOT NULL,
    "signature" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audit_checkpoints_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "audit_checkpoints_position_key" ON "audit_checkpoints"("position");

CREATE FUNCTION event_hash(
    p_prev BYTEA, p_stream_id TEXT, p_version INTEGER, p_event_id UUID, p_type TEXT,
    p_schema_version INTEGER, p_data JSONB, p_metadata JSONB, p_recorded_at TIMESTAMPTZ
) RETURNS BYTEA LANGUAGE sql IMMUTABLE AS $$
    SELECT sha256(p_prev || convert_to(
        p_stream_id || E'\n' || p_version || E'\n' || p_event_id || E'\n' || p_type || E'\n' || p_schema_version || E'\n' ||
        p_data::text || E'\n' || p_metadata::text || E'\n' || (extract(epoch FROM p_recorded_at) * 1000000)::bigint,
        'UTF8'))
$$;

-- Events stored before this migration get their chains now, stream by stream in version order.
DO $$
DECLARE
    r RECORD;
    v_prev BYTEA;
    v_stream TEXT := NULL;
BEGIN
    FOR r IN SELECT * FROM events ORDER BY stream_id, stream_version LOOP
        IF v_stream IS DISTINCT FROM r.stream_id THEN
            v_prev := '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea;
            v_stream := r.stream_id;
        END IF;
        UPDATE events SET prev_hash = v_prev,
            hash = event_hash(v_prev, r.stream_id, r.stream_version, r.event_id, r.type, r.schema_version, r.data, r.metadata, r.recorded_at)
            WHERE global_position = r.global_position
            RETURNING hash INTO v_prev;
        UPDATE streams SET last_hash = v_prev WHERE stream_id = r.stream_id;
    END LOOP;
END;
$$;

ALTER TABLE "events" ALTER COLUMN "prev_hash" SET NOT NULL;
ALTER TABLE "events" ALTER COLUMN "hash" SET NOT NULL;

-- The append path, as before (see the init migration for the ordering rules), now chaining each event
-- to the one before it in its stream.
CREATE OR REPLACE FUNCTION append_to_stream(
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
    v_prev BYTEA;
    v_prevs BYTEA[] := '{}';
    v_hashes BYTEA[] := '{}';
    v_now TIMESTAMPTZ := now();
BEGIN
    SELECT s.version, s.last_hash INTO v_current, v_prev FROM streams s WHERE s.stream_id = p_stream_id FOR UPDATE;
    IF NOT FOUND THEN
        INSERT INTO streams AS s (stream_id, version) VALUES (p_stream_id, 0)
            ON CONFLICT (stream_id) DO NOTHING;
        SELECT s.version, s.last_hash INTO v_current, v_prev FROM streams s WHERE s.stream_id = p_stream_id FOR UPDATE;
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

    v_prev := coalesce(v_prev, '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea);
    FOR i IN 1 .. v_count LOOP
        v_prevs := v_prevs || v_prev;
        v_prev := event_hash(v_prev, p_stream_id, v_current + i, p_event_ids[i], p_types[i], p_schema_versions[i], p_data[i], p_metadata[i], v_now);
        v_hashes := v_hashes || v_prev;
    END LOOP;

    UPDATE streams s SET version = v_current + v_count, last_hash = v_prev WHERE s.stream_id = p_stream_id;

    RETURN QUERY WITH inserted AS (
        INSERT INTO events AS e (stream_id, stream_version, event_id, type, schema_version, data, metadata, recorded_at, prev_hash, hash)
        SELECT p_stream_id, v_current + u.ord::INTEGER, u.id, u.t, u.sv, u.d, u.m, v_now, u.ph, u.h
        FROM unnest(p_event_ids, p_types, p_schema_versions, p_data, p_metadata, v_prevs, v_hashes)
            WITH ORDINALITY AS u (id, t, sv, d, m, ph, h, ord)
        ORDER BY u.ord
        RETURNING e.event_id, e.global_position, e.stream_version
    ) SELECT i.event_id, i.global_position, i.stream_version, FALSE FROM inserted i ORDER BY i.global_position;
END;
$$;
