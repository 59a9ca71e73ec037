import { ALL_ROLES, Role } from '@app/auth';
import { auditTrailQuery } from '@app/event-store';
import { startTestSystem, TestSystem } from '../support/test-system';

/**
 * Every admin action is attributable: the actor's id and role are in each event's metadata, and
 * admin-api answers who did what, when, to whom (GET /v1/audit), from indexes rather than a scan.
 */
describe('audit trail: who did what, when, to whom', () => {
  let system: TestSystem;
  let auditor: string;
  let admin: string;
  let rita: string;
  let before: string;
  let between: string;

  const apply = (partnerId: string) =>
    system.partnerApi.post('/v1/application', {
      legalName: `${partnerId} GmbH`, registrationNumber: 'A-1', countryOfIncorporation: 'DE', addresses: [], beneficialOwners: [],
      intendedUse: 'audit tests', requestedModels: ['audit-model'],
    }, system.token(Role.PartnerAdmin, { sub: `owner@${partnerId}`, partnerId }));
  const audit = (query: string, token = auditor) => system.adminApi.get(`/v1/audit${query}`, token);

  beforeAll(async () => {
    system = await startTestSystem();
    auditor = system.token(Role.Auditor, { sub: 'auditor-aud' });
    admin = system.token(Role.Admin, { sub: 'admin-ann' });
    rita = system.token(Role.Reviewer, { sub: 'reviewer-rita' });
    before = new Date().toISOString();
    expect((await system.adminApi.post('/v1/models', {
      modelId: 'audit-model', provider: 'P', name: 'Audit', version: '1', family: 'audit', classification: 'EAR99', openWeights: false,
    }, admin)).status).toBe(201);
    expect((await apply('p-audit-a')).status).toBe(201);
    await system.prepareForApproval('p-audit-a');
    await new Promise((r) => setTimeout(r, 20));
    between = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 20));
    expect((await system.adminApi.post('/v1/applications/p-audit-a/approve', { reason: 'all checks passed' }, rita)).status).toBe(200);
    expect((await system.adminApi.post('/v1/licenses', { partnerId: 'p-audit-a', modelId: 'audit-model' }, system.token(Role.ComplianceOfficer, { sub: 'officer-olga' }))).status).toBe(201);
    expect((await apply('p-audit-b')).status).toBe(201);
  });
  afterAll(() => system.close());

  it('records an actor id and a known role in the metadata of every event, whoever caused it', async () => {
    const { rows } = await system.db.pool.query<{ actor_id: string | null; actor_role: string | null; n: number }>(
      "SELECT metadata->>'actorId' AS actor_id, metadata->>'actorRole' AS actor_role, count(*)::int AS n FROM events GROUP BY 1, 2",
    );
    expect(rows.reduce((sum, r) => sum + r.n, 0)).toBeGreaterThan(5);
    for (const row of rows) {
      expect(row.actor_id).toMatch(/\S/);
      expect(ALL_ROLES).toContain(row.actor_role);
    }
    const byActor = Object.fromEntries(rows.map((r) => [r.actor_id, r.actor_role]));
    expect(byActor).toMatchObject({ 'admin-ann': 'admin', 'reviewer-rita': 'reviewer', 'officer-olga': 'compliance_officer', 'owner@p-audit-a': 'partner_admin' });
  });

  it('answers what one actor did, newest first, with role, time, target and data', async () => {
    const answer = await audit('?actorId=reviewer-rita');
    expect(answer.status).toBe(200);
    expect(answer.body.events).toHaveLength(1);
    expect(answer.body.events[0]).toMatchObject({
      type: 'ApplicationApproved', actorId: 'reviewer-rita', actorRole: 'reviewer', partnerId: 'p-audit-a', streamId: 'partner-p-audit-a',
      data: { partnerId: 'p-audit-a', reason: 'all checks passed' }, occurredAt: expect.any(String), position: expect.stringMatching(/^\d+$/),
    });
    expect(answer.body).toMatchObject({ limit: 50, offset: 0, hasMore: false });
  });

  it('answers everything done to one partner, and only to it', async () => {
    const a = await audit('?partnerId=p-audit-a');
    const b = await audit('?partnerId=p-audit-b');
    expect(a.body.events.map((e: any) => e.partnerId)).toEqual(a.body.events.map(() => 'p-audit-a'));
    expect(a.body.events.map((e: any) => e.type)).toEqual(expect.arrayContaining(['ApplicationSubmitted', 'ApplicationApproved', 'LicenseGranted']));
    expect(a.body.events.map((e: any) => e.actorId)).toEqual(expect.arrayContaining(['owner@p-audit-a', 'reviewer-rita', 'officer-olga']));
    // The worker may already be screening p-audit-b: its events are about p-audit-b too.
    expect(b.body.events.map((e: any) => e.partnerId)).toEqual(b.body.events.map(() => 'p-audit-b'));
    expect(b.body.events.filter((e: any) => e.actorId === 'owner@p-audit-b').map((e: any) => e.type)).toEqual(['ApplicationSubmitted']);
    expect(b.body.events.map((e: any) => e.type)).not.toContain('ApplicationApproved');
    const times = a.body.events.map((e: any) => e.occurredAt);
    expect([...times].sort().reverse()).toEqual(times);
  });

  it('filters by event type and by time (from inclusive, to exclusive), combined with other filters', async () => {
    const submitted = await audit('?type=ApplicationSubmitted');
    expect(submitted.body.events.map((e: any) => e.partnerId).sort()).toEqual(['p-audit-a', 'p-audit-b']);
    const late = await audit(`?partnerId=p-audit-a&from=${between}`);
    expect(late.body.events.map((e: any) => e.type).sort()).toEqual(['ApplicationApproved', 'LicenseGranted']);
    const early = await audit(`?partnerId=p-audit-a&from=${before}&to=${between}`);
    expect(early.body.events.map((e: any) => e.type)).toContain('ApplicationSubmitted');
    expect(early.body.events.map((e: any) => e.type)).not.toContain('ApplicationApproved');
    expect((await audit(`?actorId=admin-ann&type=ModelRegistered&to=${before}`)).body.events).toEqual([]);
  });

  it('pages through the trail without gaps or repeats', async () => {
    const all = (await audit('?limit=200')).body.events.map((e: any) => e.position);
    expect(all.length).toBeGreaterThan(4);
    const pages: string[] = [];
    for (let offset = 0; ; offset += 3) {
      const page = await audit(`?limit=3&offset=${offset}`);
      pages.push(...page.body.events.map((e: any) => e.position));
      if (!page.body.hasMore) break;
    }
    expect(pages).toEqual(all);
  });

  it('is open to auditors, compliance officers and admins only', async () => {
    for (const role of [Role.Auditor, Role.ComplianceOfficer, Role.Admin]) expect((await audit('', system.token(role))).status).toBe(200);
    for (const role of [Role.Reviewer, Role.Service]) expect((await audit('', system.token(role))).status).toBe(403);
    expect((await audit('', system.token(Role.PartnerAdmin, { partnerId: 'p-audit-a' }))).status).toBe(403);
    expect((await system.adminApi.get('/v1/audit')).status).toBe(401);
  });

  it.each([
    ['from not a time', '?from=yesterday', 'from'],
    ['to an impossible date', '?to=2026-02-30T00:00:00Z', 'to'],
    ['to before from', '?from=2026-06-13T00:00:00Z&to=2026-06-12T00:00:00Z', 'to'],
    ['partnerId with a space', '?partnerId=p%20x', 'partnerId'],
    ['type not an event type', '?type=drop%20table', 'type'],
    ['streamId not a stream', '?streamId=..%2Fetc', 'streamId'],
    ['actorId too long', `?actorId=${'a'.repeat(201)}`, 'actorId'],
    ['limit zero', '?limit=0', 'limit'],
    ['limit over 200', '?limit=201', 'limit'],
    ['offset negative', '?offset=-1', 'offset'],
    ['an unknown filter', '?actorRole=admin', 'actorRole'],
  ])('answers 400 naming the field for %s', async (_, query, field) => {
    const answer = await audit(query);
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('VALIDATION_FAILED');
    expect(answer.body.fields.map((f: { field: string }) => f.field)).toContain(field);
  });

  it.each([
    ['an actor', { actorId: 'reviewer-rita' }, 'events_actor_id_occurred_at_idx'],
    ['a partner', { partnerId: 'p-audit-a' }, 'events_partner_id_occurred_at_idx'],
    ['a time range', { from: new Date('2026-06-12T00:00:00Z'), to: new Date('2026-06-13T00:00:00Z') }, 'events_occurred_at_idx'],
    ['no filter (newest first)', {}, 'events_occurred_at_idx'],
  ])('reads the trail of %s through an index, not a scan of the log', async (_, filter, index) => {
    const { text, values } = auditTrailQuery(filter, { limit: 51, offset: 0 });
    const client = await system.db.pool.connect();
    try {
      await client.query('BEGIN');
      // The test log is tiny, where a scan is cheapest; forbidding scans shows the index fits the query.
      await client.query('SET LOCAL enable_seqscan = off');
      const { rows } = await client.query(`EXPLAIN ${text}`, values);
      const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
      expect(plan).toContain(index);
      expect(plan).not.toMatch(/Seq Scan on events/);
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });
});
