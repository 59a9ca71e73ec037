export { DEFAULT_GEO_POLICY, GeoPolicy } from './entitlement-index';
export { encodeIndexState, encodeIndexStateInSteps, IndexCodecError, IndexStateDecoder } from './index-codec';
export { ReasonCode } from './reason-codes';
export {
  EntitlementIndex,
  INDEX_STATE_FORMAT,
  IndexableEvent,
  IndexState,
  IndexedCredential,
  IndexedDatedCountry,
  IndexedDirective,
  IndexedGovernmentApproval,
  IndexedIdentity,
  IndexedKycCase,
  IndexedLicense,
  IndexedLicenseStatus,
  IndexedModel,
  IndexedPartner,
  IndexedScreening,
  IndexedUser,
  PartnerFacts,
} from './entitlement-index';
export { CheckRequest, Decision, decide, reasonsOf, RuleTrace, RULES } from './decide';
