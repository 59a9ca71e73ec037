/**
 * Propagation benchmark: how long after a revocation commits does the entitlements app deny?
 * Seeds the data set of bench:check (10,000 partners, 50,000 licenses, 1,000,000 users; see
 * benchWorldSpec), starts the real entitlements app in process against that database of its own, once
 * replaying the whole log and once from the snapshot that wrote (their cold starts and the memory of the
 * index are printed), and then,
 * trial after trial, commits one of three revocations through EventStore.appendToStream, as the
 * command path does (LicenseRevoked; ModelSuspended; DirectiveIssued covering the model with a
 * foreign-national restriction while the user is a foreign national), and polls POST /v1/check
 * (without minPosition) in a tight loop on one keep-alive connection until it first denies.
 * Commit -> first deny is timed from the moment the append's commit is acknowledged. Each trial is
 * then undone (a new license, ModelReinstated, DirectiveLifted) and the check polled until it allows
 * again (timed the same way) before the next trial starts, after a random pause so that commits fall
 * at random phases of the subscription's fallback poll timer.
 * Not a jest test: built by `npm run build` and run by `npm run bench:propagation`.
 *
 * Environment (optional): BENCH_DATABASE_URL, BENCH_TRIALS (default 210, three kinds alternating),
 * BENCH_PARTNERS, BENCH_USERS_PER_PARTNER, BENCH_VERIFIED_USERS_PER_PARTNER (a smaller world).
 */
import { availableParallelism } from 'node:os';
import type { LicenseGranted, LicenseRevoked, ModelReinstated, ModelSuspended, DirectiveIssued, DirectiveLifted } from '@app/domain';
import { ReasonCode } from '@app/entitlement';
import { EventStore, NewEvent } from '@app/event-store';
import {
  BenchDatabase,
  benchWorldSpec,
  COLD_START_TARGET_MS,
  cpuNote,
  createBenchDatabase,
  event,
  int,
  licenseGrant,
  mib,
  MixedCheck,
  ms,
  now,
  percentile,
  progress,
  RawHttpConnection,
  rawCheckRequest,
  Report,
  RunningEntitlements,
  seeded,
  seedWorld,
  startTwice,
  waitForQuietMachine,
  watchCpu,
  World,
} from './support/world';

// One credential polled in a tight loop: lift its per-second budget so that a check is never refused here.
const LIMITS = { ENTITLEMENTS_RATE_LIMIT_PER_CREDENTIAL_PER_SECOND: '10000000' };

const TRIALS = process.env.BENCH_TRIALS ? Number(process.env.BENCH_TRIALS) : 210;
const SPEC = benchWorldSpec();
const TRIAL_TIMEOUT_MS = 5_000;
const MAX_PAUSE_MS = 50;
const TARGET_P99_MS = 100;
const SEED = 20260626;

type Kind = 'LicenseRevoked' | 'ModelSuspended' | 'DirectiveIssued';
const KINDS: Kind[] = ['LicenseRevoked', 'ModelSuspended', 'DirectiveIssued'];
const DENY_REASON: Record<Kind, ReasonCode> = {
  LicenseRevoked: ReasonCode.LICENSE_REVOKED,
  ModelSuspended: ReasonCode.MODEL_SUSPENDED,
  DirectiveIssued: ReasonCode.DIRECTIVE_FOREIGN_NATIONAL,
};

interface Trial {
  kind: Kind;
  check: MixedCheck;
  /** The revocation and what undoes it, each as one append to one stream. */
  revoke: () => { streamId: string; events: NewEvent[] };
  restore: () => { streamId: string; events: NewEvent[] };
}

interface Timing {
  kind: Kind;
  /** Commit acknowledged -> first answer that denies (or allows, when restoring). */
  fromCommitMs: number;
  /** Append sent -> the same answer (adds the append's own round trip). */
  fromAppendMs: number;
  polls: number;
  reasons: string[];
  timedOut: boolean;
}

const report = new Report();

