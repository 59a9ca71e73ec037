import { Controller, Get, Inject, Query } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { Role, Roles } from '@app/auth';
import { PRISMA, PrismaClient } from '@app/database';
import { ReasonCode } from '@app/entitlement';
import { ID_PATTERN, IsIsoTime } from '@app/http';

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
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  @Get()
  @Roles(Role.ComplianceOfficer, Role.Auditor, Role.Admin)
  async query(@Query() query: DecisionQueryDto) {
    const where = {
      ...(query.partnerId ? { partnerId: query.partnerId } : {}),
      ...(query.model ? { model: query.model } : {}),
      ...(query.outcome ? { allow: query.outcome === 'allow' } : {}),
      ...(query.reason ? { reasons: { has: query.reason } } : {}),
      ...(query.from || query.to ? { decidedAt: { ...(query.from ? { gte: new Date(query.from) } : {}), ...(query.to ? { lt: new Date(query.to) } : {}) } } : {}),
    };
    const [rows, total] = await Promise.all([
      this.prisma.decisionLogEntry.findMany({ where, orderBy: { decidedAt: 'desc' }, take: query.limit ?? 100, skip: query.offset ?? 0 }),
      this.prisma.decisionLogEntry.count({ where }),
    ]);
    return {
      total,
      decisions: rows.map(({ id, decidedAt, position, ...rest }) => ({ decisionId: id, decidedAt: decidedAt.toISOString(), position: String(position), ...rest })),
    };
  }
}
