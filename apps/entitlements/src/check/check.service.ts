import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { hashApiCredential } from '@app/auth';
import { APP_CONFIG, AppConfig, CLOCK, Clock } from '@app/config';
import { Decision, decide, ReasonCode } from '@app/entitlement';
import { IndexService } from '../index/index.service';
import type { CheckInput } from './check-request';

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
  constructor(
    private readonly index: IndexService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async check(input: CheckInput): Promise<CheckAnswer> {
    if (input.minPosition !== undefined && input.minPosition > this.index.position) {
      const reached = await this.index.reach(input.minPosition, this.config.entitlements.minPositionWaitMs);
      if (!reached) return this.stale(input);
    }
    return this.checkNow(input);
  }

  /** Decides from the index as it is now; fails closed when the index is stale. */
  checkNow(input: CheckInput): CheckAnswer {
    // Staleness is about this process's connection to the store: real time. The rules use the business clock.
    if (this.index.isStale(Date.now())) return this.stale(input);
    const now = this.clock.now().getTime();
    const decision = decide(
      this.index.index,
      {
        credentialHash: input.credential !== undefined ? hashApiCredential(input.credential) : undefined,
        partnerId: input.partnerId,
        model: input.model,
        userId: input.userId,
        clientIp: input.clientIp,
      },
      now,
    );
    return this.answer(decision);
  }

  private stale(input: CheckInput): CheckAnswer {
    return this.answer({
      allow: false,
      reasons: [ReasonCode.STALE_STATE],
      partnerId: input.partnerId ?? null,
      licenseId: null,
      model: input.model,
      trace: null,
    });
  }

  private answer(decision: Decision): CheckAnswer {
    return {
      allow: decision.allow,
      reasons: decision.reasons,
      partnerId: decision.partnerId,
      licenseId: decision.licenseId,
      model: decision.model,
      position: String(this.index.position),
      decisionId: `d-${randomUUID()}`,
      ttlMs: decision.allow ? this.config.entitlements.decisionTtlMs : 0,
    };
  }
}
