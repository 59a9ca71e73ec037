import { Role } from '@app/auth';
import { startTestSystem, TestSystem } from '../support/test-system';

describe('Idempotency-Key and optimistic concurrency over HTTP', () => {
  let system: TestSystem;
  let admin: string;
  let reviewer: string;
  let officer: string;
  beforeAll(async () => {
    system = await startTestSystem();
    admin = system.token(Role.Admin);
    reviewer = system.token(Role.Reviewer);
    officer = system.token(Role.ComplianceOfficer);
  });
  afterAll(() => system.close());

  const countEvents = async (streamPrefix: string) =>
    (await system.db.pool.query('SELECT count(*)::int AS n FROM events WHERE stream_id LIKE $1', [`${streamPrefix}%`])).rows[0].n;

  it('a retried command with the same key takes effect once and answers the original position', async () => {
    const body = { modelId: 'idem-1', provider: 'P', name: 'N', version: '1', family: 'idem', classification: 'EAR99', openWeights: true };
    const headers = { 'idempotency-key': 'register-idem-1' };
    const first = await system.adminApi.post('/v1/models', body, admin, headers);
    const retry = await system.adminApi.post('/v1/models', body, admin, headers);
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.body.position).toBe(first.body.position);
    expect(await countEvents('model-idem-1')).toBe(1);
    // Without the key, the same command is a new attempt and the domain refuses it.
    const again = await system.adminApi.post('/v1/models', body, admin);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'MODEL.ALREADY_REGISTERED', currentStatus: 'available' });
  });

  it('a retried grant lands on the same license, concurrently too', async () => {
    await system.adminApi.post('/v1/models', { modelId: 'm-grant', provider: 'P', name: 'N', version: '1', family: 'mg', classification: '4E091', openWeights: false }, admin);
    const partner = system.token(Role.PartnerAdmin, { partnerId: 'p-idem' });
    await system.partnerApi.post('/v1/application', {
      legalName: 'Idem Co', registrationNumber: 'R-1', countryOfIncorporation: 'US', addresses: [], beneficialOwners: [],
      intendedUse: 'testing', requestedModels: ['m-grant'],
    }, partner);
    await system.prepareForApproval('p-idem');
    expect((await system.adminApi.post('/v1/applications/p-idem/approve', { reason: 'ok' }, reviewer)).status).toBe(200);
    const headers = { 'idempotency-key': 'grant-p-idem-m-grant' };
    const answers = await Promise.all([1, 2, 3].map(() => system.adminApi.post('/v1/licenses', { partnerId: 'p-idem', modelId: 'm-grant' }, officer, headers)));
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201]);
    expect(new Set(answers.map((a) => a.body.licenseId)).size).toBe(1);
    expect(new Set(answers.map((a) => a.body.position)).size).toBe(1);
    expect(answers[0].body.status).toBe('pending_approval');
    expect(await countEvents('license-')).toBe(1);
  });

  it('rejects a malformed Idempotency-Key with a 400 naming the header', async () => {
    const answer = await system.adminApi.post('/v1/applications/p-x/approve', { reason: 'x' }, reviewer, { 'idempotency-key': 'x'.repeat(300) });
    expect(answer.status).toBe(400);
    expect(answer.body.fields[0].field).toBe('Idempotency-Key');
  });

  it('two reviewers deciding the same application at once: one wins, the other gets 409, never a 500', async () => {
    const partner = system.token(Role.PartnerAdmin, { partnerId: 'p-race' });
    await system.partnerApi.post('/v1/application', {
      legalName: 'Race Co', registrationNumber: 'R-2', countryOfIncorporation: 'US', addresses: [], beneficialOwners: [],
      intendedUse: 'testing', requestedModels: ['m-grant'],
    }, partner);
    await system.prepareForApproval('p-race');
    const answers = await Promise.all([
      system.adminApi.post('/v1/applications/p-race/approve', { reason: 'a' }, system.token(Role.Reviewer, { sub: 'r-1' })),
      system.adminApi.post('/v1/applications/p-race/reject', { reason: 'b' }, system.token(Role.Reviewer, { sub: 'r-2' })),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    const loser = answers.find((a) => a.status === 409)!;
    expect(['EVENT_STORE.WRONG_EXPECTED_VERSION', 'PARTNER.INVALID_TRANSITION']).toContain(loser.body.code);
    expect(await countEvents('partner-p-race')).toBe(2);
  });
});
