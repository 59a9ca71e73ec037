import { Client } from 'pg';
import { Role } from '@app/auth';
import { TEST_ADMIN_URL } from '@app/testing';
import { IndexService } from '../../apps/entitlements/src/index/index.service';
import { eventually, startTestSystem, TestSystem } from '../support/test-system';

/** The hot path's promises: read-your-writes by position, fail closed when stale, recover alone. */
describe('entitlements: freshness and failure', () => {
  let system: TestSystem;
  let credential: string;
  let licenseId: string;
  let service: string;
  let officer: string;

  beforeAll(async () => {
    system = await startTestSystem({ env: { ENTITLEMENTS_STALENESS_BOUND_MS: '600', EVENT_STORE_POLL_INTERVAL_MS: '100' } });
    const admin = system.token(Role.Admin);
    const reviewer = system.token(Role.Reviewer);
    officer = system.token(Role.ComplianceOfficer, { sub: 'officer-1' });
    service = system.token(Role.Service);
    const partner = system.token(Role.PartnerAdmin, { partnerId: 'p-fresh' });
    await system.adminApi.post('/v1/models', { modelId: 'open-1', provider: 'P', name: 'Open 1', version: '1', family: 'open', classification: 'EAR99', openWeights: true }, admin);
    await system.partnerApi.post('/v1/application', {
      legalName: 'Fresh Foods Ltd', registrationNumber: 'F-1', countryOfIncorporation: 'GB', addresses: [], beneficialOwners: [],
      intendedUse: 'menus', requestedModels: ['open-1'],
    }, partner);
    await system.prepareForApproval('p-fresh');
    expect((await system.adminApi.post('/v1/applications/p-fresh/approve', { reason: 'ok' }, reviewer)).status).toBe(200);
    const granted = await system.adminApi.post('/v1/licenses', { partnerId: 'p-fresh', modelId: 'open-1' }, officer);
    expect(granted.body.status).toBe('active');
    licenseId = granted.body.licenseId;
    const issued = await system.partnerApi.post('/v1/credentials', {}, partner);
    credential = issued.body.credential;
    // The index tails the store (every 100 ms here): the tests start once it holds the credential.
    const ready = await system.entitlements.post('/v1/check', { credential, model: 'open-1', minPosition: issued.body.position }, service);
    expect(ready.body).toMatchObject({ allow: true, licenseId });
  });
  afterAll(() => system.close());

  const check = (minPosition?: string) => system.entitlements.post('/v1/check', { credential, model: 'open-1', minPosition }, service);

  it('the check right after a revocation, carrying its position, already denies', async () => {
    expect((await check()).body).toMatchObject({ allow: true, licenseId });
    const revoked = await system.adminApi.post(`/v1/licenses/${licenseId}/revoke`, { reason: 'contract ended' }, officer);
    expect(revoked.status).toBe(200);
    const next = await check(revoked.body.position);
    expect(next.body).toMatchObject({ allow: false, reasons: ['LICENSE_REVOKED'] });
    expect(Number(next.body.position)).toBeGreaterThanOrEqual(Number(revoked.body.position));
    // A position nobody has reached yet: the check waits its bound, then fails closed.
    const future = await check(String(Number(revoked.body.position) + 1000));
    expect(future.body).toMatchObject({ allow: false, reasons: ['STALE_STATE'] });
    // Reinstating needs a new grant; the partner is allowed again at that position.
    const regrant = await system.adminApi.post('/v1/licenses', { partnerId: 'p-fresh', modelId: 'open-1' }, officer);
    licenseId = regrant.body.licenseId;
    expect((await check(regrant.body.position)).body).toMatchObject({ allow: true, licenseId });
  });

  it('denies STALE_STATE once the store is unreachable past the bound, and recovers by itself', async () => {
    const index = system.apps[2].get(IndexService);
    const admin = new Client({ connectionString: TEST_ADMIN_URL });
    await admin.connect();
    const cut = async () => {
      await admin.query(`ALTER DATABASE "${system.db.name}" ALLOW_CONNECTIONS false`);
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [system.db.name]);
    };
    try {
      expect((await check()).body.allow).toBe(true);
      await cut();
      // No read of the store succeeds after the cut: this is the index's last contact with it.
      const lastRead = index.lastReadAt!;
      const stale = await eventually(async () => {
        const answer = await check();
        return answer.body.reasons?.includes('STALE_STATE') && answer;
      }, 10_000);
      // Not before the bound (600 ms) from that contact, and every check meanwhile is a 200 decision, never a 500.
      expect(Date.now() - lastRead).toBeGreaterThan(600);
      expect(stale.status).toBe(200);
      expect((await system.entitlements.get('/health/ready')).status).toBe(503);
    } finally {
      await admin.query(`ALTER DATABASE "${system.db.name}" ALLOW_CONNECTIONS true`);
      await admin.end();
    }
    await eventually(async () => (await check()).body.allow === true, 15_000);
    expect((await system.entitlements.get('/health/ready')).status).toBe(200);
  }, 40_000);
});
