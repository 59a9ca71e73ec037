/**
 * Shared by the entitlement benchmarks (check.bench.ts, propagation.bench.ts): a throw-away
 * database, a seeded world written through the event store, the entitlements app started in
 * process, and an HTTP load generator that runs in a worker thread (its own core), speaking
 * HTTP/1.1 over raw keep-alive sockets so that the client is never what limits the server.
 *
 * Traffic goes to 127.0.0.1 only; every load is bounded in time and in request count.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { constants as perfConstants, monitorEventLoopDelay, performance, PerformanceEntry, PerformanceObserver } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { Pool } from 'pg';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { hashApiCredential, Role, signToken } from '@app/auth';
import { AppConfig, loadConfig } from '@app/config';
import { createPool, databaseName, dropDatabase, ensureDatabase, migrate, withDatabase } from '@app/database';
import type {
  AnyDomainEvent,
  ApplicationApproved,
  ApplicationSubmitted,
  CredentialIssued,
  DirectiveIssued,
  DirectiveLifted,
  GovernmentApprovalGranted,
  KycCaseOpened,
  KycVerified,
  LicenseGranted,
  ModelRegistered,
  ModelRetired,
  ModelSuspended,
  ScreeningRecorded,
  UserEnrolled,
} from '@app/domain';
import { ReasonCode } from '@app/entitlement';
import { EventStore, NewEvent } from '@app/event-store';
import { listen } from '@app/http';
import { createEntitlementsApp } from '../../../apps/entitlements/src/main';
import { IndexService } from '../../../apps/entitlements/src/index/index.service';

// ---- measuring and reporting ------------------------------------------------------------------

export const now = (): number => performance.now();

/** Nearest-rank percentile of an ascending list. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export const int = (x: number): string => Math.round(x).toLocaleString('en-US');
export const ms = (x: number): string => `${x.toFixed(2)} ms`;
export const us = (x: number): string => `${x.toFixed(2)} µs`;
export const mib = (bytes: number): string => `${int(bytes / 2 ** 20)} MiB`;

/** Progress goes to stderr, so that stdout carries only the results. */
export function progress(line: string): void {
  process.stderr.write(`  .. ${line}\n`);
}

/** Calls `report` every `everyMs` until stopped: progress for steps that run for seconds. */
export function ticker(everyMs: number, report: () => void): () => void {
  const timer = setInterval(report, everyMs);
  return () => clearInterval(timer);
}

/** Result lines, printed together at the end (progress interleaves with them otherwise). */
export class Report {
  private readonly lines: string[] = [];

  line(label: string, figure: string, target?: string, met?: boolean): void {
    const verdict = target === undefined ? '' : `  target ${target}: ${met ? 'MET' : 'MISSED'}`;
    const text = `${label.padEnd(50)} ${figure.padEnd(58)}${verdict}`.trimEnd();
    this.lines.push(text);
    progress(`-> ${text.trim().replace(/ {2,}/g, '  ')}`);
  }

  blank(): void {
    this.lines.push('');
  }

  text(line: string): void {
    this.lines.push(line);
  }

  print(): void {
    if (this.lines.length === 0) return;
    console.log('');
    for (const line of this.lines) console.log(line);
  }
}

/** The seeded generator every benchmark and test shares, so every run asks the same questions. */
export { seeded } from '../../support/prng';

let collectGarbage: (() => void) | null = null;

/** A full GC before a memory reading (exposed at run time: the npm script passes no node flags). */
export function fullGc(): void {
  if (!collectGarbage) {
    setFlagsFromString('--expose-gc');
    collectGarbage = runInNewContext('gc') as () => void;
  }
  collectGarbage();
  collectGarbage();
}

/**
 * Full GCs 50 ms apart until three in a row free less than 1 MiB (at most 2 s): a closed app's last
 * callbacks (a database client's, say) can keep it reachable for a moment after `close()` resolves.
 */
export async function settledGc(): Promise<void> {
  fullGc();
  let used = process.memoryUsage().heapUsed;
  for (let round = 0, steady = 0; round < 40 && steady < 3; round++) {
    await new Promise((r) => setTimeout(r, 50));
    fullGc();
    const after = process.memoryUsage().heapUsed;
    steady = after > used - 2 ** 20 ? steady + 1 : 0;
    used = after;
  }
}

/**
 * Busy, stolen and total jiffies of the whole machine, from /proc/stat (Linux); null elsewhere. Stolen: time
 * a virtual CPU was ready to run and the hypervisor ran something else (counted busy).
 */
function machineJiffies(): { busy: number; steal: number; total: number } | null {
  try {
    const fields = readFileSync('/proc/stat', 'latin1').split('\n', 1)[0].trim().split(/\s+/).slice(1).map(Number);
    const total = fields.reduce((sum, x) => sum + x, 0);
    return { busy: total - fields[3] - (fields[4] ?? 0), steal: fields[7] ?? 0, total };
  } catch {
    return null;
  }
}

export interface CpuShare {
  /** Cores busy on the whole machine, on average. */
  machine: number;
  /** Cores used by this process (app, benchmark and load generator threads). */
  thisProcess: number;
  /** Of those, the main thread's: the app's event loop (the load generator is a worker thread). */
  appThread: number;
  /** Of the main thread's, the time in the kernel (system calls: socket reads and writes, waking their readers). */
  appThreadKernel: number;
  /** Cores used by the PostgreSQL backends connected to the benchmark's database (this app's queries). */
  database: number;
  /** Cores used by everything else: other people's processes, PostgreSQL's own background work. */
  elsewhere: number;
  /** Of those, cores the hypervisor took from this machine's virtual CPUs while they had work (steal time). */
  stolen: number;
}

/** CPU seconds in user space and in the kernel of a process (or, with `/task/<tid>`, a thread), from /proc (Linux); 0 when it is gone. */
function cpuTimes(pid: number | string): { user: number; kernel: number } {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { user: Number(fields[11]) / 100, kernel: Number(fields[12]) / 100 };
  } catch {
    return { user: 0, kernel: 0 };
  }
}

/** CPU seconds (user + system) of a process or thread (see cpuTimes). */
function processCpuSeconds(pid: number | string): number {
  const { user, kernel } = cpuTimes(pid);
  return user + kernel;
}

/** The PostgreSQL backends serving `database` (they run on this machine: the benchmark only uses 127.0.0.1). */
async function backendPids(pool: Pool, database: string): Promise<number[]> {
  const { rows } = await pool.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [database]);
  return rows.map((r) => r.pid);
}

/**
 * Starts measuring where the machine's CPU goes; the returned function stops and tells. With a pool and
 * a database name, the CPU of the PostgreSQL backends serving that database is told apart.
 */
