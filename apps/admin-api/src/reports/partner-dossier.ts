import type { Pool } from 'pg';
import { readAuditTrail, RecordedEvent } from '@app/event-store';

/** One recorded change: what happened, when, by whom, and its data as recorded (credential hashes left out). */
export interface DossierChange {
  position: string;
  occurredAt: string;
  type: string;
  streamId: string;
  actorId: string;
  actorRole: string;
  correlationId: string | null;
  data: Record<string, unknown>;
}

/** A thing with a life of its own (a KYC case, a screening, a license, ...): where it stands, and how it got there. */
export interface DossierRecord {
  id: string;
  status: string;
  /** The latest terms or evidence recorded for it. */
  details: Record<string, unknown>;
  history: DossierChange[];
}

export interface DirectiveRecord extends DossierRecord {
  /** The partner's licensed models or families the directive's scope covered. */
  coveredLicensedTargets: string[];
}

export interface PartnerDossier {
  partnerId: string;
  legalName: string | null;
  status: string;
  /** The global position of the partner's latest event: the dossier is complete up to it. */
  position: string;
  generatedAt: string;
  application: { current: Record<string, unknown> | null; history: DossierChange[] };
  /** Review, approval and status decisions on the partner itself, with their reasons. */
  decisions: DossierChange[];
  kycCases: DossierRecord[];
  screenings: DossierRecord[];
  governmentApprovals: DossierRecord[];
  licenses: DossierRecord[];
  directives: DirectiveRecord[];
  endUsers: DossierRecord[];
  credentials: DossierRecord[];
  /** Every event about the partner in global order. */
  changes: DossierChange[];
}

const APPLICATION_EVENTS = new Set(['ApplicationSubmitted', 'ApplicationUpdated', 'ApplicationResubmitted']);
const PARTNER_STATUS: Record<string, string> = {
  ApplicationSubmitted: 'submitted',
  ReviewStarted: 'under_review',
  InformationRequested: 'information_requested',
  ApplicationResubmitted: 'resubmitted',
  ApplicationApproved: 'approved',
  ApplicationRejected: 'rejected',
  PartnerSuspended: 'suspended',
  PartnerReinstated: 'approved',
  PartnerOffboarded: 'offboarded',
};
const KYC_STATUS: Record<string, string> = {
  KycCaseOpened: 'started',
  KycPending: 'pending',
  KycVerified: 'verified',
  KycFailed: 'failed',
  KycNeedsReview: 'needs_review',
  KycExpired: 'expired',
};
const SCREENING_STATUS_OF_BAND: Record<string, string> = { clear: 'clear', review: 'needs_review', block: 'blocked' };
const SCREENING_STATUS: Record<string, string> = { ScreeningHitCleared: 'cleared', ScreeningHitConfirmed: 'confirmed' };
const LICENSE_STATUS: Record<string, string> = {
  LicenseRequested: 'requested',
  LicenseProposed: 'pending_approval',
  LicenseProposalRejected: 'rejected',
  LicenseGranted: 'active',
  LicenseSuspended: 'suspended',
  LicenseReinstated: 'active',
  LicenseRevoked: 'revoked',
  LicenseExpired: 'expired',
};
const APPROVAL_STATUS: Record<string, string> = {
  GovernmentApprovalRequested: 'requested',
  GovernmentApprovalGranted: 'granted',
  GovernmentApprovalRevoked: 'revoked',
  GovernmentApprovalExpired: 'expired',
};
const DIRECTIVE_STATUS: Record<string, string> = { DirectiveIssued: 'issued', DirectiveLifted: 'lifted', DirectiveExpired: 'expired' };
const END_USER_STATUS: Record<string, string> = { UserEnrolled: 'enrolled', UserRemoved: 'removed' };
const CREDENTIAL_STATUS: Record<string, string> = { CredentialIssued: 'active', CredentialRevoked: 'revoked' };
const DIRECTIVE_EVENTS = ['DirectiveIssued', 'DirectiveAmended', 'DirectiveLifted', 'DirectiveExpired'];
/** Event data that identifies a secret: never shown, even hashed. */
const WITHHELD_FIELDS = new Set(['secretHash']);
const PAGE = 1000;

type Data = Record<string, unknown>;

function dataOf(event: RecordedEvent): Data {
  return (event.data ?? {}) as Data;
}

function withoutSecrets(data: Data): Data {
  return Object.fromEntries(Object.entries(data).filter(([field]) => !WITHHELD_FIELDS.has(field)));
}

export function toDossierChange(event: RecordedEvent): DossierChange {
  return {
    position: String(event.globalPosition),
    occurredAt: event.metadata.occurredAt,
    type: event.type,
    streamId: event.streamId,
    actorId: event.metadata.actorId,
    actorRole: event.metadata.actorRole,
    correlationId: event.metadata.correlationId ?? null,
    data: withoutSecrets(dataOf(event)),
  };
}

/**
 * Folds the events that carry `idField` into one record per id: its status after each event the
 * `statusOf` table names, its latest details (merged from every event's data), and its history.
 */
