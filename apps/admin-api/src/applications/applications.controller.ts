import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { Role, Roles } from '@app/auth';
import { CommandMeta, DecideApplicationCommand } from '@app/commands';
import { PRISMA, PrismaClient } from '@app/database';
import { Meta, ParseIdPipe } from '@app/http';

export class ApplicationQueueQueryDto {
  @IsOptional() @IsIn(['submitted', 'approved', 'rejected']) status?: string;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200) limit?: number;
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) offset?: number;
}

export class ReviewDecisionRequestDto {
  @IsString() @Length(1, 2000) reason: string;
}

/** The review queue of partner applications, oldest first. */
@Controller('v1/applications')
export class ApplicationsController {
  constructor(private readonly commands: CommandBus, @Inject(PRISMA) private readonly prisma: PrismaClient) {}

  @Get()
  @Roles(Role.Reviewer, Role.ComplianceOfficer, Role.Auditor, Role.Admin)
  async queue(@Query() query: ApplicationQueueQueryDto) {
    const where = query.status ? { status: query.status } : {};
    const [rows, total] = await Promise.all([
      this.prisma.partnerView.findMany({ where, orderBy: { submittedAt: 'asc' }, take: query.limit ?? 50, skip: query.offset ?? 0 }),
      this.prisma.partnerView.count({ where }),
    ]);
    return {
      total,
      applications: rows.map((r) => ({
        partnerId: r.id,
        legalName: r.legalName,
        countryOfIncorporation: r.countryOfIncorporation,
        status: r.status,
        requestedModels: r.requestedModels,
        submittedAt: r.submittedAt.toISOString(),
        decidedAt: r.decidedAt?.toISOString() ?? null,
      })),
    };
  }

  @Post(':partnerId/approve')
  @HttpCode(200)
  @Roles(Role.Reviewer)
  approve(@Param('partnerId', ParseIdPipe) partnerId: string, @Body() body: ReviewDecisionRequestDto, @Meta() meta: CommandMeta) {
    return this.decide(partnerId, 'approve', body.reason, meta);
  }

  @Post(':partnerId/reject')
  @HttpCode(200)
  @Roles(Role.Reviewer)
  reject(@Param('partnerId', ParseIdPipe) partnerId: string, @Body() body: ReviewDecisionRequestDto, @Meta() meta: CommandMeta) {
    return this.decide(partnerId, 'reject', body.reason, meta);
  }

  private async decide(partnerId: string, verdict: 'approve' | 'reject', reason: string, meta: CommandMeta) {
    const result = await this.commands.execute(new DecideApplicationCommand(partnerId, verdict, reason, meta));
    return { partnerId, status: verdict === 'approve' ? 'approved' : 'rejected', position: String(result.position) };
  }
}
