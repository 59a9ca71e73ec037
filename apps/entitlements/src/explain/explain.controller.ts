import { Controller, Get, Inject, Query } from '@nestjs/common';
import { IsIP, IsOptional, Matches } from 'class-validator';
import { Role, Roles } from '@app/auth';
import { APP_CONFIG, AppConfig, CLOCK, Clock } from '@app/config';
import { decide } from '@app/entitlement';
import { EventStore } from '@app/event-store';
import { ID_PATTERN, IsIsoTime } from '@app/http';
import { entitlementIndexAsOf, geoPolicyOf } from '@app/projections';
import { GeoService } from '../geo/geo.service';
import { IndexService } from '../index/index.service';

export class ExplainQueryDto {
  @Matches(ID_PATTERN, { message: 'partnerId must be 1 to 80 characters of letters, digits and _.:-' }) partnerId: string;
  @Matches(ID_PATTERN, { message: 'model must be 1 to 80 characters of letters, digits and _.:-' }) model: string;
  @IsOptional() @Matches(ID_PATTERN, { message: 'userId must be 1 to 80 characters of letters, digits and _.:-' }) userId?: string;
  @IsOptional() @IsIP() clientIp?: string;
  /** An instant (ISO-8601): the decision as the facts recorded up to then made it. */
  @IsOptional() @IsIsoTime() at?: string;
}

/**
 * "Could this partner use this model, and why not?" — the same decision function as the live
 * check, with the trace of every rule. With `at`, the state is rebuilt from the events up to that
 * instant, read from the store for each question (nothing cached could make the answer wrong).
 */
@Controller('v1/entitlements')
export class ExplainController {
  constructor(
    private readonly index: IndexService,
    private readonly store: EventStore,
    private readonly geo: GeoService,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('explain')
  @Roles(Role.ComplianceOfficer, Role.Auditor)
  async explain(@Query() query: ExplainQueryDto) {
    const origin = this.geo.lookup(query.clientIp);
    const request = { partnerId: query.partnerId, model: query.model, userId: query.userId, clientIp: query.clientIp, country: origin.country, anonymizer: origin.anonymizer };
    const geo = { country: origin.country, anonymizer: origin.anonymizer, privateAddress: origin.private, dataVersions: JSON.parse(this.geo.versions) };
    if (!query.at) {
      const now = this.clock.now().getTime();
      const decision = decide(this.index.index, request, now, true);
      return { ...decision, at: new Date(now).toISOString(), position: String(this.index.position), asOf: false, geo };
    }
    const at = new Date(query.at);
    const past = await entitlementIndexAsOf(this.store, at, geoPolicyOf(this.config));
    const decision = decide(past, request, at.getTime(), true);
    return { ...decision, at: at.toISOString(), position: String(past.position), asOf: true, geo };
  }
}
