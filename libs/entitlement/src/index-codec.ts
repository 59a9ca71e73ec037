import type { KycStatus, ModelStatus, PartnerStatus } from '@app/domain';
import type {
  IndexedCredential,
  IndexedDatedCountry,
  IndexedDirective,
  IndexedGovernmentApproval,
  IndexedKycCase,
  IndexedLicense,
  IndexedLicenseStatus,
  IndexedModel,
  IndexedPartner,
  IndexedScreening,
  IndexedUser,
  IndexState,
  PartnerFacts,
} from './entitlement-index';
import { IdentityTable } from './entitlement-index';

/*
 * The index's state as a sequence of JSON texts ("shards") that are cheap to parse: each is an array of
 * flat tuples, and a reader builds the objects itself, in the same shapes `apply` makes. A v8-serialised
 * index of the benchmark's size took longer to deserialise (about 13 to 17 s) than replaying the events in
 * memory (2.3 s); JSON.parse of flat arrays and plain constructors is several times cheaper.
 *
 * Objects the index shares between maps (a license in `licenses` and in its partner's `licensesByTarget`,
 * a KYC case in `kycCases` and on its user) are written once, in a table per kind, and referred to by their
 * number in that table, so that a state read back shares exactly what the written one shared. A table
 * lists first the values of the index's map of that kind, in the map's order, and then any object only
 * reachable from elsewhere (a case whose id was later re-opened for another subject, for example).
 *
 * Shards are written in dependency order: the object tables first, then what refers to them. Each shard
 * holds at most about `SHARD_ROWS` rows (a single JSON text of the whole index would exceed V8's maximum
 * string length), so a reader can parse one while the next is still arriving.
 */

/** Upper bound of the rows (or, for partner facts, users) in one shard. */
const SHARD_ROWS = 25_000;

type Time = number | '+' | '-';
type Ref = number; // -1: null

/** A shard: its table, and the rows of that table it holds. */
type Shard =
  | ['meta', [IndexMeta]]
  | ['kyc', KycRow[]]
  | ['screening', ScreeningRow[]]
  | ['license', LicenseRow[]]
  | ['approval', ApprovalRow[]]
  | ['directive', DirectiveRow[]]
  | ['partner', [string, PartnerStatus][]]
  | ['model', [string, string, ModelStatus][]]
  | ['credential', [string, string, string, boolean][]]
  | ['credentialHash', [string, string][]]
  | ['directivesBy', [0 | 1, string, Ref[]][]]
  | ['facts', FactsRow[]];

interface IndexMeta {
  position: number;
  /** How many rows of each object table are the values of the index's map of that kind. */
  inMap: Record<ObjectKind, number>;
}

type ObjectKind = 'kyc' | 'screening' | 'license' | 'approval' | 'directive';

/** caseId, partnerId, subject, userId, status, identity: [citizenships, residencies, usPerson] (dated: country, from, until, ...) */
type KycRow = [string, string, IndexedKycCase['subject'], string | null, KycStatus, [(string | Time)[], (string | Time)[], boolean] | null];
type ScreeningRow = [string, string, IndexedScreening['subjectKind'], string, IndexedScreening['status']];
type LicenseRow = [string, string, string, Time, Time, IndexedLicenseStatus, string[] | null, boolean];
type ApprovalRow = [string, string, IndexedGovernmentApproval['status'], string[], Time, Time];
type DirectiveRow = [string, string, string, string, Time, Time, Time, string[], string[], [string[], boolean] | null, string[], boolean];
/**
 * partnerId, organisation KYC, latest screenings [key, ref, ...], screening hits, users
 * [userId, enrolled, kyc, screening, ...], licenses by target [target, refs, ...], approvals by target.
 */
type FactsRow = [string, Ref, (string | Ref)[], string[], (string | boolean | Ref)[], (string | Ref[])[], (string | Ref[])[]];

// ---- writing ----------------------------------------------------------------------------------

/** Numbers each distinct object once, in the order it is first met. */
class ObjectTable<T extends object> {
  readonly rows: T[] = [];
  private readonly numbers = new Map<T, number>();

  ref(value: T | null): Ref {
    if (value === null) return -1;
    let n = this.numbers.get(value);
    if (n === undefined) {
      n = this.rows.length;
      this.rows.push(value);
      this.numbers.set(value, n);
    }
    return n;
  }
}

/**
 * The state as JSON shards, in the order they must be read. Synchronous, so that the state cannot change
 * while it is written out.
 */
