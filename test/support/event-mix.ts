/**
 * A realistic, deterministic mix of domain events for projection benchmarks and fault tests:
 * partners apply, are screened (organisation, owners, users, with evidence), pass KYB and KYC, are
 * reviewed and approved, enrol users, receive licenses (some suspended, amended, revoked), hold
 * government approvals and credentials; models and directives change now and then. Many partners
 * progress at once, so a stream's events are spread through the log as in production.
 *
 * `appendInBulk` writes them straight into the event store's tables in large statements (the
 * shape append_to_stream writes), because a million single appends would take minutes.
 */
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { inTransaction } from '@app/database';
import type { AnyDomainEvent, ScreeningBand, ScreeningEvidence } from '@app/domain';
import { eventHash, EventMetadata, GENESIS_HASH } from '@app/event-store';
import { seeded } from './prng';

export interface MixedEvent {
  streamId: string;
  type: string;
  data: unknown;
  metadata: EventMetadata;
}

type Emit = (streamId: string, event: Pick<AnyDomainEvent, 'type' | 'data'>, actor?: string) => MixedEvent;

const MODELS = ['mythos-5', 'fable-5', 'mythos-preview', 'gpt-5.6', 'atlas-3', 'lumen-2'];
const COUNTRIES = ['US', 'GB', 'DE', 'FR', 'JP', 'CA', 'NL', 'SE', 'AU', 'IN'];
const NAMES = ['Ada Novak', 'Ben Ortiz', 'Chen Wei', 'Dana Ivers', 'Emil Sato', 'Fatima Khan', 'Gus Lind', 'Hana Mori', 'Ivan Petrov', 'Jo Park'];

function evidence(rnd: () => number, query: string): ScreeningEvidence {
  const roll = rnd();
  const band: ScreeningBand = roll < 0.9 ? 'clear' : roll < 0.98 ? 'review' : 'block';
  const topScore = band === 'clear' ? Math.round(rnd() * 70) / 100 : band === 'review' ? 0.86 + Math.round(rnd() * 8) / 100 : 0.97;
  const candidates = Array.from({ length: band === 'clear' ? Math.floor(rnd() * 2) : 1 + Math.floor(rnd() * 3) }, (_, i) => ({
    listId: 'ofac-sdn',
    source: 'OFAC SDN',
    entryId: `sdn-${Math.floor(rnd() * 20000)}`,
    name: `${query.toUpperCase()} ${i}`,
    matchedName: query.toUpperCase(),
    score: Math.max(0, topScore - i * 0.05),
  }));
  return {
    query,
    normalisedQuery: query.toLowerCase(),
    band,
    topScore,
    candidates,
    listVersion: 'sha256-0f3c9a',
    thresholds: { reviewThreshold: 0.85, blockThreshold: 0.95 },
  };
}

