import { Role } from '@app/auth';
import { eventually, startTestSystem, TestSystem } from '../support/test-system';
import { applicationBody } from '../support/application';

const application = applicationBody();

const model = (modelId: string) => ({
  modelId,
  provider: 'Frontier Labs',
  name: modelId,
  version: '2026-06-09',
  family: modelId.replace(/-\d+$/, ''),
  classification: '4E091',
  openWeights: false,
});

describe('walking skeleton: from application to an allowed check, across all four apps', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem();
  });
  afterAll(() => system.close());

  it('lets an approved, screened, licensed partner use mythos-5 and nobody else anything', async () => {
    const { adminApi, partnerApi, entitlements } = system;
    const admin = system.token(Role.Admin, { sub: 'alice-admin' });
    const reviewer = system.token(Role.Reviewer, { sub: 'rob-reviewer' });
    const officer = system.token(Role.ComplianceOfficer, { sub: 'cora-compliance' });
    const secondOfficer = system.token(Role.ComplianceOfficer, { sub: 'colin-compliance' });
    const partnerAdmin = system.token(Role.PartnerAdmin, { sub: 'pat@acme', partnerId: 'p-acme' });
    const service = system.token(Role.Service, { sub: 'gateway' });

    expect((await adminApi.post('/v1/models', model('mythos-5'), admin)).status).toBe(201);
    expect((await adminApi.post('/v1/models', model('fable-5'), admin)).status).toBe(201);
    expect((await system.importLists(['csl'])).status).toBe(200);

    const submitted = await partnerApi.post('/v1/application', application, partnerAdmin);
    expect(submitted.status).toBe(201);
    expect(submitted.body).toMatchObject({ partnerId: 'p-acme', status: 'submitted' });
    const kyb = await partnerApi.post('/v1/kyc/organisation', {}, partnerAdmin);
    expect(kyb.status).toBe(201);
    expect(kyb.body.status).toBe('verified');

    const queue = await eventually(async () => {
      const answer = await adminApi.get('/v1/applications?status=submitted', reviewer);
      return answer.body.applications?.length === 1 && answer.body;
    });
    expect(queue.applications[0]).toMatchObject({ partnerId: 'p-acme', legalName: 'Acme Robotics Inc.' });
    // The worker screened the organisation and its owner: both clear. The approval reads the KYB from its read model too.
    await eventually(async () => {
      const answer = await adminApi.get('/v1/screenings?partnerId=p-acme&status=clear', reviewer);
      const kyb = await adminApi.get('/v1/kyc-cases?partnerId=p-acme&status=verified', reviewer);
      return answer.body.total === 2 && kyb.body.total === 1;
    });

    const approved = await adminApi.post('/v1/applications/p-acme/approve', { reason: 'KYB documents verified' }, reviewer);
    expect(approved.status).toBe(200);

    const issued = await partnerApi.post('/v1/credentials', { label: 'prod gateway' }, partnerAdmin);
    expect(issued.status).toBe(201);
    const credential: string = issued.body.credential;
    expect(credential).toMatch(/^mk_live_[A-Za-z0-9]{32}$/);

    // Before the grant: the partner is approved but holds no license.
    const beforeGrant = await entitlements.post('/v1/check', { credential, model: 'mythos-5', minPosition: issued.body.position }, service);
    expect(beforeGrant.body).toMatchObject({ allow: false, reasons: ['NO_LICENSE'], partnerId: 'p-acme' });

    // mythos-5 is controlled (4E091): one officer proposes, another approves.
    const proposed = await adminApi.post('/v1/licenses', { partnerId: 'p-acme', modelId: 'mythos-5' }, officer);
    expect(proposed.status).toBe(201);
    expect(proposed.body.status).toBe('pending_approval');
    const stillDenied = await entitlements.post('/v1/check', { credential, model: 'mythos-5', minPosition: proposed.body.position }, service);
    expect(stillDenied.body.reasons).toEqual(['NO_LICENSE']);
    const sameOfficer = await adminApi.post(`/v1/licenses/${proposed.body.licenseId}/approve`, {}, officer);
    expect(sameOfficer.status).toBe(403);
    expect(sameOfficer.body.code).toBe('LICENSE.SAME_APPROVER');
    const granted = await adminApi.post(`/v1/licenses/${proposed.body.licenseId}/approve`, {}, secondOfficer);
    expect(granted.status).toBe(200);

    // Read-your-writes: the grant's position as minPosition makes the very next check see it.
    const allowed = await entitlements.post('/v1/check', { credential, model: 'mythos-5', userId: 'u-1', minPosition: granted.body.position }, service);
    expect(allowed.status).toBe(200);
    expect(allowed.body).toMatchObject({ allow: true, reasons: [], partnerId: 'p-acme', licenseId: proposed.body.licenseId, model: 'mythos-5' });
    expect(Number(allowed.body.position)).toBeGreaterThanOrEqual(Number(granted.body.position));
    expect(allowed.body.decisionId).toMatch(/^d-/);

    const fable = await entitlements.post('/v1/check', { credential, model: 'fable-5' }, service);
    expect(fable.body).toMatchObject({ allow: false, reasons: ['NO_LICENSE'] });

    const stranger = await entitlements.post('/v1/check', { credential: 'mk_live_unknownunknownunknownunknown12', model: 'mythos-5' }, service);
    expect(stranger.body).toMatchObject({ allow: false, reasons: ['UNKNOWN_CREDENTIAL'], partnerId: null });

    // The credential was stored only as a hash: the secret is nowhere in the event store.
    const { rows } = await system.db.pool.query('SELECT count(*)::int AS n FROM events WHERE data::text LIKE $1', [`%${credential}%`]);
    expect(rows[0].n).toBe(0);

    // The same check through the nginx auth_request endpoint.
    const authz = await entitlements.get('/v1/authz', undefined, { authorization: `Bearer ${credential}`, 'x-model': 'mythos-5' });
    expect(authz.status).toBe(204);
    expect(authz.headers.get('x-partner-id')).toBe('p-acme');
    expect(authz.headers.get('x-license-id')).toBe(proposed.body.licenseId);
    const authzDenied = await entitlements.get('/v1/authz', undefined, { authorization: `Bearer ${credential}`, 'x-model': 'fable-5' });
    expect(authzDenied.status).toBe(403);
    expect(authzDenied.headers.get('x-entitlement-reasons')).toBe('NO_LICENSE');
    expect((await entitlements.get('/v1/authz', undefined, { 'x-model': 'mythos-5' })).status).toBe(401);

    // The partner sees its license in its own read model.
    const licenses = await eventually(async () => {
      const answer = await partnerApi.get('/v1/licenses', partnerAdmin);
      return answer.body.licenses?.[0]?.status === 'active' && answer.body.licenses;
    });
    expect(licenses[0]).toMatchObject({ modelId: 'mythos-5', status: 'active' });
  });
});
