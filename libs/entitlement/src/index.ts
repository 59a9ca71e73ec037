export { ReasonCode } from './reason-codes';
export { EntitlementIndex, IndexableEvent, IndexedCredential, IndexedLicense, IndexedModel, IndexedPartner } from './entitlement-index';
export { CheckRequest, Decision, decide, RuleTrace } from './decide';
