import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Partner, PartnerApplication } from '@app/domain';
import { AggregateRepository } from '../shared/aggregate-repository';
import type { CommandMeta, CommandResult } from '../shared/command-meta';

export class SubmitApplicationCommand extends Command<CommandResult> {
  constructor(readonly application: PartnerApplication, readonly meta: CommandMeta) {
    super();
  }
}

@CommandHandler(SubmitApplicationCommand)
export class SubmitApplicationHandler implements ICommandHandler<SubmitApplicationCommand> {
  constructor(private readonly aggregates: AggregateRepository) {}

  execute({ application, meta }: SubmitApplicationCommand): Promise<CommandResult> {
    return this.aggregates.execute(Partner, application.partnerId, { type: 'SubmitApplication', data: application }, meta);
  }
}
