export { CheckRequest, Decision, EntitlementClient, EntitlementClientOptions, FAIL_CLOSED_REASON } from './entitlement-client';
