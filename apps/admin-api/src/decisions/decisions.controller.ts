import { Controller, Get, Inject, Query } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { Role, Roles } from '@app/auth';
import { PG_POOL } from '@app/database';
import { ReasonCode } from '@app/entitlement';
import { ID_PATTERN, IsIsoTime } from '@app/http';
import type { Pool } from 'pg';
import { DECISION_COLUMNS, DecisionRow, decisionWhere } from './decision-log-query';

export class DecisionQueryDto {
  @IsOptional() @Matches(ID_PATTERN) partnerId?: string;
  @IsOptional() @Matches(ID_PATTERN) model?: string;
  @IsOptional() @IsIn(['allow', 'deny']) outcome?: 'allow' | 'deny';
  @IsOptional() @IsIn(Object.values(ReasonCode)) reason?: string;
  @IsOptional() @IsIsoTime() from?: string;
  @IsOptional() @IsIsoTime() to?: string;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000) limit?: number;
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(1_000_000) offset?: number;
}

/** The decision log: every check the serving stack asked, with its answer and reasons. */
@Controller('v1/decisions')
export class DecisionsController {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  @Get()
  @Roles(Role.ComplianceOfficer, Role.Auditor, Role.Admin)
  async query(@Query() query: DecisionQueryDto) {
    const where = decisionWhere({
      from: query.from ? new Date(query.from) : undefined,
      to: query.to ? new Date(query.to) : undefined,
      partnerId: query.partnerId,
      model: query.model,
      allow: query.outcome === undefined ? undefined : query.outcome === 'allow',
      reason: query.reason,
    });
    const limit = query.limit ?? 100;
    const offset = query.offset ?? 0;
    // One pass over the matching decisions gives the page and the total; a page past the end needs a count.
    const { rows } = await this.pool.query<DecisionRow & { total: string }>(
      `SELECT ${DECISION_COLUMNS}, count(*) OVER () AS total FROM decision_log ${where.sql}
       ORDER BY decided_at DESC, id DESC LIMIT $${where.values.length + 1} OFFSET $${where.values.length + 2}`,
      [...where.values, limit, offset],
    );
    let total = rows.length > 0 ? Number(rows[0].total) : 0;
    if (rows.length === 0 && offset > 0) {
      total = Number((await this.pool.query<{ n: string }>(`SELECT count(*) AS n FROM decision_log ${where.sql}`, where.values)).rows[0].n);
    }
    return {
      total,
      decisions: rows.map((row) => ({
        decisionId: row.id,
        decidedAt: row.decided_at.toISOString(),
        position: row.position,
        partnerId: row.partner_id,
        userId: row.user_id,
        model: row.model,
        clientIp: row.client_ip,
        country: row.country,
        allow: row.allow,
        reasons: row.reasons ?? [],
        licenseId: row.license_id,
        dataVersions: row.data_versions,
      })),
    };
  }
}
