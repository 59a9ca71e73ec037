import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { CommandMeta, ExpireAtWindowEndCommand, ExpiringThing } from '@app/commands';
import { APP_CONFIG, AppConfig } from '@app/config';
import type { JobName, JobPayloads } from '@app/jobs';

const ACTOR = { id: 'expiry-worker', role: 'service' as const, partnerId: null };

type ExpiryJob = { [N in JobName<'expiry'>]: { name: N; data: JobPayloads['expiry'][N] } }[JobName<'expiry'>];

/** The thing a timer names, and the end of the window it was set for. */
export function expiringThingOf(job: ExpiryJob, kycValidityDays: number): { thing: ExpiringThing; id: string; windowEnd: string } {
  switch (job.name) {
    case 'expiry.license':
      return { thing: { kind: 'license', licenseId: job.data.licenseId }, id: job.data.licenseId, windowEnd: job.data.validUntil };
    case 'expiry.government-approval':
      return { thing: { kind: 'government-approval', approvalId: job.data.approvalId }, id: job.data.approvalId, windowEnd: job.data.validUntil };
    case 'expiry.directive':
      return { thing: { kind: 'directive', directiveId: job.data.directiveId }, id: job.data.directiveId, windowEnd: job.data.expiresAt };
    case 'expiry.kyc':
      return { thing: { kind: 'kyc', caseId: job.data.caseId, validForDays: kycValidityDays }, id: job.data.caseId, windowEnd: job.data.expiresAt };
  }
}

/** Ends licenses, government approvals, directives and KYC verifications whose window has closed. */
@Injectable()
export class ExpiryProcessor {
  constructor(private readonly commands: CommandBus, @Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async expire(job: ExpiryJob): Promise<{ expired: boolean }> {
    const { thing, id, windowEnd } = expiringThingOf(job, this.config.kyc.validityDays);
    const key = `expire:${thing.kind}:${id}:${windowEnd}`;
    const meta: CommandMeta = { actor: ACTOR, correlationId: key, causationId: null, idempotencyKey: key };
    const result = await this.commands.execute(new ExpireAtWindowEndCommand(thing, meta));
    return { expired: !result.duplicate };
  }
}

export type { ExpiryJob };
