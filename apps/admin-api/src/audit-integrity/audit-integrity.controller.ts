import { Controller, Get, Inject } from '@nestjs/common';
import type { Pool } from 'pg';
import { Role, Roles } from '@app/auth';
import { APP_CONFIG, AppConfig } from '@app/config';
import { PG_POOL } from '@app/database';
import { checkpointGraceMs, verifyAuditChains } from '@app/event-store';

/**
 * For auditors: recomputes every stream's hash chain and every signed checkpoint over one consistent
 * snapshot of the store, and reports the first broken link (the same check as `npm run audit:verify`).
 */
@Controller('v1/audit/integrity')
export class AuditIntegrityController {
  constructor(@Inject(PG_POOL) private readonly pool: Pool, @Inject(APP_CONFIG) private readonly config: AppConfig) {}

  @Get()
  @Roles(Role.Auditor, Role.ComplianceOfficer, Role.Admin)
  verify() {
    return verifyAuditChains(this.pool, this.config.audit.signingKey, { uncoveredAfterMs: checkpointGraceMs(this.config.audit.checkpointIntervalMs) });
  }
}