export function encodeIndexState(state: IndexState, shardRows = SHARD_ROWS): string[] {
  const shards: string[] = [];
  for (const step of encodingSteps(state, shardRows, Infinity)) if (step !== STEP) shards.push(step);
  return shards;
}

/**
 * The same shards as `encodeIndexState`, written a step at a time: between steps of about `stepRows` rows
 * of work it awaits `pause()` (a `setImmediate`, say), so that a process that has other work (the worker's
 * jobs, its metrics) is never held for the whole encoding (about 3 s for 1,000,000 end users). The caller
 * must not change the index until it resolves: only an index of its own, which nothing else applies events
 * to, can be written this way.
 */
export async function encodeIndexStateInSteps(state: IndexState, pause: () => Promise<void>, options: { shardRows?: number; stepRows?: number } = {}): Promise<string[]> {
  const shards: string[] = [];
  for (const step of encodingSteps(state, options.shardRows ?? SHARD_ROWS, options.stepRows ?? STEP_ROWS)) {
    if (step === STEP) await pause();
    else shards.push(step);
  }
  return shards;
}

/** Rows of work between two pauses of `encodeIndexStateInSteps`: a few milliseconds. */
const STEP_ROWS = 5_000;
/** What `encodingSteps` yields where a step ends without a shard. */
const STEP = Symbol('step');

/**
 * The encoding as a sequence: each shard's text in order, with STEP after about every `stepRows` rows of
 * work (checked, numbered, built or written).
 */
