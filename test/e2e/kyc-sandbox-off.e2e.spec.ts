import { Role } from '@app/auth';
import { startTestSystem, TestSystem } from '../support/test-system';

/** The sandbox provider verifies whatever a partner declares: where it is off, nobody can use it. */
describe('KYC without the sandbox provider (production default)', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({ env: { KYC_SANDBOX: 'off' } });
  });
  afterAll(() => system.close());

  it('refuses to start KYC with it: 400 naming the provider, and nothing recorded', async () => {
    const partner = system.token(Role.PartnerAdmin, { partnerId: 'p-nosandbox' });
    const submitted = await system.partnerApi.post('/v1/application', {
      legalName: 'No Sandbox Ltd', registrationNumber: 'NS-1', countryOfIncorporation: 'GB', addresses: [], beneficialOwners: [], intendedUse: 'x', requestedModels: ['m-1'],
    }, partner);
    expect(submitted.status).toBe(201);
    for (const body of [{}, { provider: 'sandbox' }]) {
      const started = await system.partnerApi.post('/v1/kyc/organisation', body, partner);
      expect(started.status).toBe(400);
      expect(started.body).toMatchObject({ code: 'KYC.UNKNOWN_PROVIDER', fields: [{ field: 'provider' }] });
    }
    const { rows } = await system.db.pool.query("SELECT count(*)::int AS n FROM events WHERE type LIKE 'Kyc%'");
    expect(rows[0].n).toBe(0);
  });
});