/** The life of one partner, as the events it causes, in order. */
function* partnerLife(n: number, rnd: () => number, emit: Emit): Generator<MixedEvent> {
  const partnerId = `p-${n}`;
  const partnerStream = `partner-${partnerId}`;
  const country = COUNTRIES[n % COUNTRIES.length];
  const owners = [0, 1].map((i) => ({ name: NAMES[(n + i) % NAMES.length], nationality: COUNTRIES[(n + i) % COUNTRIES.length], ownershipPercent: 50 }));
  const application = {
    partnerId,
    legalName: `Partner ${n} Holdings Ltd`,
    registrationNumber: `REG-${100000 + n}`,
    countryOfIncorporation: country,
    addresses: [`${n} Market Street, Springfield`],
    beneficialOwners: owners,
    intendedUse: 'Document summarisation for regulated customers',
    requestedModels: [MODELS[n % MODELS.length], MODELS[(n + 1) % MODELS.length]],
  };
  yield emit(partnerStream, { type: 'ApplicationSubmitted', data: application }, `admin@${partnerId}`);

  const screen = function* (trigger: string, round: number): Generator<MixedEvent> {
    const subjects = [
      { kind: 'organisation' as const, ref: partnerId, name: application.legalName, country },
      ...owners.map((o, i) => ({ kind: 'beneficial_owner' as const, ref: `owner-${i}`, name: o.name, country: o.nationality })),
    ];
    for (const subject of subjects) {
      const screeningId = `scr-${partnerId}-${subject.ref}-${round}`;
      const ev = evidence(rnd, subject.name);
      yield emit(`screening-${screeningId}`, { type: 'ScreeningRecorded', data: { screeningId, partnerId, subject, evidence: ev, trigger } }, 'screening-worker');
      if (ev.band === 'review') yield emit(`screening-${screeningId}`, { type: 'ScreeningHitCleared', data: { screeningId, partnerId, subject, reason: 'different date of birth' } }, 'reviewer-1');
    }
  };
  yield* screen('ApplicationSubmitted', 0);

  const kyc = function* (caseId: string, subject: { kind: 'organisation' } | { kind: 'user'; userId: string }, declaredName: string): Generator<MixedEvent> {
    const stream = `kyc-${caseId}`;
    yield emit(stream, { type: 'KycCaseOpened', data: { caseId, partnerId, subject, provider: 'sandbox', providerRef: `sbx-${caseId}`, declaredName } });
    const evidenceOf = { provider: 'sandbox', providerEventId: `evt-${caseId}`, rawPayload: null, receivedAt: '2026-06-10T10:00:00.000Z' };
    yield emit(stream, { type: 'KycPending', data: { caseId, partnerId, evidence: evidenceOf } }, 'kyc-worker');
    const identity = { citizenships: [{ country, from: null, until: null }], permanentResidencies: [], usPerson: country === 'US' };
    if (rnd() < 0.95) yield emit(stream, { type: 'KycVerified', data: { caseId, partnerId, subject, identity, evidence: evidenceOf, reviewedBy: null } }, 'kyc-worker');
    else yield emit(stream, { type: 'KycNeedsReview', data: { caseId, partnerId, subject, reason: 'document unreadable', evidence: evidenceOf } }, 'kyc-worker');
  };
  yield* kyc(`kyb-${partnerId}`, { kind: 'organisation' }, application.legalName);

  yield emit(partnerStream, { type: 'ReviewStarted', data: { partnerId } }, 'reviewer-1');
  if (rnd() < 0.2) {
    yield emit(partnerStream, { type: 'InformationRequested', data: { partnerId, message: 'Please list every beneficial owner above 10%', fields: ['beneficialOwners'] } }, 'reviewer-1');
    yield emit(partnerStream, { type: 'ApplicationResubmitted', data: { ...application, response: 'Complete list attached' } }, `admin@${partnerId}`);
    yield* screen('ApplicationResubmitted', 1);
  }
  if (rnd() < 0.08) {
    yield emit(partnerStream, { type: 'ApplicationRejected', data: { partnerId, reason: 'intended use out of scope' } }, 'reviewer-2');
    return;
  }
  yield emit(partnerStream, { type: 'ApplicationApproved', data: { partnerId, reason: 'KYB verified, screening clear' } }, 'reviewer-2');

  const users = 3 + Math.floor(rnd() * 6);
  for (let u = 0; u < users; u++) {
    const userId = `u-${u}`;
    const name = NAMES[(n + u) % NAMES.length];
    yield emit(`user-${partnerId}-${userId}`, { type: 'UserEnrolled', data: { partnerId, userId, name, email: rnd() < 0.7 ? `${userId}@${partnerId}.example` : null } }, `admin@${partnerId}`);
    const screeningId = `scr-${partnerId}-${userId}`;
    const subject = { kind: 'user' as const, ref: userId, name, country: null };
    yield emit(`screening-${screeningId}`, { type: 'ScreeningRecorded', data: { screeningId, partnerId, subject, evidence: evidence(rnd, name), trigger: 'UserEnrolled' } }, 'screening-worker');
    yield* kyc(`kyc-${partnerId}-${userId}`, { kind: 'user', userId }, name);
  }

  const licenses = 1 + Math.floor(rnd() * 3);
  for (let l = 0; l < licenses; l++) {
    const licenseId = `lic-${partnerId}-${l}`;
    const stream = `license-${licenseId}`;
    const modelId = MODELS[(n + l) % MODELS.length];
    const terms = {
      licenseId,
      partnerId,
      modelId,
      validFrom: '2026-06-09T00:00:00.000Z',
      validUntil: rnd() < 0.5 ? '2031-06-09T00:00:00.000Z' : null,
      allowedDestinations: rnd() < 0.5 ? ['US', country] : null,
      requireEndUserIdentification: rnd() < 0.6,
      monthlyTokenQuota: rnd() < 0.5 ? 1_000_000 : null,
      rateLimitPerMinute: rnd() < 0.5 ? 600 : null,
    };
    if (rnd() < 0.5) yield emit(stream, { type: 'LicenseRequested', data: { licenseId, partnerId, modelId, justification: 'customer support assistant' } }, `admin@${partnerId}`);
    yield emit(stream, { type: 'LicenseProposed', data: { ...terms, proposedBy: 'officer-1' } }, 'officer-1');
    yield emit(stream, { type: 'LicenseGranted', data: { ...terms, grantedBy: 'officer-1', approvedBy: 'officer-2' } }, 'officer-2');
    if (rnd() < 0.2) {
      yield emit(stream, { type: 'LicenseSuspended', data: { licenseId, partnerId, modelId, reason: 'quota abuse under investigation' } }, 'officer-1');
      yield emit(stream, { type: 'LicenseReinstated', data: { licenseId, partnerId, modelId, reason: 'cleared' } }, 'officer-1');
    }
    if (rnd() < 0.1) yield emit(stream, { type: 'LicenseAmended', data: { ...terms, rateLimitPerMinute: 1200, reason: 'higher limit agreed' } }, 'officer-1');
    if (rnd() < 0.05) yield emit(stream, { type: 'LicenseRevoked', data: { licenseId, partnerId, modelId, reason: 'contract ended' } }, 'officer-2');
  }

  if (rnd() < 0.3) {
    const approvalId = `ga-${partnerId}`;
    const stream = `government-approval-${approvalId}`;
    yield emit(stream, { type: 'GovernmentApprovalRequested', data: { approvalId, partnerId, models: ['mythos-5'], authority: 'BIS', justification: 'critical infrastructure operator' } }, `admin@${partnerId}`);
    yield emit(stream, {
      type: 'GovernmentApprovalGranted',
      data: { approvalId, partnerId, models: ['mythos-5'], authority: 'BIS', reference: `BIS-${n}`, conditions: 'US persons only', validFrom: '2026-06-26T00:00:00.000Z', validUntil: null },
    }, 'officer-1');
  }

  const credentials = 1 + Math.floor(rnd() * 2);
  for (let c = 0; c < credentials; c++) {
    const credentialId = `cred-${partnerId}-${c}`;
    yield emit(`credential-${credentialId}`, { type: 'CredentialIssued', data: { credentialId, partnerId, label: `gateway ${c}`, secretHash: 'f'.repeat(64), prefix: `mk_live_${n}${c}` } }, `admin@${partnerId}`);
    if (rnd() < 0.2) yield emit(`credential-${credentialId}`, { type: 'CredentialRevoked', data: { credentialId, partnerId, reason: 'rotated' } }, `admin@${partnerId}`);
  }
  if (rnd() < 0.1) yield emit(`user-${partnerId}-u-0`, { type: 'UserRemoved', data: { partnerId, userId: 'u-0', reason: 'left the company' } }, `admin@${partnerId}`);
  if (rnd() < 0.05) {
    yield emit(partnerStream, { type: 'PartnerSuspended', data: { partnerId, reason: 'screening hit confirmed', cause: 'screening_hit', reference: null } }, 'officer-1');
    if (rnd() < 0.5) yield emit(partnerStream, { type: 'PartnerReinstated', data: { partnerId, reason: 'false positive' } }, 'officer-1');
  }
}

