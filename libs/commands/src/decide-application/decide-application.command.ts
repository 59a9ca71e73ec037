import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Partner } from '@app/domain';
import { AggregateRepository } from '../shared/aggregate-repository';
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
  constructor(private readonly aggregates: AggregateRepository) {}

  execute({ partnerId, verdict, reason, meta }: DecideApplicationCommand): Promise<CommandResult> {
    const type = verdict === 'approve' ? 'ApproveApplication' : 'RejectApplication';
    return this.aggregates.execute(Partner, partnerId, { type, data: { partnerId, reason } }, meta);
  }
}
