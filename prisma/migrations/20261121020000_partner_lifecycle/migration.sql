-- AlterTable
ALTER TABLE "partner_views" ADD COLUMN     "application" JSONB NOT NULL DEFAULT '{}',
ADD COLUMN     "information_request" JSONB,
ADD COLUMN     "status_changed_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
ADD COLUMN     "status_reason" TEXT;

-- AlterTable
ALTER TABLE "license_views" ADD COLUMN     "allowed_destinations" TEXT[],
ADD COLUMN     "any_destination" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "approved_by" TEXT,
ADD COLUMN     "justification" TEXT,
ADD COLUMN     "monthly_token_quota" INTEGER,
ADD COLUMN     "proposed_by" TEXT,
ADD COLUMN     "rate_limit_per_minute" INTEGER,
ADD COLUMN     "require_end_user_identification" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "status_changed_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
ADD COLUMN     "status_reason" TEXT,
ALTER COLUMN "valid_from" DROP NOT NULL,
ALTER COLUMN "granted_by" DROP NOT NULL,
ALTER COLUMN "granted_at" DROP NOT NULL;

-- CreateTable
CREATE TABLE "kyc_case_views" (
    "id" TEXT NOT NULL,
    "partner_id" TEXT NOT NULL,
    "subject_kind" TEXT NOT NULL,
    "user_id" TEXT,
    "provider" TEXT NOT NULL,
    "provider_ref" TEXT NOT NULL,
    "declared_name" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "status_reason" TEXT,
    "opened_at" TIMESTAMPTZ(6) NOT NULL,
    "status_changed_at" TIMESTAMPTZ(6) NOT NULL,
    "position" BIGINT NOT NULL,

    CONSTRAINT "kyc_case_views_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "screening_views" (
    "id" TEXT NOT NULL,
    "partner_id" TEXT NOT NULL,
    "subject_kind" TEXT NOT NULL,
    "subject_ref" TEXT NOT NULL,
    "subject_name" TEXT NOT NULL,
    "band" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "top_score" DOUBLE PRECISION NOT NULL,
    "list_version" TEXT NOT NULL,
    "evidence" JSONB NOT NULL,
    "trigger" TEXT NOT NULL,
    "screened_at" TIMESTAMPTZ(6) NOT NULL,
    "decided_by" TEXT,
    "decision_reason" TEXT,
    "decided_at" TIMESTAMPTZ(6),
    "latest" BOOLEAN NOT NULL DEFAULT true,
    "position" BIGINT NOT NULL,

    CONSTRAINT "screening_views_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "government_approval_views" (
    "id" TEXT NOT NULL,
    "partner_id" TEXT NOT NULL,
    "models" TEXT[],
    "authority" TEXT NOT NULL,
    "reference" TEXT,
    "conditions" TEXT,
    "justification" TEXT,
    "status" TEXT NOT NULL,
    "valid_from" TIMESTAMPTZ(6),
    "valid_until" TIMESTAMPTZ(6),
    "position" BIGINT NOT NULL,

    CONSTRAINT "government_approval_views_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "directive_views" (
    "id" TEXT NOT NULL,
    "authority" TEXT NOT NULL,
    "reference" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "issued_at" TIMESTAMPTZ(6) NOT NULL,
    "effective_at" TIMESTAMPTZ(6) NOT NULL,
    "expires_at" TIMESTAMPTZ(6),
    "lifted_at" TIMESTAMPTZ(6),
    "scope" JSONB NOT NULL,
    "restrictions" JSONB NOT NULL,
    "exempt_with_government_approval" BOOLEAN NOT NULL,
    "position" BIGINT NOT NULL,

    CONSTRAINT "directive_views_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "end_user_views" (
    "partner_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "email" TEXT,
    "status" TEXT NOT NULL,
    "enrolled_at" TIMESTAMPTZ(6) NOT NULL,
    "position" BIGINT NOT NULL,

    CONSTRAINT "end_user_views_pkey" PRIMARY KEY ("partner_id","user_id")
);

-- CreateTable
CREATE TABLE "restricted_party_list_versions" (
    "version" TEXT NOT NULL,
    "imported_at" TIMESTAMPTZ(6) NOT NULL,
    "imported_by" TEXT NOT NULL,
    "files" JSONB NOT NULL,
    "entry_count" INTEGER NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "restricted_party_list_versions_pkey" PRIMARY KEY ("version")
);

-- CreateTable
CREATE TABLE "restricted_party_entries" (
    "id" BIGSERIAL NOT NULL,
    "version" TEXT NOT NULL,
    "list_id" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "entry_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "entity_type" TEXT NOT NULL,
    "aliases" JSONB NOT NULL,
    "programs" TEXT[],
    "countries" TEXT[],
    "addresses" JSONB NOT NULL,
    "remarks" TEXT,

    CONSTRAINT "restricted_party_entries_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "license_views_status_status_changed_at_idx" ON "license_views"("status", "status_changed_at");

-- CreateIndex
CREATE INDEX "kyc_case_views_partner_id_idx" ON "kyc_case_views"("partner_id");

-- CreateIndex
CREATE INDEX "kyc_case_views_status_status_changed_at_idx" ON "kyc_case_views"("status", "status_changed_at");

-- CreateIndex
CREATE INDEX "screening_views_partner_id_subject_kind_subject_ref_idx" ON "screening_views"("partner_id", "subject_kind", "subject_ref");

-- CreateIndex
CREATE INDEX "screening_views_status_screened_at_idx" ON "screening_views"("status", "screened_at");

-- CreateIndex
CREATE INDEX "government_approval_views_partner_id_idx" ON "government_approval_views"("partner_id");

-- CreateIndex
CREATE INDEX "restricted_party_entries_version_idx" ON "restricted_party_entries"("version");
