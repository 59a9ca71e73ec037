import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { generateApiCredential } from '@app/auth';
import { Credential, Partner } from '@app/domain';
import { AggregateRepository } from '../shared/aggregate-repository';
import type { CommandMeta, CommandResult } from '../shared/command-meta';

export interface IssuedCredential extends CommandResult {
  credentialId: string;
  /** Present only in the answer to the command that created it; never stored, never shown again. */
  secret: string | null;
  prefix: string;
}

export class IssueCredentialCommand extends Command<IssuedCredential> {
  constructor(readonly partnerId: string, readonly credentialId: string, readonly label: string, readonly meta: CommandMeta) {
    super();
  }
}

@CommandHandler(IssueCredentialCommand)
export class IssueCredentialHandler implements ICommandHandler<IssueCredentialCommand> {
  constructor(private readonly aggregates: AggregateRepository) {}

  async execute({ partnerId, credentialId, label, meta }: IssueCredentialCommand): Promise<IssuedCredential> {
    const partner = await this.aggregates.load(Partner, partnerId);
    const issued = generateApiCredential();
    const result = await this.aggregates.execute(
      Credential,
      credentialId,
      {
        type: 'IssueCredential',
        data: { credentialId, partnerId, label, secretHash: issued.hash, prefix: issued.prefix },
        partnerStatus: partner.state.status,
      },
      meta,
    );
    // A retried request cannot show the secret again: it was shown once, to the first answer.
    return { ...result, credentialId, secret: result.duplicate ? null : issued.secret, prefix: result.duplicate ? '' : issued.prefix };
  }
}