function* encodingSteps(state: IndexState, shardRows: number, stepRows: number): Generator<string | typeof STEP> {
  let work = 0;
  /** True when a step's worth of work is done since the last one. */
  const worked = (rows: number): boolean => {
    work += rows;
    if (work < stepRows) return false;
    work = 0;
    return true;
  };

  /** `visit` for each value, a step at a time. */
  function* each<T>(values: Iterable<T>, visit: (value: T) => void): Generator<typeof STEP> {
    for (const value of values) {
      visit(value);
      if (worked(1)) yield STEP;
    }
  }
  // The reader keys each map by its objects' ids, as `apply` does: an entry under another key cannot be
  // written (a snapshot that cannot be trusted is worse than none: the log is replayed instead).
  function* keyedById<T>(map: ReadonlyMap<string, T>, id: (value: T) => string): Generator<typeof STEP> {
    yield* each(map, ([key, value]) => {
      if (id(value) !== key) throw new IndexCodecError(`an entry filed under ${key} is ${id(value)}`);
    });
  }
  yield* keyedById(state.kycCases, (o) => o.caseId);
  yield* keyedById(state.screenings, (o) => o.screeningId);
  yield* keyedById(state.licenses, (o) => o.licenseId);
  yield* keyedById(state.governmentApprovals, (o) => o.approvalId);
  yield* keyedById(state.directives, (o) => o.directiveId);
  yield* keyedById(state.partners, (o) => o.partnerId);
  yield* keyedById(state.models, (o) => o.modelId);
  yield* keyedById(state.facts, (o) => o.partnerId);
  for (const facts of state.facts.values()) {
    yield* each(facts.users, ([key, user]) => {
      if (user.userId !== key) throw new IndexCodecError(`an entry filed under ${key} is ${user.userId}`);
      if (user.partnerId !== facts.partnerId) throw new IndexCodecError(`user ${user.userId} is filed under another partner`);
    });
  }
  // Each table numbers its map's values first, in the map's order.
  const kyc = new ObjectTable<IndexedKycCase>();
  const screenings = new ObjectTable<IndexedScreening>();
  const licenses = new ObjectTable<IndexedLicense>();
  const approvals = new ObjectTable<IndexedGovernmentApproval>();
  const directives = new ObjectTable<IndexedDirective>();
  yield* each(state.kycCases.values(), (value) => kyc.ref(value));
  yield* each(state.screenings.values(), (value) => screenings.ref(value));
  yield* each(state.licenses.values(), (value) => licenses.ref(value));
  yield* each(state.governmentApprovals.values(), (value) => approvals.ref(value));
  yield* each(state.directives.values(), (value) => directives.ref(value));
  const meta: IndexMeta = {
    position: state.position,
    inMap: {
      kyc: state.kycCases.size,
      screening: state.screenings.size,
      license: state.licenses.size,
      approval: state.governmentApprovals.size,
      directive: state.directives.size,
    },
  };

  // Referring rows first (they number any object not in a map), object tables after: the reader is given
  // them in the reverse order, object tables first.
  const refs = <T extends object>(list: readonly T[], table: ObjectTable<T>): Ref[] => list.map((item) => table.ref(item));
  /** Each facts shard's rows, and its partners and users (the shard's size, and its weight as work). */
  const facts: { rows: FactsRow[]; users: number }[] = [];
  let current: FactsRow[] = [];
  let usersInShard = 0;
  for (const f of state.facts.values()) {
    const latest: (string | Ref)[] = [];
    for (const [key, screening] of f.latestScreenings) latest.push(key, screenings.ref(screening));
    const users: (string | boolean | Ref)[] = [];
    for (const user of f.users.values()) users.push(user.userId, user.enrolled, kyc.ref(user.kyc), screenings.ref(user.screening));
    const byLicense: (string | Ref[])[] = [];
    for (const [target, list] of f.licensesByTarget) byLicense.push(target, refs(list, licenses));
    const byApproval: (string | Ref[])[] = [];
    for (const [target, list] of f.approvalsByTarget) byApproval.push(target, refs(list, approvals));
    current.push([f.partnerId, kyc.ref(f.organisationKyc), latest, [...f.screeningHits], users, byLicense, byApproval]);
    usersInShard += 1 + f.users.size;
    if (usersInShard >= shardRows) {
      facts.push({ rows: current, users: usersInShard });
      current = [];
      usersInShard = 0;
    }
    if (worked(1 + f.users.size)) yield STEP;
  }
  if (current.length > 0) facts.push({ rows: current, users: usersInShard });
  const directivesBy: [0 | 1, string, Ref[]][] = [];
  for (const [modelId, list] of state.directivesByModel) directivesBy.push([0, modelId, refs(list, directives)]);
  for (const [family, list] of state.directivesByFamily) directivesBy.push([1, family, refs(list, directives)]);

  // Every object is numbered now: the tables are complete. Each shard is built and written in turn.
  function* table<T, R>(name: Shard[0], rows: readonly T[], row: (value: T) => R): Generator<string | typeof STEP> {
    for (let at = 0; at < rows.length; at += shardRows) {
      const slice = rows.slice(at, at + shardRows);
      yield JSON.stringify([name, slice.map(row)]);
      if (worked(slice.length)) yield STEP;
    }
  }
  yield JSON.stringify(['meta', [meta]]);
  yield* table('kyc', kyc.rows, kycRow);
  yield* table('screening', screenings.rows, screeningRow);
  yield* table('license', licenses.rows, licenseRow);
  yield* table('approval', approvals.rows, approvalRow);
  yield* table('directive', directives.rows, directiveRow);
  yield* table('partner', [...state.partners.values()], (p) => [p.partnerId, p.status]);
  yield* table('model', [...state.models.values()], (m) => [m.modelId, m.family, m.status]);
  yield* table('credential', [...state.credentialsByHash], ([hash, c]) => [hash, c.credentialId, c.partnerId, c.active]);
  yield* table('credentialHash', [...state.credentialHashById], (entry) => entry);
  yield* table('directivesBy', directivesBy, (row) => row);
  for (const shard of facts) {
    yield JSON.stringify(['facts', shard.rows]);
    if (worked(shard.users)) yield STEP;
  }
}

const time = (t: number): Time => (t === Infinity ? '+' : t === -Infinity ? '-' : t);

function kycRow(k: IndexedKycCase): KycRow {
  const identity = k.identity ? [datedRow(k.identity.citizenships), datedRow(k.identity.permanentResidencies), k.identity.usPerson] as KycRow[5] : null;
  return [k.caseId, k.partnerId, k.subject, k.userId, k.status, identity];
}

function datedRow(list: readonly IndexedDatedCountry[]): (string | Time)[] {
  const row: (string | Time)[] = [];
  for (const d of list) row.push(d.country, time(d.from), time(d.until));
  return row;
}

const screeningRow = (s: IndexedScreening): ScreeningRow => [s.screeningId, s.partnerId, s.subjectKind, s.subjectRef, s.status];

const licenseRow = (l: IndexedLicense): LicenseRow => [
  l.licenseId,
  l.partnerId,
  l.modelId,
  time(l.validFrom),
  time(l.validUntil),
  l.status,
  l.allowedDestinations ? [...l.allowedDestinations] : null,
  l.requireEndUserIdentification,
];

const approvalRow = (a: IndexedGovernmentApproval): ApprovalRow => [a.approvalId, a.partnerId, a.status, [...a.models], time(a.validFrom), time(a.validUntil)];

