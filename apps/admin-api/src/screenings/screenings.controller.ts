import { Body, Controller, Get, HttpCode, Inject, NotFoundException, Param, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';

import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { Role, Roles } from '@app/auth';
import { CommandMeta, DecideScreeningHitCommand } from '@app/commands';
import { pageWithTotal, PRISMA, PrismaClient } from '@app/database';
import { ID_PATTERN, Meta, PageQueryDto, ParseIdPipe } from '@app/http';

export class ScreeningQueueQueryDto extends PageQueryDto {
  @IsOptional() @IsIn(['clear', 'needs_review', 'blocked', 'cleared', 'confirmed']) status?: string;
  @IsOptional() @Matches(ID_PATTERN) partnerId?: string;
}

export class ScreeningDecisionDto {
  @IsString() @Length(1, 2000) reason: string;
}

/** The screening-hit queue: possible and strong matches waiting for a human, with their evidence. */
@Controller('v1/screenings')
export class ScreeningsController {
  constructor(private readonly commands: CommandBus, @Inject(PRISMA) private readonly prisma: PrismaClient) {}

  @Get()
  @Roles(Role.Reviewer, Role.ComplianceOfficer, Role.Auditor, Role.Admin)
  async queue(@Query() query: ScreeningQueueQueryDto) {
    const where = {
      latest: true,
      status: query.status ?? { in: ['needs_review', 'blocked'] },
      ...(query.partnerId ? { partnerId: query.partnerId } : {}),
    };
    const [rows, total] = await pageWithTotal(
      this.prisma,
      this.prisma.screeningView.findMany({ where, orderBy: { screenedAt: 'asc' }, ...PageQueryDto.page(query) }),
      this.prisma.screeningView.count({ where }),
    );
    return { total, screenings: rows.map(present) };
  }

  @Get(':screeningId')
  @Roles(Role.Reviewer, Role.ComplianceOfficer, Role.Auditor, Role.Admin)
  async one(@Param('screeningId', ParseIdPipe) screeningId: string) {
    const row = await this.prisma.screeningView.findUnique({ where: { id: screeningId } });
    if (!row) throw new NotFoundException({ code: 'SCREENING.NOT_FOUND', message: 'No such screening.' });
    return { ...present(row), evidence: row.evidence };
  }

  @Post(':screeningId/clear')
  @HttpCode(200)
  @Roles(Role.Reviewer, Role.ComplianceOfficer)
  clear(@Param('screeningId', ParseIdPipe) screeningId: string, @Body() body: ScreeningDecisionDto, @Meta() meta: CommandMeta) {
    return this.decide(screeningId, 'clear', body.reason, meta);
  }

  @Post(':screeningId/confirm')
  @HttpCode(200)
  @Roles(Role.Reviewer, Role.ComplianceOfficer)
  confirm(@Param('screeningId', ParseIdPipe) screeningId: string, @Body() body: ScreeningDecisionDto, @Meta() meta: CommandMeta) {
    return this.decide(screeningId, 'confirm', body.reason, meta);
  }

  private async decide(screeningId: string, verdict: 'clear' | 'confirm', reason: string, meta: CommandMeta) {
    const result = await this.commands.execute(new DecideScreeningHitCommand(screeningId, verdict, reason, meta));
    return { screeningId, status: verdict === 'clear' ? 'cleared' : 'confirmed', position: String(result.position) };
  }
}

function present(row: { id: string; partnerId: string; subjectKind: string; subjectRef: string; subjectName: string; band: string; status: string; topScore: number; listVersion: string; trigger: string; screenedAt: Date; decidedBy: string | null; decisionReason: string | null }) {
  return {
    screeningId: row.id,
    partnerId: row.partnerId,
    subject: { kind: row.subjectKind, ref: row.subjectRef, name: row.subjectName },
    band: row.band,
    status: row.status,
    topScore: row.topScore,
    listVersion: row.listVersion,
    trigger: row.trigger,
    screenedAt: row.screenedAt.toISOString(),
    decidedBy: row.decidedBy,
    decisionReason: row.decisionReason,
  };
}
