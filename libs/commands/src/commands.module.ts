import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { EventStoreModule } from '@app/event-store';
import { DecideApplicationHandler } from './decide-application/decide-application.command';
import { GrantLicenseHandler } from './grant-license/grant-license.command';
import { IssueCredentialHandler } from './issue-credential/issue-credential.command';
import { RegisterModelHandler } from './register-model/register-model.command';
import { RevokeCredentialHandler } from './revoke-credential/revoke-credential.command';
import { RevokeLicenseHandler } from './revoke-license/revoke-license.command';
import { SubmitApplicationHandler } from './submit-application/submit-application.command';
import { AggregateRepository } from './shared/aggregate-repository';

/** The application layer shared by both APIs and the worker: every command handler. */
@Module({
  imports: [CqrsModule.forRoot(), EventStoreModule],
  providers: [
    AggregateRepository,
    RegisterModelHandler,
    SubmitApplicationHandler,
    DecideApplicationHandler,
    GrantLicenseHandler,
    RevokeLicenseHandler,
    IssueCredentialHandler,
    RevokeCredentialHandler,
  ],
  exports: [CqrsModule, AggregateRepository],
})
export class CommandsModule {}
