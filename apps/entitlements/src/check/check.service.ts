import { Inject, Injectable } from '@nestjs/common';
import { hashApiCredential } from '@app/auth';
import { APP_CONFIG, AppConfig, CLOCK, Clock } from '@app/config';
import { Decision, decide, ReasonCode } from '@app/entitlement';
import { DecisionLogWriter } from '../decision-log/decision-log.writer';
import { GeoService } from '../geo/geo.service';
import { IndexService } from '../index/index.service';
import type { CheckInput } from './check-request';
import { decisionId } from './decision-id';

/** The answer of API.md: a decision plus the position it was computed at. */
export interface CheckAnswer {
  allow: boolean;
  reasons: string[];
  partnerId: string | null;
  licenseId: string | null;
  model: string;
  position: string;
  decisionId: string;
  ttlMs: number;
}

@Injectable()
export class CheckService {
  /** Decisions so far, by outcome, and denials by reason: plain counts, read by /metrics. */
  readonly outcomes = { allow: 0, deny: 0 };
  readonly denialReasons = new Map<string, number>();

  constructor(
    private readonly index: IndexService,
    private readonly log: DecisionLogWriter,
    private readonly geo: GeoService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * The answer, at once when the index has reached the request's `minPosition` (or it names none), else a
   * promise of it once the index reaches it or the wait bound passes (then STALE_STATE). The hot path's
   * handlers answer without a promise when they can: each one costs the event loop a turn of microtasks.
   */
  check(input: CheckInput): CheckAnswer | Promise<CheckAnswer> {
    if (input.minPosition !== undefined && input.minPosition > this.index.position) return this.checkAt(input, input.minPosition);
    return this.checkNow(input);
  }

  private async checkAt(input: CheckInput, minPosition: number): Promise<CheckAnswer> {
    const reached = await this.index.reach(minPosition, this.config.entitlements.minPositionWaitMs);
    if (!reached) return this.answer(input, staleDecision(input), this.clock.now().getTime(), null);
    return this.checkNow(input);
  }

  /** Decides from the index as it is now; fails closed when the index is stale. */
  checkNow(input: CheckInput): CheckAnswer {
    const now = this.clock.now().getTime();
    // Staleness is about this process's link to the store: real time. The rules use the business clock.
    if (this.index.isStale(Date.now())) return this.answer(input, staleDecision(input), now, null);
    const origin = this.geo.lookup(input.clientIp);
    const decision = decide(
      this.index.index,
      {
        credentialHash: input.credentialHash ?? (input.credential !== undefined ? hashApiCredential(input.credential) : undefined),
        partnerId: input.partnerId,
        model: input.model,
        userId: input.userId,
        clientIp: input.clientIp,
        country: origin.country,
        anonymizer: origin.anonymizer,
      },
      now,
    );
    return this.answer(input, decision, now, origin.country);
  }

  private answer(input: CheckInput, decision: Decision, now: number, country: string | null): CheckAnswer {
    const position = this.index.position;
    const id = decisionId(Date.now());
    if (decision.allow) this.outcomes.allow++;
    else {
      this.outcomes.deny++;
      for (const reason of decision.reasons) this.denialReasons.set(reason, (this.denialReasons.get(reason) ?? 0) + 1);
    }
    this.log.record({
      id,
      decidedAt: now,
      position,
      partnerId: decision.partnerId,
      userId: input.userId ?? null,
      model: decision.model,
      clientIp: input.clientIp ?? null,
      country,
      allow: decision.allow,
      reasons: decision.reasons,
      licenseId: decision.licenseId,
      dataVersions: this.geo.versions,
    });
    return {
      allow: decision.allow,
      reasons: decision.reasons,
      partnerId: decision.partnerId,
      licenseId: decision.licenseId,
      model: decision.model,
      position: String(position),
      decisionId: id,
      ttlMs: decision.allow ? this.config.entitlements.decisionTtlMs : 0,
    };
  }
}

function staleDecision(input: CheckInput): Decision {
  return { allow: false, reasons: [ReasonCode.STALE_STATE], partnerId: input.partnerId ?? null, licenseId: null, model: input.model, trace: null };
}
