import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';

import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsISO31661Alpha2, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { Role, Roles } from '@app/auth';
import { ChangeLicenseCommand, CommandMeta, GrantLicenseCommand, LicenseChange } from '@app/commands';
import { pageWithTotal, PRISMA, PrismaClient } from '@app/database';
import { ID_PATTERN, IsIsoTime, Meta, newEntityId, PageQueryDto, ParseIdPipe } from '@app/http';

export class LicenseConditionsDto {
  @IsOptional() @IsIsoTime() validFrom?: string;
  @IsOptional() @IsIsoTime() validUntil?: string | null;
  /** Countries requests may come from; omitted or null: any country not otherwise forbidden. */
  @IsOptional() @IsArray() @ArrayMaxSize(250) @IsISO31661Alpha2({ each: true }) allowedDestinations?: string[] | null;
  @IsOptional() @IsBoolean() requireEndUserIdentification?: boolean;
  @IsOptional() @IsInt() @Min(1) @Max(2_147_483_647) monthlyTokenQuota?: number | null;
  @IsOptional() @IsInt() @Min(1) @Max(1_000_000) rateLimitPerMinute?: number | null;
}

export class GrantLicenseRequestDto extends LicenseConditionsDto {
  /** Set when granting a license a partner requested. */
  @IsOptional() @Matches(ID_PATTERN) licenseId?: string;
  @Matches(ID_PATTERN, { message: 'partnerId must be 1 to 80 characters of letters, digits and _.:-' }) partnerId: string;
  /** An exact model id or a model family. */
  @Matches(ID_PATTERN, { message: 'modelId must be 1 to 80 characters of letters, digits and _.:-' }) modelId: string;
}

export class AmendLicenseRequestDto {
  /** An amendment restates every condition: the window's start is required. */
  @IsIsoTime() validFrom: string;
  @IsOptional() @IsIsoTime() validUntil?: string | null;
  @IsOptional() @IsArray() @ArrayMaxSize(250) @IsISO31661Alpha2({ each: true }) allowedDestinations?: string[] | null;
  @IsOptional() @IsBoolean() requireEndUserIdentification?: boolean;
  @IsOptional() @IsInt() @Min(1) @Max(2_147_483_647) monthlyTokenQuota?: number | null;
  @IsOptional() @IsInt() @Min(1) @Max(1_000_000) rateLimitPerMinute?: number | null;
  @IsString() @Length(1, 2000) reason: string;
}

export class ReasonDto {
  @IsString() @Length(1, 2000) reason: string;
}

export class LicenseListQueryDto extends PageQueryDto {
  @IsOptional() @Matches(ID_PATTERN) partnerId?: string;
  @IsOptional() @IsIn(['requested', 'pending_approval', 'rejected', 'active', 'suspended', 'revoked', 'expired']) status?: string;
}

const iso = (value: string) => new Date(value).toISOString();

function conditions(body: Omit<LicenseConditionsDto, 'validFrom'>) {
  return {
    validUntil: body.validUntil ? iso(body.validUntil) : null,
    allowedDestinations: body.allowedDestinations ? body.allowedDestinations.map((c) => c.toUpperCase()) : null,
    requireEndUserIdentification: body.requireEndUserIdentification ?? false,
    monthlyTokenQuota: body.monthlyTokenQuota ?? null,
    rateLimitPerMinute: body.rateLimitPerMinute ?? null,
  };
}

/**
 * License grants. A grant of a controlled model (classification other than EAR99) is a proposal
 * until a second compliance officer approves it; the proposer approving is a 403.
 */
@Controller('v1/licenses')
export class LicensesController {
  constructor(private readonly commands: CommandBus, @Inject(PRISMA) private readonly prisma: PrismaClient) {}

  @Post()
  @HttpCode(201)
  @Roles(Role.ComplianceOfficer)
  async grant(@Body() body: GrantLicenseRequestDto, @Meta() meta: CommandMeta) {
    const licenseId = body.licenseId ?? newEntityId('lic', meta);
    const result = await this.commands.execute(
      new GrantLicenseCommand(
        { licenseId, partnerId: body.partnerId, modelId: body.modelId, validFrom: body.validFrom ? iso(body.validFrom) : null, ...conditions(body) },
        meta,
      ),
    );
    return { licenseId, status: result.licenseStatus, position: String(result.position) };
  }

