export * from './shared/aggregate';
export * from './shared/domain-error';
export * from './shared/time-window';
export * from './model/model.events';
export * from './model/model.state';
export * from './model/model.decide';
export * from './partner/partner.events';
export * from './partner/partner.state';
export * from './partner/partner.decide';
export * from './license/license.events';
export * from './license/license.state';
export * from './license/license.decide';
export * from './credential/credential.events';
export * from './credential/credential.decide';
export * from './kyc/kyc.events';
export * from './kyc/kyc.decide';
export * from './screening/screening.events';
export * from './screening/screening.decide';
export * from './screening/restricted-party-lists.decide';
export * from './government-approval/government-approval.events';
export * from './government-approval/government-approval.decide';
export * from './directive/directive.events';
export * from './directive/directive.decide';
export * from './end-user/end-user.decide';
export * from './webhook-endpoint/webhook-endpoint.events';
export * from './webhook-endpoint/webhook-endpoint.decide';

import type { CredentialEvent } from './credential/credential.events';
import type { DirectiveEvent } from './directive/directive.events';
import type { EndUserEvent } from './end-user/end-user.decide';
import type { GovernmentApprovalEvent } from './government-approval/government-approval.events';
import type { KycEvent } from './kyc/kyc.events';
import type { LicenseEvent } from './license/license.events';
import type { ModelEvent } from './model/model.events';
import type { PartnerEvent } from './partner/partner.events';
import type { ScreeningEvent } from './screening/screening.events';
import type { WebhookEndpointEvent } from './webhook-endpoint/webhook-endpoint.events';

/** Every event the domain records. */
export type AnyDomainEvent =
  | ModelEvent
  | PartnerEvent
  | LicenseEvent
  | CredentialEvent
  | KycEvent
  | ScreeningEvent
  | GovernmentApprovalEvent
  | DirectiveEvent
  | EndUserEvent
  | WebhookEndpointEvent;