/** Models and directives: the catalogue and the government's orders, which change rarely. */
function* catalogue(emit: Emit): Generator<MixedEvent> {
  for (const [i, modelId] of MODELS.entries()) {
    yield emit(`model-${modelId}`, {
      type: 'ModelRegistered',
      data: { modelId, provider: i < 3 ? 'fable-labs' : 'other-ai', name: modelId, version: '1.0', family: modelId.split('-')[0], classification: i % 2 ? 'EAR99' : '4E091', openWeights: false },
    }, 'admin-1');
  }
  for (let d = 0; d < 3; d++) {
    const directiveId = `dir-${d}`;
    yield emit(`directive-${directiveId}`, {
      type: 'DirectiveIssued',
      data: {
        directiveId,
        authority: 'BIS',
        reference: `BIS-2026-${d}`,
        title: 'No access by foreign nationals',
        issuedAt: '2026-06-12T00:00:00.000Z',
        effectiveAt: '2026-06-12T00:00:00.000Z',
        expiresAt: null,
        scope: { modelIds: ['mythos-5', 'fable-5'], families: [] },
        restrictions: { foreignNationals: { allowedNationalities: ['US'], allowPermanentResidents: true }, forbiddenDestinations: ['CU', 'IR', 'KP', 'SY'] },
        exemptWithGovernmentApproval: d === 1,
      },
    }, 'officer-1');
  }
}

/** Occasional global changes in the middle of the partners' traffic. */
function interlude(k: number, emit: Emit): MixedEvent {
  const modelId = MODELS[k % MODELS.length];
  switch (k % 3) {
    case 0:
      return emit(`model-${modelId}`, { type: 'ModelSuspended', data: { modelId, reason: 'directive', directiveId: 'dir-0' } }, 'admin-1');
    case 1:
      return emit(`model-${modelId}`, { type: 'ModelReinstated', data: { modelId, reason: 'relief' } }, 'admin-1');
    default:
      return emit(`directive-dir-${k % 3}`, { type: 'DirectiveLifted', data: { directiveId: `dir-${k % 3}`, liftedAt: '2026-06-26T00:00:00.000Z', reason: 'relief' } }, 'officer-1');
  }
}

