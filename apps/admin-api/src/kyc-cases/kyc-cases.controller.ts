import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsISO31661Alpha2, IsObject, IsOptional, IsString, Length, Matches, ValidateNested } from 'class-validator';
import { Role, Roles } from '@app/auth';
import { CommandMeta, ReviewKycCommand } from '@app/commands';
import { pageWithTotal, PRISMA, PrismaClient } from '@app/database';
import { ID_PATTERN, IsIsoTime, Meta, PageQueryDto, ParseIdPipe } from '@app/http';

export class KycQueueQueryDto extends PageQueryDto {
  @IsOptional() @IsIn(['started', 'pending', 'verified', 'failed', 'needs_review', 'expired']) status?: string;
  @IsOptional() @Matches(ID_PATTERN) partnerId?: string;
}

export class DatedCountryDto {
  @IsISO31661Alpha2() country: string;
  @IsOptional() @IsIsoTime() from?: string | null;
  @IsOptional() @IsIsoTime() until?: string | null;
}

export class IdentityDto {
  @IsArray() @ArrayMaxSize(10) @IsObject({ each: true }) @ValidateNested({ each: true }) @Type(() => DatedCountryDto) citizenships: DatedCountryDto[];
  @IsArray() @ArrayMaxSize(10) @IsObject({ each: true }) @ValidateNested({ each: true }) @Type(() => DatedCountryDto) permanentResidencies: DatedCountryDto[];
  @IsBoolean() usPerson: boolean;
}

export class KycReviewDto {
  @IsIn(['verified', 'failed']) outcome: 'verified' | 'failed';
  @IsString() @Length(1, 2000) reason: string;
  @IsOptional() @IsObject() @ValidateNested() @Type(() => IdentityDto) identity?: IdentityDto;
}

const dated = (c: DatedCountryDto) => ({ country: c.country.toUpperCase(), from: c.from ?? null, until: c.until ?? null });

/** KYC/KYB cases, and the queue of those a provider handed to a human. */
@Controller('v1/kyc-cases')
export class KycCasesController {
  constructor(private readonly commands: CommandBus, @Inject(PRISMA) private readonly prisma: PrismaClient) {}

  @Get()
  @Roles(Role.Reviewer, Role.ComplianceOfficer, Role.Auditor, Role.Admin)
  async queue(@Query() query: KycQueueQueryDto) {
    const where = { status: query.status ?? 'needs_review', ...(query.partnerId ? { partnerId: query.partnerId } : {}) };
    const [rows, total] = await pageWithTotal(
      this.prisma,
      this.prisma.kycCaseView.findMany({ where, orderBy: { statusChangedAt: 'asc' }, ...PageQueryDto.page(query) }),
      this.prisma.kycCaseView.count({ where }),
    );
    return {
      total,
      kycCases: rows.map(({ id, position, openedAt, statusChangedAt, ...rest }) => ({
        caseId: id,
        ...rest,
        openedAt: openedAt.toISOString(),
        statusChangedAt: statusChangedAt.toISOString(),
        position: String(position),
      })),
    };
  }

  @Post(':caseId/review')
  @HttpCode(200)
  @Roles(Role.Reviewer, Role.ComplianceOfficer)
  async review(@Param('caseId', ParseIdPipe) caseId: string, @Body() body: KycReviewDto, @Meta() meta: CommandMeta) {
    const identity = body.identity
      ? { citizenships: body.identity.citizenships.map(dated), permanentResidencies: body.identity.permanentResidencies.map(dated), usPerson: body.identity.usPerson }
      : undefined;
    const result = await this.commands.execute(new ReviewKycCommand(caseId, body.outcome, body.reason, identity, meta));
    return { caseId, status: body.outcome, position: String(result.position) };
  }
}