/** The world's facts are fixed; these are the trials' own moves on top of them. */
function planTrials(world: World, random: () => number): Trial[] {
  const currentLicense = new Map<string, string>();
  const trials: Trial[] = [];
  for (let i = 0; i < TRIALS; i++) {
    const kind = KINDS[i % KINDS.length];
    let p = Math.floor(random() * world.spec.partners);
    const base = { credential: world.credentials[p], partnerIndex: p, clientIp: '198.51.100.7', category: 'allowed' as const };
    if (kind === 'DirectiveIssued') {
      // helix-1 has no directive in force: a foreign national may use it until one is issued.
      while (world.excludedModel(p) === 'helix-1') p = Math.floor(random() * world.spec.partners);
      const check = { ...base, credential: world.credentials[p], partnerIndex: p, model: 'helix-1', userId: world.userId(9) };
      const directiveId = `prop-${i}`;
      trials.push({
        kind,
        check,
        revoke: () => {
          const at = new Date(Date.now() - 1000).toISOString();
          return {
            streamId: `directive-${directiveId}`,
            events: [
              event<DirectiveIssued>(
                'DirectiveIssued',
                {
                  directiveId,
                  authority: 'BIS',
                  reference: `BIS-PROP-${i}`,
                  title: 'US nationals only',
                  issuedAt: at,
                  effectiveAt: at,
                  expiresAt: null,
                  scope: { modelIds: ['helix-1'], families: [] },
                  restrictions: { foreignNationals: { allowedNationalities: ['US'], allowPermanentResidents: false }, forbiddenDestinations: [] },
                  exemptWithGovernmentApproval: false,
                },
                at,
              ),
            ],
          };
        },
        restore: () => {
          const at = new Date().toISOString();
          return { streamId: `directive-${directiveId}`, events: [event<DirectiveLifted>('DirectiveLifted', { directiveId, liftedAt: at, reason: 'trial over' }, at)] };
        },
      });
      continue;
    }
    const models = world.licensedModels(p);
    const model = models[Math.floor(random() * models.length)];
    const check = { ...base, model, userId: world.userId(0) };
    if (kind === 'ModelSuspended') {
      trials.push({
        kind,
        check,
        revoke: () => ({ streamId: `model-${model}`, events: [event<ModelSuspended>('ModelSuspended', { modelId: model, reason: 'propagation trial', directiveId: null }, new Date().toISOString())] }),
        restore: () => ({ streamId: `model-${model}`, events: [event<ModelReinstated>('ModelReinstated', { modelId: model, reason: 'trial over' }, new Date().toISOString())] }),
      });
      continue;
    }
    const key = `${p}/${model}`;
    const partnerId = world.partnerId(p);
    trials.push({
      kind,
      check,
      revoke: () => {
        const licenseId = currentLicense.get(key) ?? world.licenseId(p, model);
        return {
          streamId: `license-${licenseId}`,
          events: [event<LicenseRevoked>('LicenseRevoked', { licenseId, partnerId, modelId: model, reason: 'propagation trial' }, new Date().toISOString())],
        };
      },
      restore: () => {
        // A revoked license stays revoked: the partner gets a new one.
        const licenseId = `${world.licenseId(p, model)}-r${i}`;
        currentLicense.set(key, licenseId);
        const at = new Date().toISOString();
        return {
          streamId: `license-${licenseId}`,
          events: [event<LicenseGranted>('LicenseGranted', licenseGrant(licenseId, partnerId, model, null), at)],
        };
      },
    });
  }
  return trials;
}

/** Commits one append, then asks until the answer's `allow` is `want`; timed from the commit. */
async function commitAndPoll(store: EventStore, poller: RawHttpConnection, request: Buffer, kind: Kind, append: { streamId: string; events: NewEvent[] }, want: boolean): Promise<Timing> {
  const sentAt = now();
  await store.appendToStream(append.streamId, append.events, { expectedVersion: 'any' });
  const committedAt = now();
  let polls = 0;
  for (;;) {
    const answer = await poller.request(request);
    polls++;
    const t = now();
    const body = JSON.parse(answer.body.toString('utf8')) as { allow: boolean; reasons: string[] };
    if (answer.status !== 200) throw new Error(`POST /v1/check answered ${answer.status}: ${answer.body.toString('utf8')}`);
    if (body.allow === want || t - committedAt > TRIAL_TIMEOUT_MS) {
      return { kind, fromCommitMs: t - committedAt, fromAppendMs: t - sentAt, polls, reasons: body.reasons, timedOut: body.allow !== want };
    }
  }
}

async function ask(poller: RawHttpConnection, request: Buffer): Promise<{ allow: boolean; reasons: string[] }> {
  const answer = await poller.request(request);
  return JSON.parse(answer.body.toString('utf8')) as { allow: boolean; reasons: string[] };
}

function summary(timings: Timing[], pick: (t: Timing) => number): string {
  const sorted = timings.map(pick).sort((a, b) => a - b);
  return `p50 ${ms(percentile(sorted, 50))}, p90 ${ms(percentile(sorted, 90))}, p99 ${ms(percentile(sorted, 99))}, max ${ms(sorted[sorted.length - 1])}`;
}

