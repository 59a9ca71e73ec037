import { Body, Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize, IsArray, IsBoolean, IsISO31661Alpha2, IsObject, IsOptional, IsString, Length, Matches, ValidateNested,
} from 'class-validator';
import { Role, Roles } from '@app/auth';
import { ChangeDirectiveCommand, CommandMeta } from '@app/commands';
import { PRISMA, PrismaClient } from '@app/database';
import { ID_PATTERN, IsIsoTime, Meta, newEntityId, ParseIdPipe } from '@app/http';

class DirectiveScopeDto {
  @IsArray() @ArrayMaxSize(100) @Matches(ID_PATTERN, { each: true }) modelIds: string[];
  @IsArray() @ArrayMaxSize(100) @Matches(ID_PATTERN, { each: true }) families: string[];
}

class ForeignNationalsDto {
  @IsArray() @ArrayMaxSize(250) @IsISO31661Alpha2({ each: true }) allowedNationalities: string[];
  @IsBoolean() allowPermanentResidents: boolean;
}

class RestrictionsDto {
  @IsOptional() @IsObject() @ValidateNested() @Type(() => ForeignNationalsDto) foreignNationals?: ForeignNationalsDto | null;
  @IsArray() @ArrayMaxSize(250) @IsISO31661Alpha2({ each: true }) forbiddenDestinations: string[];
}

export class DirectiveTermsDto {
  @IsString() @Length(1, 200) authority: string;
  @IsString() @Length(1, 200) reference: string;
  @IsString() @Length(1, 500) title: string;
  @IsIsoTime() issuedAt: string;
  @IsIsoTime() effectiveAt: string;
  @IsOptional() @IsIsoTime() expiresAt?: string | null;
  @IsObject() @ValidateNested() @Type(() => DirectiveScopeDto) scope: DirectiveScopeDto;
  @IsObject() @ValidateNested() @Type(() => RestrictionsDto) restrictions: RestrictionsDto;
  @IsBoolean() exemptWithGovernmentApproval: boolean;
}

export class AmendDirectiveDto extends DirectiveTermsDto {
  @IsString() @Length(1, 2000) reason: string;
}

export class LiftDirectiveDto {
  @IsIsoTime() liftedAt: string;
  @IsString() @Length(1, 2000) reason: string;
}

const iso = (value: string) => new Date(value).toISOString();

function toTerms(directiveId: string, dto: DirectiveTermsDto) {
  return {
    directiveId,
    authority: dto.authority,
    reference: dto.reference,
    title: dto.title,
    issuedAt: iso(dto.issuedAt),
    effectiveAt: iso(dto.effectiveAt),
    expiresAt: dto.expiresAt ? iso(dto.expiresAt) : null,
    scope: { modelIds: dto.scope.modelIds, families: dto.scope.families },
    restrictions: {
      foreignNationals: dto.restrictions.foreignNationals
        ? { allowedNationalities: dto.restrictions.foreignNationals.allowedNationalities.map((c) => c.toUpperCase()), allowPermanentResidents: dto.restrictions.foreignNationals.allowPermanentResidents }
        : null,
      forbiddenDestinations: dto.restrictions.forbiddenDestinations.map((c) => c.toUpperCase()),
    },
    exemptWithGovernmentApproval: dto.exemptWithGovernmentApproval,
  };
}

/** Government directives, recorded as data with effective dates. */
@Controller('v1/directives')
export class DirectivesController {
  constructor(private readonly commands: CommandBus, @Inject(PRISMA) private readonly prisma: PrismaClient) {}

  @Post()
  @HttpCode(201)
  @Roles(Role.ComplianceOfficer)
  async issue(@Body() body: DirectiveTermsDto, @Meta() meta: CommandMeta) {
    const directiveId = newEntityId('dir', meta);
    const result = await this.commands.execute(new ChangeDirectiveCommand(directiveId, { type: 'issue', terms: toTerms(directiveId, body) }, meta));
    return { directiveId, status: 'issued', position: String(result.position) };
  }

  @Post(':directiveId/amend')
  @HttpCode(200)
  @Roles(Role.ComplianceOfficer)
  async amend(@Param('directiveId', ParseIdPipe) directiveId: string, @Body() body: AmendDirectiveDto, @Meta() meta: CommandMeta) {
    const result = await this.commands.execute(new ChangeDirectiveCommand(directiveId, { type: 'amend', terms: toTerms(directiveId, body), reason: body.reason }, meta));
    return { directiveId, status: 'issued', position: String(result.position) };
  }

  @Post(':directiveId/lift')
  @HttpCode(200)
  @Roles(Role.ComplianceOfficer)
  async lift(@Param('directiveId', ParseIdPipe) directiveId: string, @Body() body: LiftDirectiveDto, @Meta() meta: CommandMeta) {
    const result = await this.commands.execute(new ChangeDirectiveCommand(directiveId, { type: 'lift', liftedAt: iso(body.liftedAt), reason: body.reason }, meta));
    return { directiveId, status: 'lifted', position: String(result.position) };
  }

  @Get()
  @Roles(Role.ComplianceOfficer, Role.Reviewer, Role.Auditor, Role.Admin)
  async list() {
    const rows = await this.prisma.directiveView.findMany({ orderBy: { effectiveAt: 'asc' } });
    return {
      directives: rows.map(({ id, position, issuedAt, effectiveAt, expiresAt, liftedAt, ...rest }) => ({
        directiveId: id,
        ...rest,
        issuedAt: issuedAt.toISOString(),
        effectiveAt: effectiveAt.toISOString(),
        expiresAt: expiresAt?.toISOString() ?? null,
        liftedAt: liftedAt?.toISOString() ?? null,
        position: String(position),
      })),
    };
  }
}
