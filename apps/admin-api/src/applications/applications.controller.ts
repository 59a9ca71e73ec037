import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { Role, Roles } from '@app/auth';
import { ChangePartnerStatusCommand, CommandMeta, DecideApplicationCommand, RequestInformationCommand } from '@app/commands';
import { pageWithTotal, PRISMA, PrismaClient } from '@app/database';
import { Meta, PageQueryDto, ParseIdPipe } from '@app/http';

export class ApplicationQueueQueryDto extends PageQueryDto {
  @IsOptional() @IsIn(['submitted', 'under_review', 'information_requested', 'resubmitted', 'approved', 'rejected', 'suspended', 'offboarded']) status?: string;
  /** Only applications waiting at least this long in their current status. */
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(100_000) olderThanHours?: number;
}

export class InformationRequestDto {
  @IsString() @Length(1, 5000) message: string;
  @IsArray() @ArrayMaxSize(50) @IsString({ each: true }) @Length(1, 100, { each: true }) fields: string[];
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
    const where = {
      ...(query.status ? { status: query.status } : { status: { in: ['submitted', 'under_review', 'information_requested', 'resubmitted'] } }),
      ...(query.olderThanHours !== undefined ? { statusChangedAt: { lte: new Date(Date.now() - query.olderThanHours * 3_600_000) } } : {}),
    };
    const [rows, total] = await pageWithTotal(
      this.prisma,
      this.prisma.partnerView.findMany({ where, orderBy: { statusChangedAt: 'asc' }, ...PageQueryDto.page(query) }),
      this.prisma.partnerView.count({ where }),
    );
    return {
      total,
      applications: rows.map((r) => ({
        partnerId: r.id,
        legalName: r.legalName,
        countryOfIncorporation: r.countryOfIncorporation,
        status: r.status,
        requestedModels: r.requestedModels,
        submittedAt: r.submittedAt.toISOString(),
        statusChangedAt: r.statusChangedAt.toISOString(),
        decidedAt: r.decidedAt?.toISOString() ?? null,
        informationRequest: r.informationRequest,
      })),
    };
  }

  @Post(':partnerId/start-review')
  @HttpCode(200)
  @Roles(Role.Reviewer)
  async startReview(@Param('partnerId', ParseIdPipe) partnerId: string, @Meta() meta: CommandMeta) {
    const result = await this.commands.execute(new ChangePartnerStatusCommand(partnerId, 'start_review', '', meta));
    return { partnerId, status: 'under_review', position: String(result.position) };
  }

  @Post(':partnerId/request-information')
  @HttpCode(200)
  @Roles(Role.Reviewer)
  async requestInformation(@Param('partnerId', ParseIdPipe) partnerId: string, @Body() body: InformationRequestDto, @Meta() meta: CommandMeta) {
    const result = await this.commands.execute(new RequestInformationCommand(partnerId, body.message, body.fields, meta));
    return { partnerId, status: 'information_requested', position: String(result.position) };
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