/**
 * Yields `total` events in global order, in chunks: `concurrentPartners` partners progress at once,
 * a new one starting whenever one's story ends.
 */
export function* eventMix(total: number, options: { seed?: number; concurrentPartners?: number; chunk?: number } = {}): Generator<MixedEvent[]> {
  const rnd = seeded(options.seed ?? 2026);
  const chunk = options.chunk ?? 5000;
  let clock = Date.parse('2026-06-09T00:00:00.000Z');
  const emit: Emit = (streamId, event, actor = 'system') => ({
    streamId,
    type: event.type,
    data: event.data,
    metadata: { actorId: actor, actorRole: 'service', correlationId: randomUUID(), causationId: null, occurredAt: new Date((clock += 997)).toISOString() },
  });
  const lives: Generator<MixedEvent>[] = [catalogue(emit)];
  let nextPartner = 0;
  while (lives.length < (options.concurrentPartners ?? 200)) lives.push(partnerLife(nextPartner++, rnd, emit));
  let produced = 0;
  let batch: MixedEvent[] = [];
  while (produced < total) {
    const pick = Math.floor(rnd() * lives.length);
    const next = lives[pick].next();
    if (next.done) {
      lives[pick] = partnerLife(nextPartner++, rnd, emit);
      continue;
    }
    batch.push(next.value);
    produced++;
    if (produced % 10_000 === 0) {
      batch.push(interlude(produced / 10_000, emit));
      produced++;
    }
    if (batch.length >= chunk) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/**
 * Appends events in global order with one statement per call, numbering each stream's versions on from
 * what the store holds and chaining their hashes, and keeps the streams table in step, as
 * append_to_stream does. The hashes are computed here, from the canonical jsonb text the database
 * renders for the batch, so the audit verifier accepts the result.
 */
export async function appendInBulk(pool: Pool, events: MixedEvent[]): Promise<void> {
  await inTransaction(pool, async (client) => {
    const streamIds = [...new Set(events.map((e) => e.streamId))];
    const { rows: heads } = await client.query<{ stream_id: string; version: number; last_hash: Buffer | null }>(
      'SELECT stream_id, version, last_hash FROM streams WHERE stream_id = ANY($1::text[]) FOR UPDATE',
      [streamIds],
    );
    const head = new Map(heads.map((r) => [r.stream_id, { version: r.version, hash: r.last_hash ?? GENESIS_HASH }]));
    const { rows: texts } = await client.query<{ d: string; m: string }>(
      'SELECT d::text AS d, m::text AS m FROM unnest($1::jsonb[], $2::jsonb[]) WITH ORDINALITY AS u(d, m, ord) ORDER BY ord',
      [events.map((e) => JSON.stringify(e.data)), events.map((e) => JSON.stringify(e.metadata))],
    );
    const recordedMs = Date.now();
    const rows = events.map((event, i) => {
      const previous = head.get(event.streamId) ?? { version: 0, hash: GENESIS_HASH };
      const version = previous.version + 1;
      const eventId = randomUUID();
      const hash = eventHash(previous.hash, {
        streamId: event.streamId, streamVersion: version, eventId, type: event.type, schemaVersion: 1,
        dataText: texts[i].d, metadataText: texts[i].m, recordedAtMicros: String(recordedMs * 1000),
      });
      head.set(event.streamId, { version, hash });
      return { version, eventId, prev: previous.hash, hash };
    });
    await client.query(
      `INSERT INTO events (stream_id, stream_version, event_id, type, data, metadata, recorded_at, prev_hash, hash)
       SELECT s, v, id, t, d, m, to_timestamp($8::double precision / 1000), ph, h
       FROM unnest($1::text[], $2::int[], $3::uuid[], $4::text[], $5::jsonb[], $6::jsonb[], $7::bytea[], $9::bytea[]) WITH ORDINALITY AS u(s, v, id, t, d, m, ph, h, ord)
       ORDER BY ord`,
      [
        events.map((e) => e.streamId), rows.map((r) => r.version), rows.map((r) => r.eventId), events.map((e) => e.type),
        texts.map((t) => t.d), texts.map((t) => t.m), rows.map((r) => r.prev), recordedMs, rows.map((r) => r.hash),
      ],
    );
    await client.query(
      `INSERT INTO streams (stream_id, version, last_hash) SELECT * FROM unnest($1::text[], $2::int[], $3::bytea[])
       ON CONFLICT (stream_id) DO UPDATE SET version = EXCLUDED.version, last_hash = EXCLUDED.last_hash`,
      [[...head.keys()], [...head.values()].map((h) => h.version), [...head.values()].map((h) => h.hash)],
    );
  });
  await pool.query(`NOTIFY events_appended`);
}
