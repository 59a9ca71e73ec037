import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Partner, Screening } from '@app/domain';
import { AggregateRepository } from '../shared/aggregate-repository';
import type { CommandMeta, CommandResult } from '../shared/command-meta';

/**
 * A reviewer clears a false positive or confirms a hit. A confirmed hit also suspends the
 * partner's access when it is approved (the check denies SCREENING_HIT in any case).
 */
export class DecideScreeningHitCommand extends Command<CommandResult> {
  constructor(readonly screeningId: string, readonly verdict: 'clear' | 'confirm', readonly reason: string, readonly meta: CommandMeta) {
    super();
  }
}

@CommandHandler(DecideScreeningHitCommand)
export class DecideScreeningHitHandler implements ICommandHandler<DecideScreeningHitCommand> {
  constructor(private readonly aggregates: AggregateRepository) {}

  async execute({ screeningId, verdict, reason, meta }: DecideScreeningHitCommand): Promise<CommandResult> {
    const type = verdict === 'clear' ? 'ClearScreeningHit' : 'ConfirmScreeningHit';
    const { state, ...result } = await this.aggregates.execute(Screening, screeningId, { type, data: { reason } }, meta);
    if (verdict === 'clear') return result;
    const partnerId = state.partnerId!;
    const partner = await this.aggregates.load(Partner, partnerId);
    if (partner.state.status !== 'approved') return result;
    return this.aggregates.execute(
      Partner,
      partnerId,
      { type: 'SuspendPartner', data: { partnerId, reason: `Restricted-party hit confirmed: ${reason}`, cause: 'screening_hit', reference: screeningId } },
      { ...meta, causationId: screeningId, idempotencyKey: meta.idempotencyKey ? `${meta.idempotencyKey}:suspend` : `screening-hit:${screeningId}` },
    );
  }
}
