import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Credential } from '@app/domain';
import { AggregateRepository } from '../shared/aggregate-repository';
import type { CommandMeta, CommandResult } from '../shared/command-meta';

export class RevokeCredentialCommand extends Command<CommandResult> {
  constructor(readonly partnerId: string, readonly credentialId: string, readonly reason: string, readonly meta: CommandMeta) {
    super();
  }
}

@CommandHandler(RevokeCredentialCommand)
export class RevokeCredentialHandler implements ICommandHandler<RevokeCredentialCommand> {
  constructor(private readonly aggregates: AggregateRepository) {}

  execute({ partnerId, credentialId, reason, meta }: RevokeCredentialCommand): Promise<CommandResult> {
    return this.aggregates.execute(Credential, credentialId, { type: 'RevokeCredential', data: { credentialId, partnerId, reason } }, meta);
  }
}
