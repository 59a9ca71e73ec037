-- The audit trail (admin-api GET /v1/audit): who did what, when, to whom, without scanning the log.
-- Expression indexes, which schema.prisma cannot declare: by actor, by the partner an event is about,
-- and by the time the fact occurred. occurredAt is always an ISO-8601 UTC string of one fixed format,
-- so its bytewise ("C") order is time order.

-- CreateIndex
CREATE INDEX "events_actor_id_occurred_at_idx" ON "events" ((metadata->>'actorId'), (metadata->>'occurredAt') COLLATE "C");

-- CreateIndex
CREATE INDEX "events_partner_id_occurred_at_idx" ON "events" ((data->>'partnerId'), (metadata->>'occurredAt') COLLATE "C");

-- CreateIndex
CREATE INDEX "events_occurred_at_idx" ON "events" ((metadata->>'occurredAt') COLLATE "C");
