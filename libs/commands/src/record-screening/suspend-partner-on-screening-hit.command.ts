import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Partner } from '@app/domain';
import { AggregateRepository } from '../shared/aggregate-repository';
import type { CommandMeta, CommandResult } from '../shared/command-meta';

/**
 * A re-screening found a new possible hit on a partner that holds access: its access is suspended
 * until a reviewer decides the hit. A partner that is not approved (under review, already
 * suspended, offboarded) has no access to take away: nothing is recorded.
 */
export class SuspendPartnerOnScreeningHitCommand extends Command<CommandResult & { suspended: boolean }> {
  constructor(readonly partnerId: string, readonly screeningId: string, readonly reason: string, readonly meta: CommandMeta) {
    super();
  }
}

@CommandHandler(SuspendPartnerOnScreeningHitCommand)
export class SuspendPartnerOnScreeningHitHandler implements ICommandHandler<SuspendPartnerOnScreeningHitCommand> {
  constructor(private readonly aggregates: AggregateRepository) {}

  async execute({ partnerId, screeningId, reason, meta }: SuspendPartnerOnScreeningHitCommand) {
    const partner = await this.aggregates.load(Partner, partnerId);
    if (partner.state.status !== 'approved') {
      return { streamId: `partner-${partnerId}`, streamVersion: partner.version, position: partner.position, duplicate: true, suspended: false };
    }
    const { state: _state, ...result } = await this.aggregates.execute(
      Partner,
      partnerId,
      { type: 'SuspendPartner', data: { partnerId, reason, cause: 'screening_hit', reference: screeningId } },
      meta,
    );
    return { ...result, suspended: true };
  }
}
