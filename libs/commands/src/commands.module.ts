import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { EventStoreModule } from '@app/event-store';
import { SandboxKycProvider } from '@app/kyc';
import { ChangeModelStatusHandler } from './change-model-status/change-model-status.command';
import { DecideApplicationHandler } from './decide-application/decide-application.command';
import { DecideScreeningHitHandler } from './decide-screening-hit/decide-screening-hit.command';
import { ChangeDirectiveHandler } from './directive/directive.commands';
import { EnrolUserHandler, RemoveUserHandler } from './enrol-user/end-user.commands';
import { RecordGovernmentApprovalHandler, RequestGovernmentApprovalHandler } from './government-approval/government-approval.commands';
import { GrantLicenseHandler } from './grant-license/grant-license.command';
import { ImportRestrictedPartyListsHandler } from './import-restricted-party-lists/import-restricted-party-lists.command';
import { IssueCredentialHandler } from './issue-credential/issue-credential.command';
import { ApplyKycWebhookHandler, KYC_PROVIDERS, PollKycHandler, ReviewKycHandler, StartKycHandler } from './kyc/kyc.commands';
import { ExpireAtWindowEndHandler } from './expire-at-window-end/expire-at-window-end.command';
import { SuspendPartnerOnScreeningHitHandler } from './record-screening/suspend-partner-on-screening-hit.command';
import { ChangeLicenseHandler, RequestLicenseHandler } from './license-lifecycle/license-lifecycle.commands';
import { ChangePartnerStatusHandler, RequestInformationHandler, ReviseApplicationHandler } from './partner-lifecycle/partner-lifecycle.commands';
import { RecordScreeningHandler } from './record-screening/record-screening.command';
import { RegisterModelHandler } from './register-model/register-model.command';
import { RevokeCredentialHandler } from './revoke-credential/revoke-credential.command';
import { SubmitApplicationHandler } from './submit-application/submit-application.command';
import { RegisterWebhookEndpointHandler, RemoveWebhookEndpointHandler, ReplayWebhookDeliveryHandler, RotateWebhookSecretHandler } from './webhook-endpoint/webhook-endpoint.commands';
import { AggregateRepository } from './shared/aggregate-repository';
import { ModelFacts, PartnerFacts } from './shared/facts';
import { APP_CONFIG, AppConfig } from '@app/config';

/** The application layer shared by both APIs and the worker: every command handler. */
@Module({
  imports: [CqrsModule.forRoot(), EventStoreModule],
  providers: [
    AggregateRepository,
    PartnerFacts,
    ModelFacts,
    {
      // The sandbox verifies whatever a partner declares: never registered in production unless KYC_SANDBOX=on.
      provide: KYC_PROVIDERS,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => new Map(config.kyc.sandbox ? [['sandbox', new SandboxKycProvider()]] : []),
    },
    RegisterModelHandler,
    ChangeModelStatusHandler,
    SubmitApplicationHandler,
    ReviseApplicationHandler,
    ChangePartnerStatusHandler,
    RequestInformationHandler,
    DecideApplicationHandler,
    StartKycHandler,
    PollKycHandler,
    ExpireAtWindowEndHandler,
    SuspendPartnerOnScreeningHitHandler,
    ApplyKycWebhookHandler,
    ReviewKycHandler,
    RecordScreeningHandler,
    ImportRestrictedPartyListsHandler,
    DecideScreeningHitHandler,
    RequestGovernmentApprovalHandler,
    RecordGovernmentApprovalHandler,
    RequestLicenseHandler,
    GrantLicenseHandler,
    ChangeLicenseHandler,
    ChangeDirectiveHandler,
    EnrolUserHandler,
    RemoveUserHandler,
    IssueCredentialHandler,
    RevokeCredentialHandler,
    RegisterWebhookEndpointHandler,
    RotateWebhookSecretHandler,
    RemoveWebhookEndpointHandler,
    ReplayWebhookDeliveryHandler,
  ],
  exports: [CqrsModule, AggregateRepository],
})
export class CommandsModule {}
