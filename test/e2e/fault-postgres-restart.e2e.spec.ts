import { join } from 'node:path';
import { Role } from '@app/auth';
import { createPool, ensureDatabase, migrate } from '@app/database';
import type { TestDatabase } from '@app/testing';
import { EntitledPartner, onboardEntitledPartner } from '../support/entitled-partner';
import { POSTGRES_BIN, PrivatePostgres, startPrivatePostgres } from '../support/private-postgres';
import { eventually, startTestSystem, TestSystem } from '../support/test-system';
import { freePort } from '../support/free-port';

const BOUND_MS = 1500;
const OUTAGE_MS = 3500;


interface CheckSample {
  at: number;
  status: number;
  allow: boolean;
  reasons: string[];
}

/**
 * Fault 3: PostgreSQL stops and starts again while the four apps run (a server of this test's own, so no
 * other test is disturbed). Every app reconnects by itself; the entitlements app keeps answering from its
 * index until the staleness bound, then denies STALE_STATE, and allows again once the store is back; no
 * command that was acknowledged is lost.
 */
(POSTGRES_BIN ? describe : describe.skip)('fault: PostgreSQL restarts under the running apps', () => {
  let pg: PrivatePostgres;
  let system: TestSystem;
  let partner: EntitledPartner;

  beforeAll(async () => {
    pg = await startPrivatePostgres(await freePort());
    const url = pg.url('ma_fault_restart');
    await ensureDatabase(url);
    await migrate(url, join(__dirname, '../../prisma/migrations'));
    const pool = createPool(url, 10);
    const db: TestDatabase = {
      url,
      name: 'ma_fault_restart',
      pool,
      drop: async () => {
        await pool.end().catch(() => undefined);
        await pg.destroy();
      },
    };
    system = await startTestSystem({ db, env: { ENTITLEMENTS_STALENESS_BOUND_MS: String(BOUND_MS), EVENT_STORE_POLL_INTERVAL_MS: '100' } });
    partner = await onboardEntitledPartner(system, { partnerId: 'p-restart', models: ['open-1'], licensed: ['open-1'] });
    // The index tails the store every 100 ms: the test's timeline, whose every check before the bound must
    // allow, starts once the index holds the partner's credential and license.
    const ready = await system.entitlements.post('/v1/check', { credential: partner.credential, model: 'open-1', minPosition: String(partner.position) }, system.token(Role.Service));
    expect(ready.body).toMatchObject({ allow: true });
  }, 120_000);

  afterAll(async () => {
    await system?.close();
    if (!system) await pg?.destroy();
  });

  it('denies STALE_STATE only past the bound, recovers by itself, and loses no acknowledged command', async () => {
    const service = system.token(Role.Service);
    const admin = system.token(Role.Admin);
    const samples: CheckSample[] = [];
    const acknowledged: string[] = [];
    const refused: number[] = [];
    let running = true;

    const checks = (async () => {
      while (running) {
        const answer = await system.entitlements.post('/v1/check', { credential: partner.credential, model: 'open-1' }, service);
        samples.push({ at: Date.now(), status: answer.status, allow: answer.body?.allow === true, reasons: answer.body?.reasons ?? [] });
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    let n = 0;
    const commands = (async () => {
      while (running) {
        const modelId = `restart-${++n}`;
        const answer = await system.adminApi.post('/v1/models', { modelId, provider: 'P', name: modelId, version: '1', family: 'restart', classification: 'EAR99', openWeights: true }, admin);
        if (answer.status === 201) acknowledged.push(modelId);
        else refused.push(answer.status);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();

    await new Promise((r) => setTimeout(r, 500));
    const stoppedAt = Date.now();
    await pg.stop();
    await new Promise((r) => setTimeout(r, OUTAGE_MS));
    await pg.start();
    const startedAt = Date.now();

    // Back by itself: the check allows again, and both APIs accept commands again.
    await eventually(async () => samples.some((s) => s.at > startedAt && s.allow), 20_000);
    const acknowledgedBefore = acknowledged.length;
    await eventually(async () => acknowledged.length > acknowledgedBefore, 20_000);
    const userAdded = await eventually(async () => {
      const answer = await system.partnerApi.post('/v1/users', { userId: 'u-after-restart', name: 'After Restart' }, system.token(Role.PartnerAdmin, { partnerId: 'p-restart' }));
      return answer.status === 201 && answer;
    }, 20_000);
    expect(userAdded.status).toBe(201);
    await new Promise((r) => setTimeout(r, 500));
    running = false;
    await Promise.all([checks, commands]);

    // The entitlements app never failed a check: every answer is a 200 decision.
    expect(samples.filter((s) => s.status !== 200)).toEqual([]);
    const stale = samples.filter((s) => s.reasons.includes('STALE_STATE'));
    expect(stale.length).toBeGreaterThan(0);
    // Not before the bound: until then it answers from its index.
    expect(stale[0].at - stoppedAt).toBeGreaterThanOrEqual(BOUND_MS - 200);
    expect(samples.filter((s) => s.at < stoppedAt + BOUND_MS - 200).every((s) => s.allow)).toBe(true);
    // Recovered, and stays recovered.
    const recovered = samples.find((s) => s.at > startedAt && s.allow)!;
    expect(samples.filter((s) => s.at > recovered.at).every((s) => s.allow)).toBe(true);
    // Commands refused during the outage were refused as unavailable, never as the client's fault.
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((status) => status === 503)).toBe(true);

    // No acknowledged command is lost: each is in the store and reaches the read model.
    const { rows } = await system.db.pool.query<{ id: string }>(`SELECT data->>'modelId' AS id FROM events WHERE type = 'ModelRegistered' AND data->>'modelId' LIKE 'restart-%'`);
    expect(new Set(rows.map((r) => r.id))).toEqual(new Set(acknowledged));
    const reviewer = system.token(Role.Reviewer);
    await eventually(async () => {
      const models = await system.adminApi.get('/v1/models', reviewer);
      return models.status === 200 && acknowledged.every((id) => JSON.stringify(models.body).includes(`"${id}"`));
    }, 20_000);
    for (const app of [system.partnerApi, system.adminApi, system.entitlements, system.worker]) {
      await eventually(async () => (await app.get('/health/ready')).status === 200, 20_000);
    }
  }, 90_000);
});
