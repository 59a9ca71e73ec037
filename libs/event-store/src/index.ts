export * from './event';
export { IdempotencyConflictError, WrongExpectedVersionError } from './errors';
export { deterministicEventId, newEventId } from './event-ids';
export { EventStore } from './event-store';
export { auditTrailQuery, AuditTrailFilter, AuditTrailPage, readAuditTrail } from './audit-trail';
export { GlobalReader } from './global-reader';
export {
  ChainBreak,
  checkpointGraceMs,
  eventHash,
  GENESIS_HASH,
  hashesAt,
  IntegrityReport,
  latestCheckpoint,
  recordCheckpoint,
  rollRoot,
  signCheckpoint,
  verifyAuditChains,
  VerifyOptions,
} from './audit-chain';
export { EVENTS_CHANNEL, Subscription, SubscriptionOptions } from './subscription';
export { noneRunningBelow, parseSnapshot, TxSnapshot } from './snapshot';
export { EventStoreModule } from './event-store.module';
