export * from './shared/aggregate';
export * from './shared/domain-error';
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

import type { CredentialEvent } from './credential/credential.events';
import type { LicenseEvent } from './license/license.events';
import type { ModelEvent } from './model/model.events';
import type { PartnerEvent } from './partner/partner.events';

/** Every event the domain records. */
export type AnyDomainEvent = ModelEvent | PartnerEvent | LicenseEvent | CredentialEvent;
