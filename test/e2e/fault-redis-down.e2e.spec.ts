import { ChildProcess, spawn } from 'node:child_process';
import { Role } from '@app/auth';
import { JobQueues, QUEUES } from '@app/jobs';
import { eventually, startTestSystem, TestSystem } from '../support/test-system';
import { freePort } from '../support/free-port';
import { applicationBody } from '../support/application';

const REDIS_SERVER = '/usr/bin/redis-server';


/** A throw-away Redis of this test's own, without persistence: what it held is gone after a kill. */
function startRedis(port: number): Promise<ChildProcess> {
  const redis = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`redis-server did not start: ${output}`)), 10_000);
    redis.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve(redis);
      }
    });
    redis.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${output}`)));
  });
}

function kill(redis: ChildProcess): Promise<void> {
  if (redis.exitCode !== null || redis.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    redis.once('exit', () => resolve());
    redis.kill('SIGKILL');
  });
}

const application = (legalName: string) =>
  applicationBody({ legalName, registrationNumber: 'R-1', addresses: [], intendedUse: 'testing faults', requestedModels: ['any-model'] });

/** Fault 2 of issue 5: Redis is unavailable when commands arrive; they succeed, and their jobs run after Redis returns, once. */
describe('fault: Redis down while commands arrive', () => {
  let port: number;
  let redis: ChildProcess;
  let system: TestSystem;
  const reactorCheckpoint = async () =>
    Number((await system.db.pool.query("SELECT position FROM projection_checkpoints WHERE name = 'job-reactor'")).rows[0]?.position ?? 0);
  const screeningsOf = async (partnerId: string) =>
    (await system.db.pool.query("SELECT data FROM events WHERE type = 'ScreeningRecorded' AND data->>'partnerId' = $1", [partnerId])).rows.map((r) => r.data);

  beforeAll(async () => {
    port = await freePort();
    redis = await startRedis(port);
    system = await startTestSystem({ env: { REDIS_URL: `redis://127.0.0.1:${port}/0`, JOB_ENQUEUE_TIMEOUT_MS: '300' } });
    expect((await system.importLists(['csl'])).status).toBe(200);
  });
  afterAll(async () => {
    // A test that failed while Redis was away: the worker's queues close only against a Redis that answers.
    if (system && redis && (redis.exitCode !== null || redis.signalCode !== null)) redis = await startRedis(port);
    await system?.close();
    if (redis) await kill(redis);
  });

  it('accepts commands while Redis is away, then runs every job they asked for exactly once when it returns', async () => {
    const head = async () => Number((await system.db.pool.query('SELECT max(global_position) AS head FROM events')).rows[0].head);
    await eventually(async () => (await reactorCheckpoint()) >= (await head()), 10_000);

    await kill(redis);

    // Only the worker needs Redis: it says so, and the apps that serve requests stay in their load balancers.
    const notReady = await eventually(async () => {
      const answer = await system.worker.get('/health/ready');
      return answer.status === 503 && answer;
    }, 10_000);
    expect(notReady.body).toMatchObject({ code: 'NOT_READY', message: 'Not ready: redis', down: { redis: { status: 'down' } }, info: { database: { status: 'up' } } });
    for (const api of [system.partnerApi, system.adminApi, system.entitlements]) expect((await api.get('/health/ready')).status).toBe(200);

    const partners = ['p-outage-1', 'p-outage-2'];
    const positions: number[] = [];
    for (const partnerId of partners) {
      const submitted = await system.partnerApi.post('/v1/application', application(`Outage Test ${partnerId}`), system.token(Role.PartnerAdmin, { partnerId }));
      expect(submitted.status).toBe(201);
      positions.push(Number(submitted.body.position));
    }
    const enrolled = await system.partnerApi.post('/v1/users', { userId: 'u-during-outage', name: 'Olga Outage' }, system.token(Role.PartnerAdmin, { partnerId: partners[0] }));
    expect(enrolled.status).toBe(201);
    const lastPosition = Number(enrolled.body.position ?? (await head()));

    // The read models follow (no Redis needed), but no job was taken: the reactor holds its checkpoint.
    await eventually(async () => (await system.adminApi.get(`/v1/partners/${partners[1]}`, system.token(Role.Reviewer))).status === 200);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await reactorCheckpoint()).toBeLessThan(Math.min(...positions));
    for (const partnerId of partners) expect(await screeningsOf(partnerId)).toEqual([]);

    redis = await startRedis(port);
    await eventually(async () => (await system.worker.get('/health/ready')).status === 200, 20_000);

    await eventually(async () => (await reactorCheckpoint()) >= lastPosition, 30_000);
    await eventually(async () => (await screeningsOf(partners[0])).length === 3 && (await screeningsOf(partners[1])).length === 2, 30_000);
    const queues = new JobQueues(system.config.redis, system.config.jobs);
    try {
      const screeningJobs = await eventually(async () => {
        const counts = await queues.queue(QUEUES.screening).getJobCounts();
        return counts.completed === 3 && counts.waiting + counts.active + counts.delayed + counts.failed === 0 && counts;
      }, 30_000);
      expect(screeningJobs.completed).toBe(3);
    } finally {
      await queues.close();
    }
    // Nothing ran twice: one screening per subject, each with its own id.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const first = await screeningsOf(partners[0]);
    expect(first.map((s) => `${s.subject.kind}:${s.subject.ref}`).sort()).toEqual(['beneficial_owner:owner-0', 'organisation:p-outage-1', 'user:u-during-outage']);
    expect(new Set(first.map((s) => s.screeningId)).size).toBe(3);
    expect(await screeningsOf(partners[1])).toHaveLength(2);
  });
});
