import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Inject } from '@nestjs/common';
import { CLOCK, Clock } from '@app/config';
import { DomainError, KycCase, KycCaseOpened, KycSubject, Partner, VerifiedIdentity } from '@app/domain';
import { EventStore } from '@app/event-store';
import { KycDeclaredData, KycProvider, toProviderUpdate } from '@app/kyc';
import { AggregateRepository } from '../shared/aggregate-repository';
import type { CommandMeta, CommandResult } from '../shared/command-meta';

/** The configured providers by name; `sandbox` is always there. */
export const KYC_PROVIDERS = Symbol('KYC_PROVIDERS');
export type KycProviders = ReadonlyMap<string, KycProvider>;

export class StartKycCommand extends Command<CommandResult & { caseId: string; status: string }> {
  constructor(
    readonly caseId: string,
    readonly partnerId: string,
    readonly subject: KycSubject,
    readonly provider: string,
    readonly declared: KycDeclaredData,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

/** Opens a case with a provider and records whatever the provider reported straight away. */
@CommandHandler(StartKycCommand)
export class StartKycHandler implements ICommandHandler<StartKycCommand> {
  constructor(
    private readonly aggregates: AggregateRepository,
    @Inject(KYC_PROVIDERS) private readonly providers: KycProviders,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ caseId, partnerId, subject, provider: providerName, declared, meta }: StartKycCommand) {
    const provider = this.providers.get(providerName);
    if (!provider) throw new DomainError('KYC.UNKNOWN_PROVIDER', `No KYC provider named ${providerName} is configured.`, 'invalid', { field: 'provider' });
    const partner = await this.aggregates.load(Partner, partnerId);
    if (partner.state.status === 'none') throw new DomainError('PARTNER.NOT_FOUND', 'No application for this partner.', 'not_found');
    const existing = await this.aggregates.load(KycCase, caseId);
    if (existing.state.status !== 'none' && existing.state.partnerId !== partnerId) {
      throw new DomainError('KYC.ALREADY_OPEN', 'This KYC case id is taken.', 'conflict', {});
    }
    if (existing.state.status !== 'none') {
      // A retried start (same Idempotency-Key, so the same case id) must not ask the provider twice.
      if (!meta.idempotencyKey) throw new DomainError('KYC.ALREADY_OPEN', 'This KYC case already exists.', 'conflict', { currentStatus: existing.state.status });
      return { streamId: `kyc-${caseId}`, streamVersion: existing.version, position: existing.position, duplicate: true, caseId, status: existing.state.status };
    }
    const started = await provider.start({ caseId, partnerId, subject, declared });
    let { state, ...result } = await this.aggregates.execute(
      KycCase,
      caseId,
      { type: 'OpenKycCase', data: { caseId, partnerId, subject, provider: provider.name, providerRef: started.providerRef, declaredName: declared.name } },
      meta,
    );
    for (const report of started.immediate) {
      const update = toProviderUpdate(provider.name, report, { rawPayload: started.rawResponse, receivedAt: this.clock.now() });
      ({ state, ...result } = await this.aggregates.execute(KycCase, caseId, { type: 'ApplyProviderUpdate', data: update }, {
        ...meta,
        idempotencyKey: `kyc:${provider.name}:${report.providerEventId}`,
      }));
    }
    return { ...result, caseId, status: state.status };
  }
}

/** Asks the case's provider for news on a case still waiting for its outcome; answers the status after. */
export class PollKycCommand extends Command<CommandResult & { status: string }> {
  constructor(readonly caseId: string, readonly meta: CommandMeta) {
    super();
  }
}

const AWAITING_PROVIDER = ['started', 'pending'];

@CommandHandler(PollKycCommand)
export class PollKycHandler implements ICommandHandler<PollKycCommand> {
  constructor(
    private readonly aggregates: AggregateRepository,
    private readonly store: EventStore,
    @Inject(KYC_PROVIDERS) private readonly providers: KycProviders,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ caseId, meta }: PollKycCommand) {
    const current = await this.aggregates.load(KycCase, caseId);
    if (current.state.status === 'none') throw new DomainError('KYC.NOT_FOUND', 'No such KYC case.', 'not_found');
    let result: CommandResult = { streamId: `kyc-${caseId}`, streamVersion: current.version, position: current.position, duplicate: true };
    let status: string = current.state.status;
    if (!AWAITING_PROVIDER.includes(status)) return { ...result, status };
    const opened = (await this.store.readStream(`kyc-${caseId}`)).find((e) => e.type === 'KycCaseOpened') as unknown as KycCaseOpened;
    const provider = this.providers.get(opened.data.provider);
    if (!provider) throw new DomainError('KYC.UNKNOWN_PROVIDER', `No KYC provider named ${opened.data.provider} is configured.`, 'invalid', { field: 'provider' });
    const { partnerId, subject, providerRef, declaredName } = opened.data;
    for (const report of await provider.poll({ caseId, partnerId, subject, providerRef, declaredName })) {
      const update = toProviderUpdate(provider.name, report, { rawPayload: null, receivedAt: this.clock.now() });
      // The provider's event id makes a report seen before (by webhook or an earlier poll) append nothing.
      const { state, ...applied } = await this.aggregates.execute(KycCase, caseId, { type: 'ApplyProviderUpdate', data: update }, {
        ...meta,
        idempotencyKey: `kyc:${provider.name}:${report.providerEventId}`,
      });
      result = applied;
      status = state.status;
    }
    return { ...result, status };
  }
}

