import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { License, Model, Partner } from '@app/domain';
import { AggregateRepository } from '../shared/aggregate-repository';
import type { CommandMeta, CommandResult } from '../shared/command-meta';

export interface LicenseGrantRequest {
  licenseId: string;
  partnerId: string;
  modelId: string;
  validFrom: string | null;
  validUntil: string | null;
}

export class GrantLicenseCommand extends Command<CommandResult> {
  constructor(readonly grant: LicenseGrantRequest, readonly meta: CommandMeta) {
    super();
  }
}

@CommandHandler(GrantLicenseCommand)
export class GrantLicenseHandler implements ICommandHandler<GrantLicenseCommand> {
  constructor(private readonly aggregates: AggregateRepository) {}

  async execute({ grant, meta }: GrantLicenseCommand): Promise<CommandResult> {
    const [partner, model] = await Promise.all([
      this.aggregates.load(Partner, grant.partnerId),
      this.aggregates.load(Model, grant.modelId),
    ]);
    return this.aggregates.execute(
      License,
      grant.licenseId,
      { type: 'GrantLicense', data: grant, partnerStatus: partner.state.status, modelStatus: model.state.status },
      meta,
    );
  }
}