  @Post(':licenseId/approve')
  @HttpCode(200)
  @Roles(Role.ComplianceOfficer)
  approve(@Param('licenseId', ParseIdPipe) licenseId: string, @Meta() meta: CommandMeta) {
    return this.change(licenseId, { type: 'approve' }, 'active', meta);
  }

  @Post(':licenseId/reject')
  @HttpCode(200)
  @Roles(Role.ComplianceOfficer)
  reject(@Param('licenseId', ParseIdPipe) licenseId: string, @Body() body: ReasonDto, @Meta() meta: CommandMeta) {
    return this.change(licenseId, { type: 'reject', reason: body.reason }, 'rejected', meta);
  }

  @Post(':licenseId/suspend')
  @HttpCode(200)
  @Roles(Role.ComplianceOfficer)
  suspend(@Param('licenseId', ParseIdPipe) licenseId: string, @Body() body: ReasonDto, @Meta() meta: CommandMeta) {
    return this.change(licenseId, { type: 'suspend', reason: body.reason }, 'suspended', meta);
  }

  @Post(':licenseId/reinstate')
  @HttpCode(200)
  @Roles(Role.ComplianceOfficer)
  reinstate(@Param('licenseId', ParseIdPipe) licenseId: string, @Body() body: ReasonDto, @Meta() meta: CommandMeta) {
    return this.change(licenseId, { type: 'reinstate', reason: body.reason }, 'active', meta);
  }

  @Post(':licenseId/amend')
  @HttpCode(200)
  @Roles(Role.ComplianceOfficer)
  amend(@Param('licenseId', ParseIdPipe) licenseId: string, @Body() body: AmendLicenseRequestDto, @Meta() meta: CommandMeta) {
    return this.change(licenseId, { type: 'amend', reason: body.reason, conditions: { validFrom: iso(body.validFrom), ...conditions(body) } }, null, meta);
  }

  @Post(':licenseId/revoke')
  @HttpCode(200)
  @Roles(Role.ComplianceOfficer)
  revoke(@Param('licenseId', ParseIdPipe) licenseId: string, @Body() body: ReasonDto, @Meta() meta: CommandMeta) {
    return this.change(licenseId, { type: 'revoke', reason: body.reason }, 'revoked', meta);
  }

  /** Filter by status: `pending_approval` is the queue of grants awaiting a second officer. */
  @Get()
  @Roles(Role.ComplianceOfficer, Role.Reviewer, Role.Auditor, Role.Admin)
  async list(@Query() query: LicenseListQueryDto) {
    const where = { ...(query.partnerId ? { partnerId: query.partnerId } : {}), ...(query.status ? { status: query.status } : {}) };
    const [rows, total] = await pageWithTotal(
      this.prisma,
      this.prisma.licenseView.findMany({ where, orderBy: { statusChangedAt: 'asc' }, ...PageQueryDto.page(query) }),
      this.prisma.licenseView.count({ where }),
    );
    return {
      total,
      licenses: rows.map(({ id, position, validFrom, validUntil, grantedAt, statusChangedAt, allowedDestinations, anyDestination, ...rest }) => ({
        licenseId: id,
        ...rest,
        allowedDestinations: anyDestination ? null : allowedDestinations,
        validFrom: validFrom?.toISOString() ?? null,
        validUntil: validUntil?.toISOString() ?? null,
        grantedAt: grantedAt?.toISOString() ?? null,
        statusChangedAt: statusChangedAt.toISOString(),
        position: String(position),
      })),
    };
  }

  private async change(licenseId: string, change: LicenseChange, status: string | null, meta: CommandMeta) {
    const result = await this.commands.execute(new ChangeLicenseCommand(licenseId, change, meta));
    return { licenseId, ...(status ? { status } : {}), position: String(result.position) };
  }
}