export async function watchCpu(db?: { pool: Pool; name: string }): Promise<() => Promise<CpuShare>> {
  const cores = availableParallelism();
  const before = new Map<number, number>();
  if (db) for (const pid of await backendPids(db.pool, db.name)) before.set(pid, processCpuSeconds(pid));
  const m0 = machineJiffies();
  const p0 = process.cpuUsage();
  const mainThread = `${process.pid}/task/${process.pid}`;
  const a0 = cpuTimes(mainThread);
  const t0 = now();
  return async () => {
    const m1 = machineJiffies();
    const p = process.cpuUsage(p0);
    const a1 = cpuTimes(mainThread);
    const appSeconds = a1.user + a1.kernel - a0.user - a0.kernel;
    const wallSeconds = (now() - t0) / 1000;
    let databaseSeconds = 0;
    if (db) for (const pid of await backendPids(db.pool, db.name)) databaseSeconds += processCpuSeconds(pid) - (before.get(pid) ?? 0);
    /** Cores spent on average in what `jiffies` counts (busy or stolen jiffies), over the whole machine. */
    const machineCores = (jiffies: (sample: { busy: number; steal: number }) => number) =>
      m0 && m1 && m1.total > m0.total ? ((jiffies(m1) - jiffies(m0)) / (m1.total - m0.total)) * cores : Number.NaN;
    const machine = machineCores((sample) => sample.busy);
    const stolen = machineCores((sample) => sample.steal);
    const thisProcess = (p.user + p.system) / 1e6 / wallSeconds;
    const database = databaseSeconds / wallSeconds;
    const appThreadKernel = (a1.kernel - a0.kernel) / wallSeconds;
    return { machine, thisProcess, appThread: appSeconds / wallSeconds, appThreadKernel, database, elsewhere: Math.max(0, machine - thisProcess - database), stolen };
  };
}

/**
 * Waits (bounded) until other processes leave the machine alone: the benchmark shares two cores with
 * whatever else runs (test suites of other sessions), and a run during one measures little.
 */
export async function waitForQuietMachine(db?: { pool: Pool; name: string }, maxWaitMs = 90_000, thresholdCores = 0.2): Promise<CpuShare> {
  const started = now();
  for (;;) {
    const stop = await watchCpu(db);
    await new Promise((r) => setTimeout(r, 1000));
    const share = await stop();
    if (!(share.elsewhere > thresholdCores) || now() - started > maxWaitMs) return share;
    progress(`waiting for a quiet machine: ${share.elsewhere.toFixed(2)} cores busy outside this process and its database`);
  }
}

export function cpuNote(share: CpuShare): string {
  return `CPU: this process ${share.thisProcess.toFixed(2)} cores (app thread ${share.appThread.toFixed(2)}, of which in the kernel ${share.appThreadKernel.toFixed(2)}), its database ${share.database.toFixed(2)}, elsewhere ${share.elsewhere.toFixed(2)} (of which stolen by the hypervisor ${share.stolen.toFixed(2)})`;
}

/** What the CPU did for the app's thread over a run, counted by the processor (not sampled, not timed). */
export interface ThreadCounters {
  /** Instructions retired, in user space and in the kernel: the same work counts the same, however busy the machine. */
  instructions: number;
  /** Cycles, which a busy machine inflates (caches and memory shared with other work, other virtual machines). */
  cycles: number;
}

/** Why the counters are not there, once known (no `perf`, no counters in this virtual machine, no permission). */
let countersMissing: string | null = null;

/** Null when the counters can be read, else why not. */
export function threadCountersMissing(): string | null {
  return countersMissing;
}

/**
 * Starts counting instructions and cycles of this process's main thread (the app) with `perf stat`, where
 * the machine has hardware counters; the returned function stops and gives the counts, or null. The
 * throughput of a run moves with what else the host runs; the instructions an answer took do not, so they
 * compare the app with the bare route however the machine's speed drifts between runs.
 */
