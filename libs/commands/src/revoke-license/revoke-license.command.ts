import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { License } from '@app/domain';
import { AggregateRepository } from '../shared/aggregate-repository';
import type { CommandMeta, CommandResult } from '../shared/command-meta';

export class RevokeLicenseCommand extends Command<CommandResult> {
  constructor(readonly licenseId: string, readonly reason: string, readonly meta: CommandMeta) {
    super();
  }
}

@CommandHandler(RevokeLicenseCommand)
export class RevokeLicenseHandler implements ICommandHandler<RevokeLicenseCommand> {
  constructor(private readonly aggregates: AggregateRepository) {}

  execute({ licenseId, reason, meta }: RevokeLicenseCommand): Promise<CommandResult> {
    return this.aggregates.execute(License, licenseId, { type: 'RevokeLicense', data: { licenseId, reason } }, meta);
  }
}