const directiveRow = (d: IndexedDirective): DirectiveRow => [
  d.directiveId,
  d.authority,
  d.reference,
  d.title,
  time(d.effectiveAt),
  time(d.expiresAt),
  time(d.liftedAt),
  [...d.modelIds],
  [...d.families],
  d.foreignNationals ? [[...d.foreignNationals.allowedNationalities], d.foreignNationals.allowPermanentResidents] : null,
  [...d.forbiddenDestinations],
  d.exemptWithGovernmentApproval,
];

// ---- reading ----------------------------------------------------------------------------------

/** A shard that does not fit the format: the snapshot is not used. */
export class IndexCodecError extends Error {}

/**
 * Reads shards in the order `encodeIndexState` wrote them, one at a time (so that parsing one can overlap
 * reading the next), and builds the state.
 */
export class IndexStateDecoder {
  private meta: IndexMeta | null = null;
  private readonly kyc: IndexedKycCase[] = [];
  private readonly screenings: IndexedScreening[] = [];
  private readonly licenses: IndexedLicense[] = [];
  private readonly approvals: IndexedGovernmentApproval[] = [];
  private readonly directives: IndexedDirective[] = [];
  private readonly identities = new IdentityTable();
  private readonly state: Omit<IndexState, 'position'> = {
    partners: new Map(),
    models: new Map(),
    licenses: new Map(),
    credentialsByHash: new Map(),
    credentialHashById: new Map(),
    facts: new Map(),
    kycCases: new Map(),
    screenings: new Map(),
    governmentApprovals: new Map(),
    directives: new Map(),
    directivesByModel: new Map(),
    directivesByFamily: new Map(),
  };

  add(text: string): void {
    const shard = JSON.parse(text) as Shard;
    if (!Array.isArray(shard) || !Array.isArray(shard[1])) throw new IndexCodecError('a shard is not [table, rows]');
    if (shard[0] !== 'meta' && !this.meta) throw new IndexCodecError('the first shard is not the header');
    switch (shard[0]) {
      case 'meta':
        this.meta = shard[1][0];
        return;
      case 'kyc':
        for (const row of shard[1]) this.kyc.push(this.toKyc(row));
        return;
      case 'screening':
        for (const [screeningId, partnerId, subjectKind, subjectRef, status] of shard[1]) this.screenings.push({ screeningId, partnerId, subjectKind, subjectRef, status });
        return;
      case 'license':
        for (const row of shard[1]) this.licenses.push(toLicense(row));
        return;
      case 'approval':
        for (const [approvalId, partnerId, status, models, validFrom, validUntil] of shard[1]) {
          this.approvals.push({ approvalId, partnerId, status, models: new Set(models), validFrom: fromTime(validFrom), validUntil: fromTime(validUntil) });
        }
        return;
      case 'directive':
        for (const row of shard[1]) this.directives.push(toDirective(row));
        return;
      case 'partner':
        for (const [partnerId, status] of shard[1]) this.state.partners.set(partnerId, { partnerId, status } satisfies IndexedPartner);
        return;
      case 'model':
        for (const [modelId, family, status] of shard[1]) this.state.models.set(modelId, { modelId, family, status } satisfies IndexedModel);
        return;
      case 'credential':
        for (const [hash, credentialId, partnerId, active] of shard[1]) this.state.credentialsByHash.set(hash, { credentialId, partnerId, active } satisfies IndexedCredential);
        return;
      case 'credentialHash':
        for (const [credentialId, hash] of shard[1]) this.state.credentialHashById.set(credentialId, hash);
        return;
      case 'directivesBy':
        for (const [by, key, refs] of shard[1]) (by === 0 ? this.state.directivesByModel : this.state.directivesByFamily).set(key, refs.map((n) => at(this.directives, n)));
        return;
      case 'facts':
        for (const row of shard[1]) this.addFacts(row);
        return;
      default:
        throw new IndexCodecError(`unknown table ${String((shard as unknown[])[0])}`);
    }
  }

