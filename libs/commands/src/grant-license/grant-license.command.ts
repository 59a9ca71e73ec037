import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { License, LicenseGrantConditions, Model, Partner } from '@app/domain';
import { AggregateRepository } from '../shared/aggregate-repository';
import { ModelFacts } from '../shared/facts';
import type { CommandMeta, CommandResult } from '../shared/command-meta';

export type LicenseGrantRequest = { licenseId: string; partnerId: string; modelId: string } & LicenseGrantConditions;

/**
 * Grants a license: at once for an EAR99 model, as a proposal awaiting a second compliance
 * officer for a controlled one. `modelId` may name a family; a family is controlled when any of
 * its registered models is, and the handler then needs one registered model of that family.
 */
export class GrantLicenseCommand extends Command<CommandResult & { licenseStatus: string }> {
  constructor(readonly grant: LicenseGrantRequest, readonly meta: CommandMeta) {
    super();
  }
}

@CommandHandler(GrantLicenseCommand)
export class GrantLicenseHandler implements ICommandHandler<GrantLicenseCommand> {
  constructor(private readonly aggregates: AggregateRepository, private readonly models: ModelFacts) {}

  async execute({ grant, meta }: GrantLicenseCommand): Promise<CommandResult & { licenseStatus: string }> {
    const [partner, model] = await Promise.all([
      this.aggregates.load(Partner, grant.partnerId),
      this.aggregates.load(Model, grant.modelId),
    ]);
    const modelFacts =
      model.state.status !== 'unregistered'
        ? { modelStatus: model.state.status, classification: model.state.model!.classification }
        : await this.models.forFamily(grant.modelId);
    const { state, ...result } = await this.aggregates.execute(
      License,
      grant.licenseId,
      { type: 'GrantLicense', data: grant, partnerStatus: partner.state.status, ...modelFacts },
      meta,
    );
    // Active at once for an EAR99 model; otherwise a proposal waiting for a second officer.
    return { ...result, licenseStatus: state.status };
  }
}
