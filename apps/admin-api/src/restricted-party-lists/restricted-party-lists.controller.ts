import { Body, Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, Length } from 'class-validator';
import { Role, Roles } from '@app/auth';
import { CommandMeta, ImportRestrictedPartyListsCommand, listFilesIn } from '@app/commands';
import { APP_CONFIG, AppConfig } from '@app/config';
import { PRISMA, PrismaClient } from '@app/database';
import { Meta } from '@app/http';

export class ImportListsDto {
  /** A directory on the server holding fresh files in the published formats; defaults to the configured one. */
  @IsOptional() @IsString() @Length(1, 1000) directory?: string;
  /** Only these lists of the directory (default: every list file found). */
  @IsOptional() @IsArray() @ArrayMaxSize(5) @IsIn(['ofacSdn', 'ofacAlt', 'ofacAdd', 'bisDpl', 'csl'], { each: true }) lists?: ('ofacSdn' | 'ofacAlt' | 'ofacAdd' | 'bisDpl' | 'csl')[];
}

/** Restricted-party list snapshots: import fresh files, see which version is screened against. */
@Controller('v1/restricted-party-lists')
export class RestrictedPartyListsController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post('import')
  @HttpCode(200)
  @Roles(Role.ComplianceOfficer, Role.Admin)
  async import(@Body() body: ImportListsDto, @Meta() meta: CommandMeta) {
    const outcome = await this.commands.execute(new ImportRestrictedPartyListsCommand(listFilesIn(body.directory ?? this.config.screening.listsDirectory, body.lists), meta));
    return { version: outcome.version, entryCount: outcome.entryCount, alreadyImported: outcome.alreadyImported, position: String(outcome.position) };
  }

  @Get()
  @Roles(Role.ComplianceOfficer, Role.Reviewer, Role.Auditor, Role.Admin)
  async versions() {
    const rows = await this.prisma.restrictedPartyListVersion.findMany({ orderBy: { importedAt: 'desc' } });
    return {
      versions: rows.map((r) => ({ version: r.version, active: r.active, importedAt: r.importedAt.toISOString(), importedBy: r.importedBy, entryCount: r.entryCount, files: r.files })),
    };
  }
}
