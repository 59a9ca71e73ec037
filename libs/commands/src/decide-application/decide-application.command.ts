import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Partner } from '@app/domain';
import { AggregateRepository } from '../shared/aggregate-repository';
import { PartnerFacts } from '../shared/facts';
import type { CommandMeta, CommandResult } from '../shared/command-meta';

/** A reviewer's verdict on an application under review. */
export class DecideApplicationCommand extends Command<CommandResult> {
  constructor(
    readonly partnerId: string,
    readonly verdict: 'approve' | 'reject',
    readonly reason: string,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

@CommandHandler(DecideApplicationCommand)
export class DecideApplicationHandler implements ICommandHandler<DecideApplicationCommand> {
  constructor(private readonly aggregates: AggregateRepository, private readonly facts: PartnerFacts) {}

  async execute({ partnerId, verdict, reason, meta }: DecideApplicationCommand): Promise<CommandResult> {
    if (verdict === 'reject') return this.aggregates.execute(Partner, partnerId, { type: 'RejectApplication', data: { partnerId, reason } }, meta);
    const facts = await this.facts.approvalFacts(partnerId);
    return this.aggregates.execute(Partner, partnerId, { type: 'ApproveApplication', data: { partnerId, reason }, facts }, meta);
  }
}
