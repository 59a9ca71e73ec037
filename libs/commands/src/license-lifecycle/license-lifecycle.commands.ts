import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { License, LicenseCommand, LicenseConditions, Model, Partner } from '@app/domain';
import { AggregateRepository } from '../shared/aggregate-repository';
import type { CommandMeta, CommandResult } from '../shared/command-meta';

/** A partner asks for a license; a compliance officer later grants or rejects it. */
export class RequestLicenseCommand extends Command<CommandResult> {
  constructor(readonly request: { licenseId: string; partnerId: string; modelId: string; justification: string }, readonly meta: CommandMeta) {
    super();
  }
}

@CommandHandler(RequestLicenseCommand)
export class RequestLicenseHandler implements ICommandHandler<RequestLicenseCommand> {
  constructor(private readonly aggregates: AggregateRepository) {}

  async execute({ request, meta }: RequestLicenseCommand): Promise<CommandResult> {
    const [partner, model] = await Promise.all([this.aggregates.load(Partner, request.partnerId), this.aggregates.load(Model, request.modelId)]);
    return this.aggregates.execute(
      License,
      request.licenseId,
      { type: 'RequestLicense', data: request, partnerStatus: partner.state.status, modelStatus: model.state.status },
      meta,
    );
  }
}

export type LicenseChange =
  | { type: 'approve' }
  | { type: 'reject'; reason: string }
  | { type: 'suspend'; reason: string }
  | { type: 'reinstate'; reason: string }
  | { type: 'amend'; reason: string; conditions: LicenseConditions }
  | { type: 'revoke'; reason: string };

/** Every decision on an existing license: four-eyes approval, suspension, amendment, revocation. */
export class ChangeLicenseCommand extends Command<CommandResult> {
  constructor(readonly licenseId: string, readonly change: LicenseChange, readonly meta: CommandMeta) {
    super();
  }
}

@CommandHandler(ChangeLicenseCommand)
export class ChangeLicenseHandler implements ICommandHandler<ChangeLicenseCommand> {
  constructor(private readonly aggregates: AggregateRepository) {}

  execute({ licenseId, change, meta }: ChangeLicenseCommand): Promise<CommandResult> {
    const command: LicenseCommand =
      change.type === 'approve'
        ? { type: 'ApproveLicense' }
        : change.type === 'reject'
          ? { type: 'RejectLicenseProposal', data: { reason: change.reason } }
          : change.type === 'suspend'
            ? { type: 'SuspendLicense', data: { reason: change.reason } }
            : change.type === 'reinstate'
              ? { type: 'ReinstateLicense', data: { reason: change.reason } }
              : change.type === 'amend'
                ? { type: 'AmendLicense', data: { ...change.conditions, reason: change.reason } }
                : { type: 'RevokeLicense', data: { reason: change.reason } };
    return this.aggregates.execute(License, licenseId, command, meta);
  }
}
