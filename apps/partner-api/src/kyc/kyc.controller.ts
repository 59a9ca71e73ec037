import { Body, Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsISO31661Alpha2, IsObject, IsOptional, IsString, Length, ValidateNested } from 'class-validator';
import { Actor, CurrentActor, Role, Roles } from '@app/auth';
import { CommandMeta, StartKycCommand } from '@app/commands';
import { PRISMA, PrismaClient } from '@app/database';
import { IsIsoTime, Meta, newEntityId, ParseIdPipe } from '@app/http';

export class DeclaredCountryDto {
  @IsISO31661Alpha2() country: string;
  @IsOptional() @IsIsoTime() from?: string;
  @IsOptional() @IsIsoTime() until?: string;
}

export class StartOrganisationKycDto {
  @IsOptional() @IsString() @Length(1, 40) provider?: string;
}

export class StartUserKycDto {
  @IsOptional() @IsString() @Length(1, 40) provider?: string;
  @IsString() @Length(1, 200) name: string;
  @IsOptional() @IsIsoTime() dateOfBirth?: string;
  @IsArray() @ArrayMaxSize(10) @IsObject({ each: true }) @ValidateNested({ each: true }) @Type(() => DeclaredCountryDto) citizenships: DeclaredCountryDto[];
  @IsOptional() @IsArray() @ArrayMaxSize(10) @IsObject({ each: true }) @ValidateNested({ each: true }) @Type(() => DeclaredCountryDto) permanentResidencies?: DeclaredCountryDto[];
  @IsOptional() @IsBoolean() usPerson?: boolean;
}

const upper = (c: DeclaredCountryDto) => ({ ...c, country: c.country.toUpperCase() });

/** KYB of the organisation and KYC of its end users, through the configured provider. */
@Controller('v1/kyc')
export class KycController {
  constructor(private readonly commands: CommandBus, @Inject(PRISMA) private readonly prisma: PrismaClient) {}

  @Post('organisation')
  @HttpCode(201)
  @Roles(Role.PartnerAdmin)
  async organisation(@Body() body: StartOrganisationKycDto, @CurrentActor() actor: Actor, @Meta() meta: CommandMeta) {
    const partnerId = actor.partnerId!;
    const application = await this.prisma.partnerView.findUnique({ where: { id: partnerId } });
    const caseId = newEntityId('kyb', meta);
    const result = await this.commands.execute(
      new StartKycCommand(caseId, partnerId, { kind: 'organisation' }, body.provider ?? 'sandbox', {
        name: application?.legalName ?? partnerId,
        registrationNumber: application?.registrationNumber,
        country: application?.countryOfIncorporation,
      }, meta),
    );
    return { caseId, status: result.status, position: String(result.position) };
  }

  @Post('users/:userId')
  @HttpCode(201)
  @Roles(Role.PartnerAdmin)
  async user(@Param('userId', ParseIdPipe) userId: string, @Body() body: StartUserKycDto, @CurrentActor() actor: Actor, @Meta() meta: CommandMeta) {
    const caseId = newEntityId('kyc', meta);
    const result = await this.commands.execute(
      new StartKycCommand(caseId, actor.partnerId!, { kind: 'user', userId }, body.provider ?? 'sandbox', {
        name: body.name,
        dateOfBirth: body.dateOfBirth,
        citizenships: body.citizenships.map(upper),
        permanentResidencies: (body.permanentResidencies ?? []).map(upper),
        usPerson: body.usPerson,
      }, meta),
    );
    return { caseId, status: result.status, position: String(result.position) };
  }

  @Get()
  @Roles(Role.PartnerAdmin, Role.PartnerMember)
  async list(@CurrentActor() actor: Actor) {
    const rows = await this.prisma.kycCaseView.findMany({ where: { partnerId: actor.partnerId! }, orderBy: { openedAt: 'asc' } });
    return {
      kycCases: rows.map((r) => ({ caseId: r.id, subjectKind: r.subjectKind, userId: r.userId, provider: r.provider, status: r.status, statusReason: r.statusReason, openedAt: r.openedAt.toISOString() })),
    };
  }
}