export async function countMainThread(): Promise<() => Promise<ThreadCounters | null>> {
  if (countersMissing !== null) return async () => null;
  const perf = spawn('perf', ['stat', '-x', ',', '-e', 'instructions,cycles', '-t', String(process.pid)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let output = '';
  perf.stderr.setEncoding('utf8').on('data', (text: string) => (output += text));
  const exited = once(perf, 'close').catch(() => null);
  perf.on('error', (error) => (countersMissing = `perf could not run (${error.message})`));
  // perf attaches to the thread as it starts: give it the moment it takes.
  await new Promise((resolve) => setTimeout(resolve, 200));
  return async () => {
    if (perf.exitCode === null) perf.kill('SIGINT');
    await exited;
    if (countersMissing !== null) return null;
    const counts = new Map<string, number>();
    for (const line of output.split('\n')) {
      const [value, , event] = line.split(',');
      if (event && /^\d+$/.test(value)) counts.set(event.replace(/:.*$/, ''), Number(value));
    }
    const instructions = counts.get('instructions');
    const cycles = counts.get('cycles');
    if (instructions === undefined || cycles === undefined) {
      countersMissing = `perf stat gave no instructions and cycles (${output.trim().split('\n').slice(-3).join('; ').slice(0, 200)})`;
      return null;
    }
    return { instructions, cycles };
  };
}

// ---- the database -----------------------------------------------------------------------------

export interface BenchDatabase {
  url: string;
  name: string;
  pool: Pool;
  store: EventStore;
  /** Idempotent: drops the database (closing every connection to it). */
  drop(): Promise<void>;
}

/**
 * A migrated database of the benchmark's own (a unique name derived from BENCH_DATABASE_URL, never an
 * existing one), dropped by `drop()`, on SIGINT/SIGTERM, and by the callers' `finally`.
 */
export async function createBenchDatabase(defaultBase: string, poolSize = 8): Promise<BenchDatabase> {
  const base = process.env.BENCH_DATABASE_URL ?? defaultBase;
  const url = withDatabase(base, `${databaseName(base)}_${randomBytes(3).toString('hex')}`);
  await ensureDatabase(url);
  let pool: Pool | null = null;
  let dropping: Promise<void> | null = null;
  const drop = (): Promise<void> =>
    (dropping ??= (async () => {
      await pool?.end().catch(() => undefined);
      await dropDatabase(url);
      progress(`dropped database ${databaseName(url)}`);
    })());
  // `on`, not `once`: Nest's shutdown hook re-raises the signal after closing the app, and that
  // second delivery must not kill the process before the database is dropped.
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = true;
    process.stderr.write(`\n${signal}: dropping the benchmark database\n`);
    drop().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    progress(`database ${databaseName(url)}: migrating`);
    await migrate(url, join(process.cwd(), 'prisma/migrations'));
    pool = createPool(url, poolSize);
    // Batch size for the benchmark's own reads only; the app under test uses its configured one.
    const store = new EventStore(pool, { pollIntervalMs: 500, batchSize: 5000 });
    return { url, name: databaseName(url), pool, store, drop };
  } catch (error) {
    await drop();
    throw error;
  }
}

// ---- the world --------------------------------------------------------------------------------

const T_WORLD = '2026-06-09T00:00:00.000Z';

/** A license of the world: from the world's start, two officers, end users identified, no quota. */
export function licenseGrant(licenseId: string, partnerId: string, modelId: string, validUntil: string | null): LicenseGranted['data'] {
  return {
    licenseId,
    partnerId,
    modelId,
    validFrom: T_WORLD,
    validUntil,
    allowedDestinations: null,
    requireEndUserIdentification: true,
    monthlyTokenQuota: null,
    rateLimitPerMinute: null,
    grantedBy: 'officer-1',
    approvedBy: 'officer-2',
  };
}

/** The models requests name: all available. A partner holds a license on every one but one. */
export const AVAILABLE_MODELS = [
  { modelId: 'mythos-5', family: 'mythos' },
  { modelId: 'fable-5', family: 'fable' },
  { modelId: 'mythos-5-mini', family: 'mythos' },
  { modelId: 'atlas-2', family: 'atlas' },
  { modelId: 'atlas-2-vision', family: 'atlas' },
  { modelId: 'helix-1', family: 'helix' },
] as const;

/** Registered but not served: requests never name them; in-force destination directives name them. */
const OTHER_MODELS = [
  { modelId: 'mythos-4', family: 'mythos', status: 'retired' },
  { modelId: 'orion-1', family: 'orion', status: 'suspended' },
] as const;

/** Not in the catalogue. */
export const UNKNOWN_MODEL_ID = 'nebula-9';

const ALLIES = ['US', 'GB', 'CA', 'AU', 'NZ', 'JP', 'DE', 'FR', 'NL', 'KR'];
const FOREIGN_NATIONALITIES = ['IN', 'BR', 'VN', 'NG'];

export interface WorldSpec {
  partners: number;
  usersPerPartner: number;
  /** The first this many users of each partner have a verified KYC case; the rest are only enrolled. */
  verifiedUsersPerPartner: number;
}

/** A whole number from the environment, or `fallback` when the variable is unset. */
export const envInt = (name: string, fallback: number): number => (process.env[name] ? Number(process.env[name]) : fallback);

/**
 * The data set of the entitlement benchmarks: 10,000 partners with 100 enrolled and verified users each (so
 * 50,000 licenses and 1,000,000 users), unless BENCH_PARTNERS, BENCH_USERS_PER_PARTNER or
 * BENCH_VERIFIED_USERS_PER_PARTNER say otherwise.
 */
export function benchWorldSpec(): WorldSpec {
  const usersPerPartner = envInt('BENCH_USERS_PER_PARTNER', 100);
  return { partners: envInt('BENCH_PARTNERS', 10_000), usersPerPartner, verifiedUsersPerPartner: envInt('BENCH_VERIFIED_USERS_PER_PARTNER', usersPerPartner) };
}

export type CheckCategory = 'allowed' | 'unknown_credential' | 'no_license' | 'foreign_national' | 'unknown_model';

/** The share of each kind of request in the load: about 80% allowed, the rest denied for various reasons. */
export const CHECK_MIX: readonly [CheckCategory, number][] = [
  ['allowed', 0.8],
  ['unknown_credential', 0.05],
  ['no_license', 0.05],
  ['foreign_national', 0.05],
  ['unknown_model', 0.05],
];

/** The reason each denied kind must carry. */
export const EXPECTED_REASON: Record<Exclude<CheckCategory, 'allowed'>, ReasonCode> = {
  unknown_credential: ReasonCode.UNKNOWN_CREDENTIAL,
  no_license: ReasonCode.NO_LICENSE,
  foreign_national: ReasonCode.DIRECTIVE_FOREIGN_NATIONAL,
  unknown_model: ReasonCode.UNKNOWN_MODEL,
};

export interface MixedCheck {
  category: CheckCategory;
  credential: string;
  partnerIndex: number;
  model: string;
  userId: string;
  clientIp: string;
}

/**
 * A deterministic world: every fact about partner `p` and its user `k` follows from the two numbers,
 * so the benchmark keeps only the plaintext credentials in memory, not a million users.
 *
 * - Partner p: approved, organisation KYC verified, organisation screening clear, one credential,
 *   a license on each available model but AVAILABLE_MODELS[p % 6], a government approval for
 *   mythos-5 when p % 100 == 50.
 * - User k of partner p: enrolled; when k < verifiedUsersPerPartner a verified KYC case: a US citizen,
 *   except k % 10 == 9 (a foreign national) and k % 10 == 3 (US and GB citizen).
 * - 20 directives: d-00 the June 12 order (mythos-5 and fable-5: US nationals only, government
 *   approval exempts); d-01..05 families mythos/fable/atlas: allied nationals and permanent
 *   residents only; d-06..09 destination bans on models nobody asks for; d-10..13 lifted; d-14..16
 *   expired; d-17..19 not yet effective. US users pass every directive in force; helix-1 has none
 *   in force.
 */
export class World {
  readonly credentials: string[];
  private readonly hashes: string[];

  constructor(readonly spec: WorldSpec) {
    if (spec.verifiedUsersPerPartner < 10 || spec.verifiedUsersPerPartner > spec.usersPerPartner) {
      throw new RangeError('verifiedUsersPerPartner must be between 10 and usersPerPartner');
    }
    this.credentials = Array.from({ length: spec.partners }, () => newCredential());
    this.hashes = this.credentials.map(hashApiCredential);
  }

  partnerId(p: number): string {
    return `p-${p}`;
  }

  userId(k: number): string {
    return `u-${k}`;
  }

  excludedModel(p: number): string {
    return AVAILABLE_MODELS[p % AVAILABLE_MODELS.length].modelId;
  }

  licensedModels(p: number): string[] {
    const excluded = this.excludedModel(p);
    return AVAILABLE_MODELS.map((m) => m.modelId).filter((m) => m !== excluded);
  }

  licenseId(p: number, modelId: string): string {
    return `lic-${this.partnerId(p)}-${modelId}`;
  }

  hasGovernmentApproval(p: number): boolean {
    return p % 100 === 50;
  }

  isForeign(k: number): boolean {
    return k % 10 === 9;
  }

  citizenships(p: number, k: number): string[] {
    if (this.isForeign(k)) return [FOREIGN_NATIONALITIES[p % FOREIGN_NATIONALITIES.length]];
    return k % 10 === 3 ? ['US', 'GB'] : ['US'];
  }

  /** A license per available model but the partner's excluded one (licensedModels). */
  get licensesPerPartner(): number {
    return AVAILABLE_MODELS.length - 1;
  }

  get licenses(): number {
    return this.spec.partners * this.licensesPerPartner;
  }

  get eventsPerPartner(): number {
    const { usersPerPartner, verifiedUsersPerPartner } = this.spec;
    return 6 + this.licensesPerPartner + usersPerPartner + 2 * verifiedUsersPerPartner;
  }

  get totalEvents(): number {
    let approvals = 0;
    for (let p = 0; p < this.spec.partners; p++) if (this.hasGovernmentApproval(p)) approvals++;
    return this.catalogueEvents().reduce((n, s) => n + s.events.length, 0) + this.spec.partners * this.eventsPerPartner + approvals;
  }

  /** Models and directives, each in its own stream, as the command path writes them. */
  catalogueEvents(): { streamId: string; events: NewEvent[] }[] {
    const streams: { streamId: string; events: NewEvent[] }[] = [];
    for (const model of [...AVAILABLE_MODELS, ...OTHER_MODELS]) {
      const events: NewEvent[] = [
        event<ModelRegistered>('ModelRegistered', {
          modelId: model.modelId,
          provider: 'bench-lab',
          name: model.modelId,
          version: '1',
          family: model.family,
          classification: '4E091',
          openWeights: false,
        }),
      ];
      if ('status' in model && model.status === 'retired') events.push(event<ModelRetired>('ModelRetired', { modelId: model.modelId, reason: 'superseded' }));
      if ('status' in model && model.status === 'suspended') {
        events.push(event<ModelSuspended>('ModelSuspended', { modelId: model.modelId, reason: 'under review', directiveId: null }));
      }
      streams.push({ streamId: `model-${model.modelId}`, events });
    }
    for (const terms of DIRECTIVES) {
      const events: NewEvent[] = [event<DirectiveIssued>('DirectiveIssued', terms.issued)];
      if (terms.liftedAt) {
        events.push(event<DirectiveLifted>('DirectiveLifted', { directiveId: terms.issued.directiveId, liftedAt: terms.liftedAt, reason: 'superseded' }));
      }
      streams.push({ streamId: `directive-${terms.issued.directiveId}`, events });
    }
    return streams;
  }

  /**
   * Everything about one partner, its licenses and its users, as one append. Bulk streams keep seeding
   * fast (one round trip per partner, not per aggregate); the index reads the global log in order
   * and never looks at stream ids.
   */
  partnerEvents(p: number): NewEvent[] {
    const partnerId = this.partnerId(p);
    const legalName = `Bench Partner ${p} Ltd`;
    const events: NewEvent[] = [
      event<ApplicationSubmitted>('ApplicationSubmitted', {
        partnerId,
        legalName,
        registrationNumber: `REG-${p}`,
        countryOfIncorporation: 'US',
        addresses: [`${p} Market Street, San Francisco, CA`],
        beneficialOwners: [{ name: `Owner ${p}`, nationality: 'US', ownershipPercent: 60 }],
        intendedUse: 'Customer-facing assistant',
        requestedModels: this.licensedModels(p),
      }),
      event<ApplicationApproved>('ApplicationApproved', { partnerId, reason: 'All checks passed' }),
      event<KycCaseOpened>('KycCaseOpened', {
        caseId: `kyc-${partnerId}-org`,
        partnerId,
        subject: { kind: 'organisation' },
        provider: 'bench-kyc',
        providerRef: `ref-${partnerId}`,
        declaredName: legalName,
      }),
      event<KycVerified>('KycVerified', {
        caseId: `kyc-${partnerId}-org`,
        partnerId,
        subject: { kind: 'organisation' },
        identity: { citizenships: [], permanentResidencies: [], usPerson: false },
        evidence: { provider: 'bench-kyc', providerEventId: `evt-${partnerId}-org`, rawPayload: null, receivedAt: T_WORLD },
        reviewedBy: null,
      }),
      event<ScreeningRecorded>('ScreeningRecorded', {
        screeningId: `scr-${partnerId}-org`,
        partnerId,
        subject: { kind: 'organisation', ref: partnerId, name: legalName, country: 'US' },
        evidence: {
          query: legalName,
          normalisedQuery: legalName.toUpperCase(),
          band: 'clear',
          topScore: 0.41,
          candidates: [],
          listVersion: 'bench-lists-1',
          thresholds: { reviewThreshold: 0.85, blockThreshold: 0.95 },
        },
        trigger: 'ApplicationSubmitted',
      }),
      event<CredentialIssued>('CredentialIssued', {
        credentialId: `cred-${partnerId}`,
        partnerId,
        label: 'serving stack',
        secretHash: this.hashes[p],
        prefix: this.credentials[p].slice(0, 14),
      }),
    ];
    for (const modelId of this.licensedModels(p)) {
      events.push(
        event<LicenseGranted>('LicenseGranted', licenseGrant(this.licenseId(p, modelId), partnerId, modelId, '2027-06-09T00:00:00.000Z')),
      );
    }
    if (this.hasGovernmentApproval(p)) {
      events.push(
        event<GovernmentApprovalGranted>('GovernmentApprovalGranted', {
          approvalId: `ga-${partnerId}`,
          partnerId,
          models: ['mythos-5'],
          authority: 'BIS',
          reference: `BIS-LA-${p}`,
          conditions: 'Critical infrastructure use only',
          validFrom: '2026-06-26T00:00:00.000Z',
          validUntil: null,
        }),
      );
    }
    for (let k = 0; k < this.spec.usersPerPartner; k++) {
      const userId = this.userId(k);
      events.push(event<UserEnrolled>('UserEnrolled', { partnerId, userId, name: `User ${k} of ${partnerId}`, email: null }));
      if (k >= this.spec.verifiedUsersPerPartner) continue;
      const caseId = `kyc-${partnerId}-${userId}`;
      const subject = { kind: 'user' as const, userId };
      const citizenships = this.citizenships(p, k);
      events.push(
        event<KycCaseOpened>('KycCaseOpened', { caseId, partnerId, subject, provider: 'bench-kyc', providerRef: `ref-${caseId}`, declaredName: `User ${k}` }),
        event<KycVerified>('KycVerified', {
          caseId,
          partnerId,
          subject,
          identity: {
            citizenships: citizenships.map((country) => ({ country, from: null, until: null })),
            permanentResidencies: [],
            usPerson: citizenships.includes('US'),
          },
          evidence: { provider: 'bench-kyc', providerEventId: `evt-${caseId}`, rawPayload: null, receivedAt: T_WORLD },
          reviewedBy: null,
        }),
      );
    }
    return events;
  }

  /** One request of the mix. */
  sampleCheck(random: () => number): MixedCheck {
    const roll = random();
    let category: CheckCategory = 'allowed';
    let cumulative = 0;
    for (const [name, share] of CHECK_MIX) {
      cumulative += share;
      if (roll < cumulative) {
        category = name;
        break;
      }
    }
    const { partners, verifiedUsersPerPartner } = this.spec;
    const anyPartner = () => Math.floor(random() * partners);
    const usUser = () => {
      for (;;) {
        const k = Math.floor(random() * verifiedUsersPerPartner);
        if (!this.isForeign(k)) return k;
      }
    };
    const clientIp = `203.0.113.${1 + Math.floor(random() * 250)}`;
    let p = anyPartner();
    switch (category) {
      case 'allowed': {
        const models = this.licensedModels(p);
        return { category, credential: this.credentials[p], partnerIndex: p, model: models[Math.floor(random() * models.length)], userId: this.userId(usUser()), clientIp };
      }
      case 'unknown_credential':
        return { category, credential: newCredential(random), partnerIndex: -1, model: AVAILABLE_MODELS[p % AVAILABLE_MODELS.length].modelId, userId: this.userId(usUser()), clientIp };
      case 'no_license':
        return { category, credential: this.credentials[p], partnerIndex: p, model: this.excludedModel(p), userId: this.userId(usUser()), clientIp };
      case 'foreign_national': {
        while (this.excludedModel(p) === 'mythos-5' || this.hasGovernmentApproval(p)) p = anyPartner();
        const foreign = 10 * Math.floor(random() * Math.floor(verifiedUsersPerPartner / 10)) + 9;
        return { category, credential: this.credentials[p], partnerIndex: p, model: 'mythos-5', userId: this.userId(foreign), clientIp };
      }
      case 'unknown_model':
        return { category, credential: this.credentials[p], partnerIndex: p, model: UNKNOWN_MODEL_ID, userId: this.userId(usUser()), clientIp };
    }
  }
}

const CREDENTIAL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A credential in the issued format; from `random` when given (a seeded unknown one), else from the CSPRNG. */
function newCredential(random?: () => number): string {
  const bytes = random ? Array.from({ length: 32 }, () => Math.floor(random() * 256)) : [...randomBytes(32)];
  return `mk_live_${bytes.map((b) => CREDENTIAL_ALPHABET[b % CREDENTIAL_ALPHABET.length]).join('')}`;
}

const BENCH_METADATA = {
  actorId: 'bench-seeder',
  actorRole: 'admin',
  correlationId: 'bench-seed',
  causationId: null,
  occurredAt: T_WORLD,
};

/** An event of the domain's own shape (type-checked against libs/domain) with the seeder's metadata. */
export function event<E extends AnyDomainEvent>(type: E['type'], data: E['data'], occurredAt = T_WORLD): NewEvent {
  return { type, data, metadata: { ...BENCH_METADATA, occurredAt, correlationId: `bench-${type}` } };
}

function directive(
  n: number,
  scope: { modelIds?: string[]; families?: string[] },
  restrictions: DirectiveIssued['data']['restrictions'],
  options: { effectiveAt?: string; expiresAt?: string | null; exempt?: boolean } = {},
): DirectiveIssued['data'] {
  const id = `d-${String(n).padStart(2, '0')}`;
  return {
    directiveId: id,
    authority: 'BIS',
    reference: `BIS-DIR-2026-${String(n).padStart(3, '0')}`,
    title: `Directive ${id}`,
    issuedAt: '2026-06-12T00:00:00.000Z',
    effectiveAt: options.effectiveAt ?? '2026-06-12T00:00:00.000Z',
    expiresAt: options.expiresAt ?? null,
    scope: { modelIds: scope.modelIds ?? [], families: scope.families ?? [] },
    restrictions,
    exemptWithGovernmentApproval: options.exempt ?? false,
  };
}

const alliesOnly = { foreignNationals: { allowedNationalities: ALLIES, allowPermanentResidents: true }, forbiddenDestinations: [] };
const EMBARGOED = ['KP', 'IR', 'SY', 'CU'];

const DIRECTIVES: { issued: DirectiveIssued['data']; liftedAt?: string }[] = [
  { issued: directive(0, { modelIds: ['mythos-5', 'fable-5'] }, { foreignNationals: { allowedNationalities: ['US'], allowPermanentResidents: false }, forbiddenDestinations: [] }, { exempt: true }) },
  { issued: directive(1, { families: ['mythos'] }, alliesOnly) },
  { issued: directive(2, { families: ['fable'] }, alliesOnly) },
  { issued: directive(3, { families: ['atlas'] }, alliesOnly, { exempt: true }) },
  { issued: directive(4, { families: ['mythos'] }, alliesOnly, { exempt: true }) },
  { issued: directive(5, { families: ['atlas'] }, alliesOnly) },
  ...[6, 7, 8, 9].map((n) => ({ issued: directive(n, { modelIds: n % 2 ? ['mythos-4'] : ['orion-1'] }, { foreignNationals: null, forbiddenDestinations: EMBARGOED }) })),
  ...[10, 11, 12, 13].map((n) => ({
    issued: directive(n, { families: ['mythos', 'atlas'] }, { foreignNationals: { allowedNationalities: ['GB'], allowPermanentResidents: false }, forbiddenDestinations: ['US'] }),
    liftedAt: '2026-07-01T00:00:00.000Z',
  })),
  ...[14, 15, 16].map((n) => ({
    issued: directive(n, { families: ['atlas', 'helix'] }, { foreignNationals: { allowedNationalities: ['JP'], allowPermanentResidents: false }, forbiddenDestinations: [] }, { expiresAt: '2026-08-01T00:00:00.000Z' }),
  })),
  ...[17, 18, 19].map((n) => ({
    issued: directive(n, { families: ['helix'] }, { foreignNationals: { allowedNationalities: ['US'], allowPermanentResidents: false }, forbiddenDestinations: ['CN'] }, { effectiveAt: '2027-03-01T00:00:00.000Z' }),
  })),
];

/** Writes the world through EventStore.appendToStream: the catalogue first, then one append per partner from `connections` connections. */
export async function seedWorld(store: EventStore, world: World, connections = 4): Promise<{ events: number; seconds: number }> {
  const started = now();
  let events = 0;
  for (const { streamId, events: batch } of world.catalogueEvents()) {
    await store.appendToStream(streamId, batch, { expectedVersion: 'no_stream' });
    events += batch.length;
  }
  let next = 0;
  const total = world.totalEvents;
  const stop = ticker(3000, () => {
    const seconds = (now() - started) / 1000;
    const rate = events / seconds;
    progress(`seeding: ${int(events)} / ${int(total)} events, ${int(next)} / ${int(world.spec.partners)} partners, ${int(rate)} events/s, ~${int((total - events) / rate)} s to go`);
  });
  try {
    await Promise.all(
      Array.from({ length: connections }, async () => {
        for (let p = next++; p < world.spec.partners; p = next++) {
          const batch = world.partnerEvents(p);
          await store.appendToStream(`bench-${world.partnerId(p)}`, batch, { expectedVersion: 'no_stream' });
          events += batch.length;
        }
      }),
    );
  } finally {
    stop();
  }
  return { events, seconds: (now() - started) / 1000 };
}

// ---- the app under test -----------------------------------------------------------------------

export interface RunningEntitlements {
  app: NestFastifyApplication;
  config: AppConfig;
  index: IndexService;
  baseUrl: string;
  port: number;
  /** A `service` token for POST /v1/check. */
  serviceToken: string;
  /** From creating the app to the index loaded and /health/ready answering 200. */
  coldStartMs: number;
  close(): Promise<void>;
}

/**
 * The real entitlements app (createEntitlementsApp), in this process, on a random port of 127.0.0.1,
 * with the production defaults of every setting but the database, the ports and the log level.
 */
export async function startEntitlements(databaseUrl: string, env: Record<string, string> = {}, readyTimeoutMs = 15 * 60_000): Promise<RunningEntitlements> {
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    PARTNER_API_PORT: '0',
    ADMIN_API_PORT: '0',
    ENTITLEMENTS_PORT: '0',
    WORKER_PORT: '0',
    JWT_SECRET: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'warn',
    ...env,
  });
  const started = now();
  const app = await createEntitlementsApp(config);
  const baseUrl = await listen(app, 0, '127.0.0.1');
  const index = app.get(IndexService);
  const stop = ticker(3000, () => progress(`index loading: at position ${int(index.position)} after ${((now() - started) / 1000).toFixed(0)} s`));
  try {
    for (;;) {
      if (index.isLoaded) {
        const ready = await fetch(`${baseUrl}/health/ready`);
        if (ready.status === 200) break;
      }
      if (now() - started > readyTimeoutMs) throw new Error(`entitlements not ready after ${readyTimeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
  } catch (error) {
    await app.close();
    throw error;
  } finally {
    stop();
  }
  const coldStartMs = now() - started;
  const serviceToken = signToken(
    { sub: 'bench-serving-stack', role: Role.Service },
    { algorithm: 'HS256', key: config.jwt.secret!, issuer: config.jwt.issuer, audience: config.jwt.audience, expiresInSeconds: 6 * 3600 },
  );
  return {
    app,
    config,
    index,
    baseUrl,
    port: Number(new URL(baseUrl).port),
    serviceToken,
    coldStartMs,
    close: () => app.close(),
  };
}

/** How a replica's index loaded: the time to ready, and from a snapshot or the whole log. */
export function coldStartLine(ent: RunningEntitlements): string {
  const load = ent.index.load!;
  const source =
    load.snapshotPosition === null
      ? `replayed ${int(load.eventsReplayed)} events (${int(load.eventsReplayed / (load.ms / 1000))} events/s)`
      : `snapshot of ${mib(load.snapshotBytes!)} at position ${int(load.snapshotPosition)} + ${int(load.eventsReplayed)} events`;
  const written = load.snapshotWritten ? `; wrote a snapshot of ${mib(load.snapshotWritten.bytes)} in ${(load.snapshotWritten.ms / 1000).toFixed(1)} s (included)` : '';
  return `${(ent.coldStartMs / 1000).toFixed(1)} s: ${source}${written}`;
}

/** Issue 4's target for a replica's cold start: from the snapshot the worker keeps, as replicas start. */
export const COLD_START_TARGET_MS = 10_000;

/** Both cold starts of a replica, and the process memory (after a full GC) before and after the second. */
export interface ColdStarts {
  /** The second replica, running: started from the snapshot the first one wrote. */
  ent: RunningEntitlements;
  withoutSnapshot: string;
  fromSnapshot: string;
  memoryBefore: NodeJS.MemoryUsage;
  memoryAfter: NodeJS.MemoryUsage;
}

/** Starts the app once replaying the whole log (which writes a snapshot) and closes it, then again from that snapshot. */
export async function startTwice(databaseUrl: string, env: Record<string, string>): Promise<ColdStarts> {
  progress('starting the entitlements app: no snapshot yet, so the index replays the whole log and writes one');
  const withoutSnapshot = await startAndClose(databaseUrl, env);
  await settledGc();
  const memoryBefore = process.memoryUsage();
  progress('starting the entitlements app again: from the snapshot');
  const ent = await startEntitlements(databaseUrl, env);
  fullGc();
  return { ent, withoutSnapshot, fromSnapshot: coldStartLine(ent), memoryBefore, memoryAfter: process.memoryUsage() };
}

/**
 * A replica started and closed, in a function of its own: a variable of `startTwice` would keep the closed
 * app, and its index, on the heap beside the second one for the rest of the benchmark.
 */
async function startAndClose(databaseUrl: string, env: Record<string, string>): Promise<string> {
  const first = await startEntitlements(databaseUrl, env);
  await first.close();
  return coldStartLine(first);
}

// ---- raw HTTP requests --------------------------------------------------------------------------

export function checkBody(check: MixedCheck, minPosition?: number): string {
  const body: Record<string, unknown> = { credential: check.credential, model: check.model, userId: check.userId, clientIp: check.clientIp };
  if (minPosition !== undefined) body.minPosition = String(minPosition);
  return JSON.stringify(body);
}

export function rawCheckRequest(port: number, token: string, check: MixedCheck): Buffer {
  const body = checkBody(check);
  return Buffer.from(
    `POST /v1/check HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

export function rawAuthzRequest(port: number, check: MixedCheck): Buffer {
  return Buffer.from(
    `GET /v1/authz HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${check.credential}\r\nX-Model: ${check.model}\r\n` +
      `X-End-User: ${check.userId}\r\nX-Original-URI: /v1/chat/completions\r\n\r\n`,
  );
}

export function rawGetRequest(port: number, path: string): Buffer {
  return Buffer.from(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
}

export interface RawResponse {
  status: number;
  body: Buffer;
}

const HEADER_END = Buffer.from('\r\n\r\n');
const CONTENT_LENGTH = /\r\ncontent-length:[ \t]*(\d+)/i;
const CHUNKED = /\r\ntransfer-encoding:[ \t]*chunked/i;

/**
 * Reads complete HTTP/1.1 responses off a keep-alive socket. Bodies are framed by Content-Length
 * (what Fastify sends); a chunked response is reported as an error rather than mis-framed.
 */
class ResponseReader {
  private pending: Buffer | null = null;

  constructor(private readonly onResponse: (status: number, body: Buffer) => void, private readonly onError: (error: Error) => void) {}

  push(chunk: Buffer): void {
    let buf = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    for (;;) {
      const headerEnd = buf.indexOf(HEADER_END);
      if (headerEnd < 0) break;
      const status = (buf[9] - 48) * 100 + (buf[10] - 48) * 10 + (buf[11] - 48);
      const head = buf.toString('latin1', 0, headerEnd);
      const length = CONTENT_LENGTH.exec(head);
      if (!length && CHUNKED.test(head)) {
        this.onError(new Error('chunked response: not supported by the bench client'));
        this.pending = null;
        return;
      }
      const bodyLength = length ? Number(length[1]) : 0;
      const end = headerEnd + 4 + bodyLength;
      if (buf.length < end) break;
      const body = buf.subarray(headerEnd + 4, end);
      buf = buf.subarray(end);
      this.onResponse(status, body);
    }
    this.pending = buf.length > 0 ? buf : null;
  }
}

/** One keep-alive connection sending one request at a time: the propagation poller. */
export class RawHttpConnection {
  private readonly socket: Socket;
  private waiting: { resolve: (r: RawResponse) => void; reject: (e: Error) => void } | null = null;
  private readonly connected: Promise<void>;

  constructor(port: number) {
    this.socket = new Socket();
    this.socket.setNoDelay(true);
    const reader = new ResponseReader(
      (status, body) => {
        const waiter = this.waiting;
        this.waiting = null;
        waiter?.resolve({ status, body: Buffer.from(body) });
      },
      (error) => this.fail(error),
    );
    this.socket.on('data', (chunk) => reader.push(chunk));
    this.socket.on('error', (error) => this.fail(error));
    this.socket.on('close', () => this.fail(new Error('connection closed')));
    this.connected = new Promise((resolve, reject) => {
      this.socket.once('connect', resolve);
      this.socket.once('error', reject);
    });
    this.socket.connect(port, '127.0.0.1');
  }

  async request(raw: Buffer): Promise<RawResponse> {
    await this.connected;
    if (this.waiting) throw new Error('one request at a time');
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.socket.write(raw);
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private fail(error: Error): void {
    const waiter = this.waiting;
    this.waiting = null;
    waiter?.reject(error);
  }
}

// ---- the load generator (a worker thread) --------------------------------------------------------

export interface GcPauses {
  count: number;
  totalMs: number;
  maxMs: number;
}

/** Something that held a thread, on the wall clock (ms since the epoch, comparable across threads). */
export interface ThreadHold {
  at: number;
  ms: number;
  /** A GC pause ('scavenge', 'mark-compact', a step of incremental 'marking', 'weak' callbacks), or 'loop' (the event loop ran late by that much). */
  kind: 'scavenge' | 'mark-compact' | 'marking' | 'weak' | 'loop';
}

/** What a thread went through during a run: how late its event loop ran, and its GC pauses. */
export interface ThreadHealth {
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  scavenges: GcPauses;
  markCompacts: GcPauses;
  /** GC pauses and late turns of at least HOLD_MS, in order: to set beside slow answers. */
  holds: ThreadHold[];
}

/** The shortest hold `watchThread` lists. */
const HOLD_MS = 2;

/** Starts watching this thread (the app's, or the load generator's in its worker); the returned function stops and reports. */
export function watchThread(): () => ThreadHealth {
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  const scavenges: GcPauses = { count: 0, totalMs: 0, maxMs: 0 };
  const markCompacts: GcPauses = { count: 0, totalMs: 0, maxMs: 0 };
  const holds: ThreadHold[] = [];
  const count = (entries: PerformanceEntry[]) => {
    for (const entry of entries) {
      const kind = (entry as unknown as { detail?: { kind?: number } }).detail?.kind;
      if (kind === perfConstants.NODE_PERFORMANCE_GC_INCREMENTAL || kind === perfConstants.NODE_PERFORMANCE_GC_WEAKCB) {
        holds.push({ at: performance.timeOrigin + entry.startTime, ms: entry.duration, kind: kind === perfConstants.NODE_PERFORMANCE_GC_INCREMENTAL ? 'marking' : 'weak' });
        continue;
      }
      const major = kind === perfConstants.NODE_PERFORMANCE_GC_MAJOR;
      const pauses = major ? markCompacts : kind === perfConstants.NODE_PERFORMANCE_GC_MINOR ? scavenges : null;
      if (!pauses) continue;
      pauses.count++;
      pauses.totalMs += entry.duration;
      pauses.maxMs = Math.max(pauses.maxMs, entry.duration);
      if (entry.duration >= HOLD_MS) holds.push({ at: performance.timeOrigin + entry.startTime, ms: entry.duration, kind: major ? 'mark-compact' : 'scavenge' });
    }
  };
  const observer = new PerformanceObserver((list) => count(list.getEntries()));
  observer.observe({ entryTypes: ['gc'] });
  // A 1 ms timer: a turn that comes late by HOLD_MS or more is listed with its time.
  let last = performance.now();
  const turns = setInterval(() => {
    const t = performance.now();
    const late = t - last - 1;
    if (late >= HOLD_MS) holds.push({ at: performance.timeOrigin + last, ms: late, kind: 'loop' });
    last = t;
  }, 1);
  return () => {
    loop.disable();
    clearInterval(turns);
    // GCs of the run's last moments are not delivered yet: take them before letting go.
    count(observer.takeRecords());
    observer.disconnect();
    holds.sort((a, b) => a.at - b.at);
    return { loopDelayP99Ms: loop.percentile(99) / 1e6, loopDelayMaxMs: loop.max / 1e6, scavenges, markCompacts, holds };
  };
}

export function threadNote(thread: ThreadHealth, seconds: number): string {
  const gc = (p: GcPauses) => `${p.count} (max ${ms(p.maxMs)}, ${((p.totalMs / (seconds * 1000)) * 100).toFixed(1)}% of the time)`;
  return `loop delay p99 ${ms(thread.loopDelayP99Ms)}, max ${ms(thread.loopDelayMaxMs)}; GC scavenges ${gc(thread.scavenges)}, mark-compacts ${gc(thread.markCompacts)}`;
}

export interface LoadPlan {
  port: number;
  /**
   * Requests, sent in turn (cycling), as raw HTTP/1.1 bytes. A set crosses to the worker once, on its first
   * run, and is found again by this array: do not change an array once it has been run.
   */
  requests: readonly Buffer[];
  connections: number;
  warmUpMs: number;
  durationMs: number;
  /** Requests per second, open loop (each request has an intended send time); null: as fast as answered. */
  rate: number | null;
  /** Hard bound on requests sent, whatever the duration. */
  maxRequests: number;
  /** Open loop: answers slower than this from their intended send are listed in `slow` (default 5 ms). */
  slowMs?: number;
}

export interface LoadResult {
  /** Responses to requests sent in the measured window (after warm-up) that arrived in it. */
  completed: number;
  seconds: number;
  perSecond: number;
  /** Send to response, ms, ascending. */
  latencyMs: Float64Array;
  /** Open loop only: intended send time to response (includes waiting for a free connection), ms, ascending. */
  fromIntendedMs: Float64Array | null;
  statuses: Record<string, number>;
  /** 200 responses whose JSON says "allow":true. */
  allowBodies: number;
  staleBodies: number;
  errors: number;
  errorSample: string | null;
  /** Wall clock (ms since the epoch) where the measured window began. */
  measuredFrom: number;
  /** Open loop: requests that found no free connection at their intended time. */
  waitedForConnection: number;
  /**
   * Open loop: the answers that took longer than `slowMs` from their intended send, in order: wall-clock
   * intended send (ms since the epoch), then ms from it to the actual send, then ms from send to answer.
   */
  slow: Float64Array | null;
  sent: number;
  /** The load generator's own thread over the run (warm-up included): a late or paused generator shows in the latencies. */
  generator: ThreadHealth;
}

/** A set of requests as it crosses to the worker: their bytes end to end, and where each one starts. */
interface WireRequestSet {
  kind: 'requests';
  set: number;
  payload: Uint8Array;
  offsets: number[];
}

interface WireLoadPlan extends Omit<LoadPlan, 'requests'> {
  kind: 'run';
  set: number;
}

const LOAD_WORKER = 'bench-load-generator';
const ALLOW_TRUE = Buffer.from('"allow":true');
const STALE = Buffer.from('STALE_STATE');

/** The `--max-semi-space-size` this process was started with (`=N` form, on the command line or in NODE_OPTIONS), or null. */
function semiSpaceFlag(): string | null {
  const args = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
  let value: string | null = null;
  for (const arg of args) value = /^--max[-_]semi[-_]space[-_]size=(\d+)$/.exec(arg)?.[1] ?? value;
  return value;
}

/** The load generator's semi-spaces, in MiB (see LoadGenerator's constructor). */
const GENERATOR_SEMI_SPACE_MB = 8;

/** Runs load plans one after another in a worker thread, so the client never shares the app's event loop. */
export class LoadGenerator {
  private readonly worker: Worker;
  private readonly ready: Promise<void>;
  private readonly sets = new WeakMap<readonly Buffer[], number>();
  private setCount = 0;

  /**
   * The generator's isolate gets small semi-spaces (GENERATOR_SEMI_SPACE_MB), not the app's 64 MiB: the flag
   * that sets them (`--max-semi-space-size`) reaches every isolate of the process and wins over a worker's
   * `resourceLimits`, so it is changed while the worker's heap is made and set back once the worker is online.
   * Why: V8 starts marking an old generation from a task, between scavenges, when the room left under its
   * limit is small next to the young generation's capacity (heap.cc, IncrementalMarkingLimitReached). With
   * 64 MiB semi-spaces the generator's old generation (29 MiB, not growing) was marked and compacted every 9 to
   * 19 s through the half-load rounds, pauses of up to 8 ms, and the answers due meanwhile counted against the
   * app: in one run the largest slow episode of both the check's and the authz half-load rounds coincided
   * with one. With 8 MiB (and the app's `--heap-growing-percent=100`, which reaches this isolate too) it still
   * started marking now and then (in each of three full runs, in both authz rounds), with 33 to 36 MiB of
   * room under its limit; so each run also begins with a full GC of the generator's heap (runPlan), and after
   * that, in a run on a small world, it never did.
   */
  constructor() {
    const semiSpace = semiSpaceFlag();
    if (semiSpace !== null) setFlagsFromString(`--max-semi-space-size=${GENERATOR_SEMI_SPACE_MB}`);
    this.worker = new Worker(__filename, { workerData: { role: LOAD_WORKER } });
    if (semiSpace !== null) this.worker.once('online', () => setFlagsFromString(`--max-semi-space-size=${semiSpace}`));
    this.ready = new Promise((resolve, reject) => {
      this.worker.once('message', () => resolve());
      this.worker.once('error', reject);
    });
  }

  async run(plan: LoadPlan): Promise<LoadResult> {
    await this.ready;
    const { requests, ...rest } = plan;
    const wire: WireLoadPlan = { ...rest, kind: 'run', set: this.setFor(requests) };
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      this.worker.once('error', onError);
      this.worker.once('message', (result: LoadResult) => {
        this.worker.off('error', onError);
        resolve(result);
      });
      this.worker.postMessage(wire);
    });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }

  /**
   * The worker's number for this set of requests, sending it there the first time. Copied once and moved,
   * not copied on every run: a set of 50,000 requests is about 25 MB, and allocating that on the app's
   * thread before each run grew its external memory until V8 began a major GC (`external memory pressure`),
   * whose marking of the whole index then ran during the measurement.
   */
  private setFor(requests: readonly Buffer[]): number {
    const known = this.sets.get(requests);
    if (known !== undefined) return known;
    const set = this.setCount++;
    const offsets = [0];
    for (const request of requests) offsets.push(offsets[offsets.length - 1] + request.length);
    // An ArrayBuffer of its own (Buffer.concat may use the shared pool, which cannot be moved).
    const payload = new Uint8Array(offsets[offsets.length - 1]);
    requests.forEach((request, i) => payload.set(request, offsets[i]));
    const message: WireRequestSet = { kind: 'requests', set, payload, offsets };
    this.worker.postMessage(message, [payload.buffer]);
    this.sets.set(requests, set);
    return set;
  }
}

function runLoadWorker(): void {
  const port = parentPort!;
  const sets = new Map<number, WireRequestSet>();
  port.on('message', (message: WireRequestSet | WireLoadPlan) => {
    if (message.kind === 'requests') {
      sets.set(message.set, message);
      return;
    }
    void runPlan(message, sets.get(message.set)!).then((result) => {
      const buffers = [result.latencyMs, result.fromIntendedMs, result.slow].filter((a) => a !== null).map((a) => a.buffer) as ArrayBuffer[];
      port.postMessage(result, buffers);
    });
  });
  port.postMessage('ready');
}

class Samples {
  private data = new Float64Array(1 << 16);
  length = 0;
  push(x: number): void {
    if (this.length === this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = x;
  }
  sorted(): Float64Array {
    return this.data.slice(0, this.length).sort();
  }
  unsorted(): Float64Array {
    return this.data.slice(0, this.length);
  }
}

async function runPlan(plan: WireLoadPlan, requests: WireRequestSet): Promise<LoadResult> {
  // The generator's heap starts each run collected: its major GCs then fall between runs (see LoadGenerator).
  fullGc();
  const stopWatching = watchThread();
  const payload = Buffer.from(requests.payload.buffer, requests.payload.byteOffset, requests.payload.byteLength);
  const { offsets } = requests;
  const requestCount = offsets.length - 1;
  const requestAt = (i: number) => payload.subarray(offsets[i % requestCount], offsets[(i % requestCount) + 1]);
  const latency = new Samples();
  const fromIntended = new Samples();
  const slow = new Samples();
  const slowMs = plan.slowMs ?? 5;
  const statuses: Record<string, number> = {};
  let allowBodies = 0;
  let staleBodies = 0;
  let errors = 0;
  let errorSample: string | null = null;
  let sent = 0;
  let waitedForConnection = 0;

  interface Connection {
    socket: Socket;
    sentAt: number;
    intendedAt: number;
    busy: boolean;
    open: boolean;
  }
  const connections: Connection[] = [];
  const idle: Connection[] = [];
  // Open loop: intended send times of requests waiting for a free connection (a FIFO).
  const queue: number[] = [];
  let queueHead = 0;

  const started = now();
  const measureFrom = started + plan.warmUpMs;
  const measureUntil = measureFrom + plan.durationMs;
  let stopping = false;
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));

  const send = (c: Connection, intendedAt: number) => {
    c.busy = true;
    c.intendedAt = intendedAt;
    c.sentAt = now();
    c.socket.write(requestAt(sent++));
  };
  const dispatch = () => {
    while (queueHead < queue.length && idle.length > 0) send(idle.pop()!, queue[queueHead++]);
    if (queueHead > 4096 && queueHead * 2 > queue.length) {
      queue.splice(0, queueHead);
      queueHead = 0;
    }
  };
  const maybeFinish = () => {
    if (stopping && connections.every((c) => !c.busy || !c.open)) finish();
  };
  const onResponse = (c: Connection, status: number, body: Buffer) => {
    const t = now();
    c.busy = false;
    if (c.sentAt >= measureFrom && t <= measureUntil) {
      latency.push(t - c.sentAt);
      if (plan.rate !== null) {
        fromIntended.push(t - c.intendedAt);
        if (t - c.intendedAt > slowMs) {
          slow.push(performance.timeOrigin + c.intendedAt);
          slow.push(c.sentAt - c.intendedAt);
          slow.push(t - c.sentAt);
        }
      }
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (status === 200 && body.indexOf(ALLOW_TRUE) >= 0) allowBodies++;
      if (body.indexOf(STALE) >= 0) staleBodies++;
    }
    if (t >= measureUntil || sent >= plan.maxRequests) stopping = true;
    if (stopping) return maybeFinish();
    if (plan.rate === null) send(c, t);
    else {
      idle.push(c);
      dispatch();
    }
  };
  const onFailure = (c: Connection, error: Error) => {
    errors++;
    errorSample ??= error.message;
    c.busy = false;
    c.open = false;
    c.socket.destroy();
    maybeFinish();
  };

  await Promise.all(
    Array.from({ length: plan.connections }, async () => {
      const socket = new Socket();
      socket.setNoDelay(true);
      const c: Connection = { socket, sentAt: 0, intendedAt: 0, busy: false, open: true };
      const reader = new ResponseReader(
        (status, body) => onResponse(c, status, body),
        (error) => onFailure(c, error),
      );
      socket.on('data', (chunk) => reader.push(chunk));
      socket.on('error', (error) => onFailure(c, error));
      socket.on('close', () => {
        if (c.open && !stopping) onFailure(c, new Error('connection closed by the server'));
      });
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('error', reject);
        socket.connect(plan.port, '127.0.0.1');
      });
      connections.push(c);
    }),
  );

  let scheduler: NodeJS.Timeout | null = null;
  const loopStart = now();
  if (plan.rate === null) {
    for (const c of connections) send(c, loopStart);
  } else {
    // Intended send times are fixed by the rate from the start, whatever the answers do (no coordinated omission).
    const interval = 1000 / plan.rate;
    let nextAt = loopStart;
    idle.push(...connections);
    const tick = () => {
      const t = now();
      if (t >= measureUntil || sent >= plan.maxRequests) {
        stopping = true;
        return maybeFinish();
      }
      while (nextAt <= t) {
        if (idle.length === 0 && nextAt >= measureFrom) waitedForConnection++;
        queue.push(nextAt);
        nextAt += interval;
      }
      dispatch();
      scheduler = setTimeout(tick, Math.max(0, Math.min(1, nextAt - now())));
    };
    tick();
  }
  // Bounded: the run ends at its deadline even if answers stop coming.
  const deadline = setTimeout(() => {
    stopping = true;
    finish();
  }, plan.warmUpMs + plan.durationMs + 10_000);
  await finished;
  clearTimeout(deadline);
  if (scheduler) clearTimeout(scheduler);
  for (const c of connections) c.socket.destroy();
  const seconds = plan.durationMs / 1000;
  return {
    completed: latency.length,
    seconds,
    perSecond: latency.length / seconds,
    latencyMs: latency.sorted(),
    fromIntendedMs: plan.rate === null ? null : fromIntended.sorted(),
    statuses,
    allowBodies,
    staleBodies,
    errors,
    errorSample,
    waitedForConnection,
    measuredFrom: performance.timeOrigin + measureFrom,
    slow: plan.rate === null ? null : slow.unsorted(),
    sent,
    generator: stopWatching(),
  };
}

if (!isMainThread && (workerData as { role?: string } | null)?.role === LOAD_WORKER) runLoadWorker();
