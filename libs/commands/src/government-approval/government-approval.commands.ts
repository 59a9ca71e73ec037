import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DomainError, GovernmentApproval, GovernmentApprovalCommand, GovernmentApprovalTerms, Partner } from '@app/domain';
import { AggregateRepository } from '../shared/aggregate-repository';
import type { CommandMeta, CommandResult } from '../shared/command-meta';

export class RequestGovernmentApprovalCommand extends Command<CommandResult> {
  constructor(readonly request: { approvalId: string; partnerId: string; models: string[]; authority: string; justification: string }, readonly meta: CommandMeta) {
    super();
  }
}

@CommandHandler(RequestGovernmentApprovalCommand)
export class RequestGovernmentApprovalHandler implements ICommandHandler<RequestGovernmentApprovalCommand> {
  constructor(private readonly aggregates: AggregateRepository) {}

  async execute({ request, meta }: RequestGovernmentApprovalCommand): Promise<CommandResult> {
    const partner = await this.aggregates.load(Partner, request.partnerId);
    if (partner.state.status === 'none') throw new DomainError('PARTNER.NOT_FOUND', 'No application for this partner.', 'not_found');
    return this.aggregates.execute(GovernmentApproval, request.approvalId, { type: 'RequestGovernmentApproval', data: request }, meta);
  }
}

/** A compliance officer records, amends or revokes an approval a government authority issued. */
export class RecordGovernmentApprovalCommand extends Command<CommandResult> {
  constructor(
    readonly change: 'record' | 'amend' | 'revoke',
    readonly approvalId: string,
    readonly terms: GovernmentApprovalTerms | null,
    readonly reason: string,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

@CommandHandler(RecordGovernmentApprovalCommand)
export class RecordGovernmentApprovalHandler implements ICommandHandler<RecordGovernmentApprovalCommand> {
  constructor(private readonly aggregates: AggregateRepository) {}

  async execute({ change, approvalId, terms, reason, meta }: RecordGovernmentApprovalCommand): Promise<CommandResult> {
    let command: GovernmentApprovalCommand;
    if (change === 'record') {
      const partner = await this.aggregates.load(Partner, terms!.partnerId);
      command = { type: 'RecordGovernmentApproval', data: terms!, partnerExists: partner.state.status !== 'none' };
    } else if (change === 'amend') {
      command = { type: 'AmendGovernmentApproval', data: { ...terms!, reason } };
    } else {
      command = { type: 'RevokeGovernmentApproval', data: { reason } };
    }
    return this.aggregates.execute(GovernmentApproval, approvalId, command, meta);
  }
}