async function main(): Promise<void> {
  const db: BenchDatabase = await createBenchDatabase('postgres://postgres@127.0.0.1:5432/ma_bench_propagation');
  let ent: RunningEntitlements | null = null;
  let poller: RawHttpConnection | null = null;
  try {
    const { rows } = await db.pool.query<{ version: string }>("SELECT current_setting('server_version') AS version");
    console.log(`entitlement propagation benchmark: PostgreSQL ${rows[0].version}, node ${process.version} (flags: ${process.execArgv.join(' ') || 'none'}), ${availableParallelism()} CPUs, database ${db.name}, ${TRIALS} trials`);

    const world = new World(SPEC);
    progress(`seeding ${int(world.totalEvents)} events`);
    const seededWorld = await seedWorld(db.store, world);
    progress('VACUUM ANALYZE events (a maintained database)');
    await db.pool.query('VACUUM ANALYZE events');
    const starts = await startTwice(db.url, LIMITS);
    ent = starts.ent;
    const { memoryBefore: before, memoryAfter: after } = starts;
    report.line('0. world and app', `${int(seededWorld.events)} events: ${int(SPEC.partners)} partners, ${int(world.licenses)} licenses, ${int(SPEC.partners * SPEC.usersPerPartner)} users; fallback poll ${ent.config.eventStore.pollIntervalMs} ms (NOTIFY wakes it)`);
    report.line('   index cold start without a snapshot', starts.withoutSnapshot);
    report.line('   index cold start from the snapshot', starts.fromSnapshot, `< ${COLD_START_TARGET_MS / 1000} s`, starts.ent.coldStartMs < COLD_START_TARGET_MS);
    report.line('   process memory, index loaded (after full GC)', `RSS ${mib(after.rss)}, heap used ${mib(after.heapUsed)}; the app and its index: heap used +${mib(after.heapUsed - before.heapUsed)}`);
    poller = new RawHttpConnection(ent.port);
    const trials = planTrials(world, seeded(SEED));
    const random = seeded(SEED + 1);

    const quiet = await waitForQuietMachine(db);
    if (quiet.elsewhere > 0.2) progress(`the machine did not quiet down (${quiet.elsewhere.toFixed(2)} cores busy elsewhere); measuring anyway`);
    const denies: Timing[] = [];
    const allows: Timing[] = [];
    let unexpectedReasons = 0;
    const started = now();
    const stopCpu = await watchCpu(db);
    for (let i = 0; i < trials.length; i++) {
      const trial = trials[i];
      const request = rawCheckRequest(ent.port, ent.serviceToken, trial.check);
      const before = await ask(poller, request);
      if (!before.allow) throw new Error(`trial ${i} (${trial.kind}): the check denies before the revocation: ${before.reasons.join(',')}`);
      await new Promise((r) => setTimeout(r, random() * MAX_PAUSE_MS));

      const deny = await commitAndPoll(db.store, poller, request, trial.kind, trial.revoke(), false);
      denies.push(deny);
      if (!deny.timedOut && !deny.reasons.includes(DENY_REASON[trial.kind])) {
        unexpectedReasons++;
        progress(`trial ${i} (${trial.kind}): denied with ${deny.reasons.join(',')}, expected ${DENY_REASON[trial.kind]}`);
      }
      await new Promise((r) => setTimeout(r, random() * MAX_PAUSE_MS));
      allows.push(await commitAndPoll(db.store, poller, request, trial.kind, trial.restore(), true));
      if ((i + 1) % 30 === 0) {
        progress(`${i + 1} / ${trials.length} trials, ${((now() - started) / 1000).toFixed(1)} s; commit -> deny so far: ${summary(denies, (t) => t.fromCommitMs)}`);
      }
    }

    const cpu = await stopCpu();
    const sorted = denies.map((t) => t.fromCommitMs).sort((a, b) => a - b);
    const p99 = percentile(sorted, 99);
    const timedOut = denies.filter((t) => t.timedOut).length;
    report.line(
      `1. commit -> first deny, ${denies.length} trials`,
      `p50 ${ms(percentile(sorted, 50))}, p99 ${ms(p99)}, max ${ms(sorted[sorted.length - 1])}`,
      `p99 < ${TARGET_P99_MS} ms`,
      p99 < TARGET_P99_MS && timedOut === 0,
    );
    report.line('   same, with percentiles', summary(denies, (t) => t.fromCommitMs));
    report.line('   append sent -> first deny (adds the append)', summary(denies, (t) => t.fromAppendMs));
    for (const kind of KINDS) {
      const ofKind = denies.filter((t) => t.kind === kind);
      report.line(`   ${kind} (${ofKind.length})`, summary(ofKind, (t) => t.fromCommitMs));
    }
    const polls = denies.map((t) => t.polls).sort((a, b) => a - b);
    report.line('   checks asked per trial until the deny', `p50 ${percentile(polls, 50)}, max ${polls[polls.length - 1]}`);
    report.line('   trials with no deny within 5 s / unexpected reason', `${timedOut} / ${unexpectedReasons}`);
    report.line(`2. undo committed -> first allow again, ${allows.length} trials`, summary(allows, (t) => t.fromCommitMs));
    report.line('   during the trials', cpuNote(cpu));
    report.print();
  } finally {
    poller?.close();
    await ent?.close().catch((error: unknown) => progress(`closing the app: ${(error as Error).message}`));
    await db.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