  /** The state; throws when the shards did not describe a whole one. */
  finish(): IndexState {
    const meta = this.meta;
    if (!meta) throw new IndexCodecError('no header');
    for (const [kind, rows, map, id] of [
      ['kyc', this.kyc, this.state.kycCases, (o: IndexedKycCase) => o.caseId],
      ['screening', this.screenings, this.state.screenings, (o: IndexedScreening) => o.screeningId],
      ['license', this.licenses, this.state.licenses, (o: IndexedLicense) => o.licenseId],
      ['approval', this.approvals, this.state.governmentApprovals, (o: IndexedGovernmentApproval) => o.approvalId],
      ['directive', this.directives, this.state.directives, (o: IndexedDirective) => o.directiveId],
    ] as [ObjectKind, object[], Map<string, object>, (o: object) => string][]) {
      const inMap = meta.inMap[kind];
      if (!(inMap <= rows.length)) throw new IndexCodecError(`the ${kind} table has ${rows.length} rows, the header says ${inMap} are indexed`);
      for (let i = 0; i < inMap; i++) map.set(id(rows[i]), rows[i]);
    }
    return { position: meta.position, ...this.state };
  }

  /** Equal identities read back as one shared object, as `apply` shares them. */
  private toKyc([caseId, partnerId, subject, userId, status, identity]: KycRow): IndexedKycCase {
    return {
      caseId,
      partnerId,
      subject,
      userId,
      status,
      identity: identity ? this.identities.identity(toDated(identity[0]), toDated(identity[1]), identity[2]) : null,
    };
  }

  private addFacts([partnerId, organisationKyc, latest, hits, users, byLicense, byApproval]: FactsRow): void {
    const facts: PartnerFacts = {
      partnerId,
      organisationKyc: ref(this.kyc, organisationKyc),
      latestScreenings: new Map(),
      screeningHits: new Set(hits),
      users: new Map(),
      licensesByTarget: new Map(),
      approvalsByTarget: new Map(),
    };
    for (let i = 0; i < latest.length; i += 2) facts.latestScreenings.set(latest[i] as string, at(this.screenings, latest[i + 1] as Ref));
    for (let i = 0; i < users.length; i += 4) {
      const userId = users[i] as string;
      const user: IndexedUser = {
        partnerId,
        userId,
        enrolled: users[i + 1] as boolean,
        kyc: ref(this.kyc, users[i + 2] as Ref),
        screening: ref(this.screenings, users[i + 3] as Ref),
      };
      facts.users.set(userId, user);
    }
    for (let i = 0; i < byLicense.length; i += 2) facts.licensesByTarget.set(byLicense[i] as string, (byLicense[i + 1] as Ref[]).map((n) => at(this.licenses, n)));
    for (let i = 0; i < byApproval.length; i += 2) facts.approvalsByTarget.set(byApproval[i] as string, (byApproval[i + 1] as Ref[]).map((n) => at(this.approvals, n)));
    this.state.facts.set(partnerId, facts);
  }
}

function at<T>(rows: T[], n: Ref): T {
  const row = rows[n];
  if (row === undefined) throw new IndexCodecError(`a reference to row ${n} of a table of ${rows.length}`);
  return row;
}

const ref = <T>(rows: T[], n: Ref): T | null => (n === -1 ? null : at(rows, n));

function fromTime(t: Time): number {
  if (typeof t === 'number') return t;
  if (t === '+') return Infinity;
  if (t === '-') return -Infinity;
  throw new IndexCodecError(`not a time: ${JSON.stringify(t)}`);
}

function toDated(row: (string | Time)[]): IndexedDatedCountry[] {
  const list: IndexedDatedCountry[] = [];
  for (let i = 0; i < row.length; i += 3) list.push({ country: row[i] as string, from: fromTime(row[i + 1] as Time), until: fromTime(row[i + 2] as Time) });
  return list;
}

function toLicense([licenseId, partnerId, modelId, validFrom, validUntil, status, allowedDestinations, requireEndUserIdentification]: LicenseRow): IndexedLicense {
  return {
    licenseId,
    partnerId,
    modelId,
    validFrom: fromTime(validFrom),
    validUntil: fromTime(validUntil),
    status,
    allowedDestinations: allowedDestinations ? new Set(allowedDestinations) : null,
    requireEndUserIdentification,
  };
}

function toDirective(row: DirectiveRow): IndexedDirective {
  const [directiveId, authority, reference, title, effectiveAt, expiresAt, liftedAt, modelIds, families, foreignNationals, forbidden, exempt] = row;
  return {
    directiveId,
    authority,
    reference,
    title,
    effectiveAt: fromTime(effectiveAt),
    expiresAt: fromTime(expiresAt),
    liftedAt: fromTime(liftedAt),
    modelIds: new Set(modelIds),
    families: new Set(families),
    foreignNationals: foreignNationals ? { allowedNationalities: new Set(foreignNationals[0]), allowPermanentResidents: foreignNationals[1] } : null,
    forbiddenDestinations: new Set(forbidden),
    exemptWithGovernmentApproval: exempt,
  };
}
