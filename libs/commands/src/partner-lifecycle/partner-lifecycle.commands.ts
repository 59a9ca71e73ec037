import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Partner, PartnerApplication, PartnerCommand } from '@app/domain';
import { AggregateRepository } from '../shared/aggregate-repository';
import type { CommandMeta, CommandResult } from '../shared/command-meta';

/** The partner edits its application before a decision, or answers a request for information. */
export class ReviseApplicationCommand extends Command<CommandResult> {
  constructor(readonly application: PartnerApplication, readonly response: string | null, readonly meta: CommandMeta) {
    super();
  }
}

@CommandHandler(ReviseApplicationCommand)
export class ReviseApplicationHandler implements ICommandHandler<ReviseApplicationCommand> {
  constructor(private readonly aggregates: AggregateRepository) {}

  execute({ application, response, meta }: ReviseApplicationCommand): Promise<CommandResult> {
    const command: PartnerCommand =
      response === null ? { type: 'UpdateApplication', data: application } : { type: 'ResubmitApplication', data: { ...application, response } };
    return this.aggregates.execute(Partner, application.partnerId, command, meta);
  }
}

export type PartnerStatusChange = 'start_review' | 'suspend' | 'reinstate' | 'offboard';

/** A reviewer or compliance officer moves an application or partner along its lifecycle. */
export class ChangePartnerStatusCommand extends Command<CommandResult> {
  constructor(readonly partnerId: string, readonly change: PartnerStatusChange, readonly reason: string, readonly meta: CommandMeta) {
    super();
  }
}

@CommandHandler(ChangePartnerStatusCommand)
export class ChangePartnerStatusHandler implements ICommandHandler<ChangePartnerStatusCommand> {
  constructor(private readonly aggregates: AggregateRepository) {}

  execute({ partnerId, change, reason, meta }: ChangePartnerStatusCommand): Promise<CommandResult> {
    const command: PartnerCommand =
      change === 'start_review'
        ? { type: 'StartReview', data: { partnerId } }
        : change === 'suspend'
          ? { type: 'SuspendPartner', data: { partnerId, reason, cause: 'manual', reference: null } }
          : change === 'reinstate'
            ? { type: 'ReinstatePartner', data: { partnerId, reason } }
            : { type: 'OffboardPartner', data: { partnerId, reason } };
    return this.aggregates.execute(Partner, partnerId, command, meta);
  }
}

export class RequestInformationCommand extends Command<CommandResult> {
  constructor(readonly partnerId: string, readonly message: string, readonly fields: string[], readonly meta: CommandMeta) {
    super();
  }
}

@CommandHandler(RequestInformationCommand)
export class RequestInformationHandler implements ICommandHandler<RequestInformationCommand> {
  constructor(private readonly aggregates: AggregateRepository) {}

  execute({ partnerId, message, fields, meta }: RequestInformationCommand): Promise<CommandResult> {
    return this.aggregates.execute(Partner, partnerId, { type: 'RequestInformation', data: { partnerId, message, fields } }, meta);
  }
}
