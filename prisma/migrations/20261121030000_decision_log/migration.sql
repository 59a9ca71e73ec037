-- CreateTable
CREATE TABLE "decision_log" (
    "id" TEXT NOT NULL,
    "decided_at" TIMESTAMPTZ(6) NOT NULL,
    "position" BIGINT NOT NULL,
    "partner_id" TEXT,
    "user_id" TEXT,
    "model" TEXT NOT NULL,
    "client_ip" TEXT,
    "country" TEXT,
    "allow" BOOLEAN NOT NULL,
    "reasons" TEXT[],
    "license_id" TEXT,
    "data_versions" JSONB NOT NULL,

    CONSTRAINT "decision_log_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "decision_log_partner_id_decided_at_idx" ON "decision_log"("partner_id", "decided_at");

-- CreateIndex
CREATE INDEX "decision_log_decided_at_idx" ON "decision_log"("decided_at");