/** A provider's webhook, already authenticated: applied once per provider event id. */
export class ApplyKycWebhookCommand extends Command<CommandResult> {
  constructor(readonly provider: string, readonly rawBody: string, readonly meta: CommandMeta) {
    super();
  }
}

@CommandHandler(ApplyKycWebhookCommand)
export class ApplyKycWebhookHandler implements ICommandHandler<ApplyKycWebhookCommand> {
  constructor(
    private readonly aggregates: AggregateRepository,
    @Inject(KYC_PROVIDERS) private readonly providers: KycProviders,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ provider: providerName, rawBody, meta }: ApplyKycWebhookCommand): Promise<CommandResult> {
    const provider = this.providers.get(providerName);
    if (!provider) throw new DomainError('KYC.UNKNOWN_PROVIDER', `No KYC provider named ${providerName}.`, 'not_found');
    const now = this.clock.now();
    const update = provider.parseWebhook(rawBody, now);
    if (update.caseRef.kind !== 'caseId') {
      throw new DomainError('KYC.CASE_REFERENCE_UNSUPPORTED', 'This provider must name the case by our case id.', 'invalid', { field: 'caseId' });
    }
    const caseId = update.caseRef.caseId;
    return this.aggregates.execute(
      KycCase,
      caseId,
      { type: 'ApplyProviderUpdate', data: toProviderUpdate(provider.name, update, { rawPayload: rawBody, receivedAt: now }) },
      // The provider's event id makes a redelivered webhook append nothing.
      { ...meta, idempotencyKey: `kyc:${provider.name}:${update.providerEventId}` },
    );
  }
}

export class ReviewKycCommand extends Command<CommandResult> {
  constructor(
    readonly caseId: string,
    readonly outcome: 'verified' | 'failed',
    readonly reason: string,
    readonly identity: VerifiedIdentity | undefined,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

@CommandHandler(ReviewKycCommand)
export class ReviewKycHandler implements ICommandHandler<ReviewKycCommand> {
  constructor(private readonly aggregates: AggregateRepository) {}

  execute({ caseId, outcome, reason, identity, meta }: ReviewKycCommand): Promise<CommandResult> {
    return this.aggregates.execute(KycCase, caseId, { type: 'ReviewKyc', data: { outcome, reason, identity, reviewerId: meta.actor.id } }, meta);
  }
}