function recordsBy(events: RecordedEvent[], idField: string, statusOf: (event: RecordedEvent, current: string) => string): DossierRecord[] {
  const records = new Map<string, DossierRecord>();
  for (const event of events) {
    const id = dataOf(event)[idField];
    if (typeof id !== 'string') continue;
    const record = records.get(id) ?? { id, status: 'unknown', details: {}, history: [] };
    const change = toDossierChange(event);
    record.status = statusOf(event, record.status);
    record.details = { ...record.details, ...change.data };
    record.history.push(change);
    records.set(id, record);
  }
  return [...records.values()];
}

const byTable = (table: Record<string, string>) => (event: RecordedEvent, current: string) => table[event.type] ?? current;

function screeningStatus(event: RecordedEvent, current: string): string {
  if (event.type === 'ScreeningRecorded') {
    const band = (dataOf(event).evidence as { band?: string } | undefined)?.band;
    return SCREENING_STATUS_OF_BAND[band ?? ''] ?? current;
  }
  return SCREENING_STATUS[event.type] ?? current;
}

function userIdOf(event: RecordedEvent): string | null {
  const data = dataOf(event);
  return typeof data.userId === 'string' && /^User[A-Z]/.test(event.type) ? data.userId : null;
}

/** Every event of the given types, oldest first, through the audit trail's index on type. */
async function readEventsOfType(pool: Pool, type: string): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await readAuditTrail(pool, { type }, { limit: PAGE, offset });
    events.push(...page.events);
    if (!page.hasMore) break;
  }
  return events;
}

async function readDirectiveEvents(pool: Pool): Promise<RecordedEvent[]> {
  const events = (await Promise.all(DIRECTIVE_EVENTS.map((type) => readEventsOfType(pool, type)))).flat();
  return events.sort((a, b) => a.globalPosition - b.globalPosition);
}

/** model id -> family, from the catalogue's registrations. */
async function readModelFamilies(pool: Pool): Promise<Map<string, string>> {
  const registrations = await readEventsOfType(pool, 'ModelRegistered');
  return new Map(registrations.map((event) => [String(dataOf(event).modelId), String(dataOf(event).family)]));
}

/** Whether a directive's scope (in any version it had) reaches a licensed model id or family. */
function coveredTargets(history: DossierChange[], licensedTargets: Set<string>, families: Map<string, string>): string[] {
  const covered = new Set<string>();
  for (const change of history) {
    const scope = change.data.scope as { modelIds?: string[]; families?: string[] } | undefined;
    if (!scope) continue;
    for (const target of licensedTargets) {
      const family = families.get(target) ?? target;
      if (scope.modelIds?.includes(target) || scope.families?.includes(family) || scope.families?.includes(target)) covered.add(target);
      // A license on a family is reached by a directive naming one of that family's models.
      for (const modelId of scope.modelIds ?? []) if (families.get(modelId) === target) covered.add(target);
    }
  }
  return [...covered].sort();
}

/** Directives whose scope reached a model the partner was licensed for (granted at some point). */
async function directivesThatApplied(pool: Pool, licenses: DossierRecord[]): Promise<DirectiveRecord[]> {
  const licensedTargets = new Set(licenses.filter((l) => l.history.some((c) => c.type === 'LicenseGranted')).map((l) => String(l.details.modelId)));
  if (licensedTargets.size === 0) return [];
  const [events, families] = await Promise.all([readDirectiveEvents(pool), readModelFamilies(pool)]);
  return recordsBy(events, 'directiveId', byTable(DIRECTIVE_STATUS))
    .map((directive) => ({ ...directive, coveredLicensedTargets: coveredTargets(directive.history, licensedTargets, families) }))
    .filter((directive) => directive.coveredLicensedTargets.length > 0);
}

/**
 * The partner's dossier, from the event store: its application and every decision on it, KYC and
 * screening evidence, government approvals, licenses with their terms, the directives that applied to
 * the models it was licensed for, and every change with actor and time. Null for an unknown partner.
 */
export async function buildPartnerDossier(pool: Pool, events: RecordedEvent[], partnerId: string, now: Date): Promise<PartnerDossier | null> {
  const own = events.filter((event) => event.streamId === `partner-${partnerId}`);
  if (own.length === 0) return null;
  const applications = own.filter((event) => APPLICATION_EVENTS.has(event.type));
  const current = applications.length ? withoutSecrets(dataOf(applications[applications.length - 1])) : null;
  const licenses = recordsBy(events, 'licenseId', byTable(LICENSE_STATUS));
  const endUserEvents = events.filter((event) => userIdOf(event) !== null);
  return {
    partnerId,
    legalName: typeof current?.legalName === 'string' ? current.legalName : null,
    status: own.reduce((status, event) => PARTNER_STATUS[event.type] ?? status, 'unknown'),
    position: String(events[events.length - 1].globalPosition),
    generatedAt: now.toISOString(),
    application: { current, history: applications.map(toDossierChange) },
    decisions: own.filter((event) => !APPLICATION_EVENTS.has(event.type)).map(toDossierChange),
    kycCases: recordsBy(events, 'caseId', byTable(KYC_STATUS)),
    screenings: recordsBy(events, 'screeningId', screeningStatus),
    governmentApprovals: recordsBy(events, 'approvalId', byTable(APPROVAL_STATUS)),
    licenses,
    directives: await directivesThatApplied(pool, licenses),
    endUsers: recordsBy(endUserEvents, 'userId', byTable(END_USER_STATUS)),
    credentials: recordsBy(events, 'credentialId', byTable(CREDENTIAL_STATUS)),
    changes: events.map(toDossierChange),
  };
}
