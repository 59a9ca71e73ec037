import { Controller, Get, Inject, NotFoundException, Param, Query, Res, StreamableFile } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { Role, Roles } from '@app/auth';
import { APP_CONFIG, AppConfig, CLOCK, Clock } from '@app/config';
import { EventStore } from '@app/event-store';
import { fieldError, ID_PATTERN, IsIsoTime, ParseIdPipe } from '@app/http';
import { entitlementIndexAsOf, geoPolicyOf } from '@app/projections';
import { decisionLogCsv } from './decision-log-export';
import { modelUsersAsOf } from './model-users-as-of';
import { modelUsersCsv } from './model-users.csv';
import { buildPartnerDossier, PartnerDossier } from './partner-dossier';
import { renderPartnerDossierHtml } from './partner-dossier.html';

const ID_MESSAGE = 'must be 1 to 80 characters of letters, digits and _.:-';
const DAY_MS = 24 * 60 * 60 * 1000;

export class DossierQueryDto {
  @IsOptional() @IsIn(['json', 'html'], { message: 'format must be json or html' }) format?: 'json' | 'html';
}

export class ModelUsersQueryDto {
  @Matches(ID_PATTERN, { message: `model ${ID_MESSAGE}` }) model: string;
  /** The instant asked about (ISO-8601). */
  @IsIsoTime() at: string;
  @IsOptional() @IsIn(['json', 'csv'], { message: 'format must be json or csv' }) format?: 'json' | 'csv';
}

export class DecisionExportQueryDto {
  @IsIsoTime() from: string;
  @IsIsoTime() to: string;
  @IsOptional() @Matches(ID_PATTERN, { message: `partnerId ${ID_MESSAGE}` }) partnerId?: string;
  @IsOptional() @Matches(ID_PATTERN, { message: `model ${ID_MESSAGE}` }) model?: string;
  @IsOptional() @IsIn(['true', 'false'], { message: 'allow must be true or false' }) allow?: 'true' | 'false';
}

/** A file name part made of the characters an id may hold, nothing a header could be split by. */
function fileNamePart(value: string): string {
  return value.replace(/[^A-Za-z0-9_.-]/g, '_');
}

function stamp(instant: Date): string {
  return instant.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Compliance reports for compliance officers, auditors and admins: a partner's dossier, who could use
 * a model at an instant (rebuilt from the events up to then), and the decision log of a range as CSV.
 */
@Controller('v1/reports')
@Roles(Role.ComplianceOfficer, Role.Auditor, Role.Admin)
export class ReportsController {
  constructor(
    private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('partners/:partnerId/dossier')
  async dossier(@Param('partnerId', ParseIdPipe) partnerId: string, @Query() query: DossierQueryDto, @Res({ passthrough: true }) reply: FastifyReply) {
    const dossier = await this.loadDossier(partnerId);
    if (query.format !== 'html') return dossier;
    reply.header('content-type', 'text/html; charset=utf-8');
    return renderPartnerDossierHtml(dossier);
  }

  @Get('partners/:partnerId/dossier.html')
  async dossierHtml(@Param('partnerId', ParseIdPipe) partnerId: string, @Res({ passthrough: true }) reply: FastifyReply) {
    const dossier = await this.loadDossier(partnerId);
    reply.header('content-type', 'text/html; charset=utf-8');
    return renderPartnerDossierHtml(dossier);
  }

  @Get('model-users')
  async modelUsers(@Query() query: ModelUsersQueryDto) {
    const at = new Date(query.at);
    const past = await entitlementIndexAsOf(this.store, at, geoPolicyOf(this.config));
    const report = modelUsersAsOf(past, query.model, at);
    if (query.format !== 'csv') return report;
    return new StreamableFile(Buffer.from(modelUsersCsv(report)), {
      type: 'text/csv; charset=utf-8',
      disposition: `attachment; filename="model-users-${fileNamePart(query.model)}-${stamp(at)}.csv"`,
    });
  }

  @Get('decisions.csv')
  decisions(@Query() query: DecisionExportQueryDto) {
    const from = new Date(query.from);
    const to = new Date(query.to);
    if (to.getTime() <= from.getTime()) throw fieldError('to', 'must be later than from');
    const maxDays = this.config.reports.decisionExportMaxDays;
    if (to.getTime() - from.getTime() > maxDays * DAY_MS) throw fieldError('to', `must be at most ${maxDays} days after from (REPORTS_DECISION_EXPORT_MAX_DAYS)`);
    const allow = query.allow === undefined ? undefined : query.allow === 'true';
    const csv = decisionLogCsv(this.store.pool, { from, to, partnerId: query.partnerId, model: query.model, allow });
    return new StreamableFile(csv, { type: 'text/csv; charset=utf-8', disposition: `attachment; filename="decisions-${stamp(from)}-${stamp(to)}.csv"` });
  }

  private async loadDossier(partnerId: string): Promise<PartnerDossier> {
    const events = await this.store.readPartnerEvents(partnerId);
    const dossier = await buildPartnerDossier(this.store.pool, events, partnerId, this.clock.now());
    if (!dossier) throw new NotFoundException({ code: 'PARTNER.NOT_FOUND', message: 'No such partner.' });
    return dossier;
  }
}
