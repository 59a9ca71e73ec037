import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { IsISO8601, IsOptional, IsString, Length, Matches } from 'class-validator';
import { Role, Roles } from '@app/auth';
import { CommandMeta, GrantLicenseCommand, RevokeLicenseCommand } from '@app/commands';
import { PRISMA, PrismaClient } from '@app/database';
import { ID_PATTERN, Meta, newEntityId, ParseIdPipe } from '@app/http';

export class GrantLicenseRequestDto {
  @Matches(ID_PATTERN, { message: 'partnerId must be 1 to 80 characters of letters, digits and _.:-' }) partnerId: string;
  /** An exact model id or a model family. */
  @Matches(ID_PATTERN, { message: 'modelId must be 1 to 80 characters of letters, digits and _.:-' }) modelId: string;
  @IsOptional() @IsISO8601({ strict: true }) validFrom?: string;
  @IsOptional() @IsISO8601({ strict: true }) validUntil?: string;
}

export class RevokeLicenseRequestDto {
  @IsString() @Length(1, 2000) reason: string;
}

export class LicenseListQueryDto {
  @IsOptional() @Matches(ID_PATTERN) partnerId?: string;
}

@Controller('v1/licenses')
export class LicensesController {
  constructor(private readonly commands: CommandBus, @Inject(PRISMA) private readonly prisma: PrismaClient) {}

  @Post()
  @HttpCode(201)
  @Roles(Role.ComplianceOfficer)
  async grant(@Body() body: GrantLicenseRequestDto, @Meta() meta: CommandMeta) {
    const licenseId = newEntityId('lic', meta);
    const result = await this.commands.execute(
      new GrantLicenseCommand(
        {
          licenseId,
          partnerId: body.partnerId,
          modelId: body.modelId,
          validFrom: body.validFrom ? new Date(body.validFrom).toISOString() : null,
          validUntil: body.validUntil ? new Date(body.validUntil).toISOString() : null,
        },
        meta,
      ),
    );
    return { licenseId, status: 'active', position: String(result.position) };
  }

  @Post(':licenseId/revoke')
  @HttpCode(200)
  @Roles(Role.ComplianceOfficer)
  async revoke(@Param('licenseId', ParseIdPipe) licenseId: string, @Body() body: RevokeLicenseRequestDto, @Meta() meta: CommandMeta) {
    const result = await this.commands.execute(new RevokeLicenseCommand(licenseId, body.reason, meta));
    return { licenseId, status: 'revoked', position: String(result.position) };
  }

  @Get()
  @Roles(Role.ComplianceOfficer, Role.Reviewer, Role.Auditor, Role.Admin)
  async list(@Query() query: LicenseListQueryDto) {
    const rows = await this.prisma.licenseView.findMany({ where: query.partnerId ? { partnerId: query.partnerId } : {}, orderBy: { grantedAt: 'asc' } });
    return {
      licenses: rows.map(({ id, position, validFrom, validUntil, grantedAt, ...rest }) => ({
        licenseId: id,
        ...rest,
        validFrom: validFrom.toISOString(),
        validUntil: validUntil?.toISOString() ?? null,
        grantedAt: grantedAt.toISOString(),
        position: String(position),
      })),
    };
  }
}
