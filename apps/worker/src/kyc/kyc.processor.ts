import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { CommandMeta, PollKycCommand, StartKycCommand } from '@app/commands';
import { APP_CONFIG, AppConfig } from '@app/config';
import { Partner } from '@app/domain';
import { AggregateRepository } from '@app/commands';
import type { JobPayload } from '@app/jobs';

const ACTOR = { id: 'kyc-worker', role: 'service' as const, partnerId: null };

/** Thrown while a provider has not decided a case yet: the job retries with back-off, and fails visibly if it never does. */
export class KycStillPendingError extends Error {
  constructor(caseId: string, status: string) {
    super(`KYC case ${caseId} is still ${status} at the provider`);
    this.name = 'KycStillPendingError';
  }
}

/** Opens organisation KYB with the configured provider, and polls providers for cases they have not decided yet. */
@Injectable()
export class KycProcessor {
  constructor(
    private readonly commands: CommandBus,
    private readonly aggregates: AggregateRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The case id comes from the submission, and StartKyc with the same idempotency key opens one case only. */
  async startOrganisationKyb({ caseId, partnerId, causationEventId }: JobPayload<'kyc', 'kyc.start'>): Promise<{ status: string }> {
    const provider = this.config.kyc.autoStartProvider;
    if (!provider) return { status: 'not started: no KYC_AUTO_START_PROVIDER configured' };
    const { state } = await this.aggregates.load(Partner, partnerId);
    const application = state.application;
    if (!application) throw new Error(`partner ${partnerId} has no application to verify`);
    const meta: CommandMeta = { actor: ACTOR, correlationId: causationEventId, causationId: causationEventId, idempotencyKey: `kyc.start:${caseId}` };
    const declared = { name: application.legalName, registrationNumber: application.registrationNumber, country: application.countryOfIncorporation };
    const result = await this.commands.execute(new StartKycCommand(caseId, partnerId, { kind: 'organisation' }, provider, declared, meta));
    return { status: result.status };
  }

  async poll({ caseId }: JobPayload<'kyc', 'kyc.poll'>, attempt: number): Promise<{ status: string }> {
    const meta: CommandMeta = { actor: ACTOR, correlationId: caseId, causationId: null, idempotencyKey: null };
    const { status } = await this.commands.execute(new PollKycCommand(caseId, meta));
    if (status === 'started' || status === 'pending') throw new KycStillPendingError(caseId, `${status} (poll ${attempt})`);
    return { status };
  }
}
