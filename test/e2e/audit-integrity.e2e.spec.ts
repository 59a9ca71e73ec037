import { Role } from '@app/auth';
import { eventually, startTestSystem, TestSystem } from '../support/test-system';

/** The worker signs checkpoints over the log; auditors verify the history through admin-api. */
describe('audit integrity', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await startTestSystem({ env: { AUDIT_CHECKPOINT_INTERVAL_MS: '1000' } });
  });
  afterAll(() => system.close());

  it('verifies a history the worker checkpointed, refuses non-auditors, and names the first altered event', async () => {
    const admin = system.token(Role.Admin);
    for (const modelId of ['audit-1', 'audit-2']) {
      const registered = await system.adminApi.post('/v1/models', { modelId, provider: 'P', name: modelId, version: '1', family: 'audit', classification: 'EAR99', openWeights: true }, admin);
      expect(registered.status).toBe(201);
    }
    const { rows } = await system.db.pool.query<{ head: string }>('SELECT max(global_position)::text AS head FROM events');
    await eventually(async () => (await system.db.pool.query('SELECT 1 FROM audit_checkpoints WHERE position >= $1', [rows[0].head])).rowCount, 10_000);

    const auditor = system.token(Role.Auditor);
    const clean = await system.adminApi.get('/v1/audit/integrity', auditor);
    expect(clean.status).toBe(200);
    expect(clean.body).toMatchObject({ ok: true, firstBreak: null, headPosition: rows[0].head });
    expect(clean.body.checkpoints).toBeGreaterThanOrEqual(1);
    expect(clean.body.lastCheckpoint.position).toBe(rows[0].head);

    expect((await system.adminApi.get('/v1/audit/integrity', system.token(Role.PartnerAdmin, { partnerId: 'p-1' }))).status).toBe(403);
    expect((await system.adminApi.get('/v1/audit/integrity', system.token(Role.Reviewer))).status).toBe(403);
    expect((await system.adminApi.get('/v1/audit/integrity')).status).toBe(401);

    const { rows: target } = await system.db.pool.query<{ p: string; stream_id: string }>(
      `SELECT global_position::text AS p, stream_id FROM events WHERE type = 'ModelRegistered' AND data->>'modelId' = 'audit-1'`,
    );
    await system.db.pool.query(`UPDATE events SET data = jsonb_set(data, '{classification}', '"5A002"') WHERE global_position = $1`, [target[0].p]);
    const altered = await system.adminApi.get('/v1/audit/integrity', auditor);
    expect(altered.status).toBe(200);
    expect(altered.body).toMatchObject({ ok: false, firstBreak: { globalPosition: target[0].p, streamId: target[0].stream_id, problem: expect.stringContaining('changed after it was written') } });
  }, 30_000);
});
