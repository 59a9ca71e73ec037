import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { EndUser, endUserKey, Partner } from '@app/domain';
import { AggregateRepository } from '../shared/aggregate-repository';
import type { CommandMeta, CommandResult } from '../shared/command-meta';

export class EnrolUserCommand extends Command<CommandResult> {
  constructor(readonly user: { partnerId: string; userId: string; name: string; email: string | null }, readonly meta: CommandMeta) {
    super();
  }
}

@CommandHandler(EnrolUserCommand)
export class EnrolUserHandler implements ICommandHandler<EnrolUserCommand> {
  constructor(private readonly aggregates: AggregateRepository) {}

  async execute({ user, meta }: EnrolUserCommand): Promise<CommandResult> {
    const partner = await this.aggregates.load(Partner, user.partnerId);
    return this.aggregates.execute(EndUser, endUserKey(user.partnerId, user.userId), { type: 'EnrolUser', data: user, partnerStatus: partner.state.status }, meta);
  }
}

export class RemoveUserCommand extends Command<CommandResult> {
  constructor(readonly partnerId: string, readonly userId: string, readonly reason: string, readonly meta: CommandMeta) {
    super();
  }
}

@CommandHandler(RemoveUserCommand)
export class RemoveUserHandler implements ICommandHandler<RemoveUserCommand> {
  constructor(private readonly aggregates: AggregateRepository) {}

  execute({ partnerId, userId, reason, meta }: RemoveUserCommand): Promise<CommandResult> {
    return this.aggregates.execute(EndUser, endUserKey(partnerId, userId), { type: 'RemoveUser', data: { partnerId, userId, reason } }, meta);
  }
}
