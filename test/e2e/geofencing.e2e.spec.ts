import http from 'node:http';
import { Role } from '@app/auth';
import { eventually, startTestSystem, TestSystem } from '../support/test-system';

/** The client address decides country and anonymizer signals; forwarding headers only from trusted proxies. */
describe('geofencing at the check and at /v1/authz', () => {
  let system: TestSystem;
  let credential: string;
  let service: string;

  beforeAll(async () => {
    // 127.0.0.1 plays the trusted proxy; requests sent from 127.0.0.2 play a client that forges headers.
    system = await startTestSystem({ env: { ENTITLEMENTS_TRUSTED_PROXIES: '127.0.0.1' } });
    service = system.token(Role.Service);
    const partner = system.token(Role.PartnerAdmin, { partnerId: 'p-geo' });
    await system.adminApi.post('/v1/models', { modelId: 'geo-1', provider: 'P', name: 'Geo 1', version: '1', family: 'geo', classification: 'EAR99', openWeights: true }, system.token(Role.Admin));
    await system.partnerApi.post('/v1/application', {
      legalName: 'Geo Partner Ltd', registrationNumber: 'G-1', countryOfIncorporation: 'GB', addresses: [], beneficialOwners: [],
      intendedUse: 'maps', requestedModels: ['geo-1'],
    }, partner);
    await system.prepareForApproval('p-geo');
    await system.adminApi.post('/v1/applications/p-geo/approve', { reason: 'ok' }, system.token(Role.Reviewer));
    await system.adminApi.post('/v1/licenses', { partnerId: 'p-geo', modelId: 'geo-1', allowedDestinations: ['GB', 'US'] }, system.token(Role.ComplianceOfficer));
    credential = (await system.partnerApi.post('/v1/credentials', {}, partner)).body.credential;
    await eventually(async () => (await system.entitlements.get('/health/ready')).status === 200, 20_000);
  }, 60_000);
  afterAll(() => system.close());

  const check = async (clientIp?: string) => (await system.entitlements.post('/v1/check', { credential, model: 'geo-1', clientIp }, service)).body;

  it('resolves the country from the offline data and applies license destinations, embargoes and anonymizers', async () => {
    expect(await check('81.2.69.142')).toMatchObject({ allow: true }); // GB
    expect((await check('5.160.0.1')).reasons).toEqual(expect.arrayContaining(['GEO_EMBARGOED'])); // IR
    expect((await check('2.26.157.1')).reasons).toEqual(expect.arrayContaining(['ANONYMIZER_DETECTED'])); // a VPN network
    expect((await check()).reasons).toEqual(['GEO_UNKNOWN']); // the license needs a country
    expect((await check('10.1.2.3')).reasons).toEqual(['GEO_UNKNOWN']); // private: no country
  });

  it('records the country and the data versions on each decision', async () => {
    const auditor = system.token(Role.Auditor);
    const logged = await eventually(async () => {
      const body = (await system.adminApi.get('/v1/decisions?partnerId=p-geo&reason=GEO_EMBARGOED', auditor)).body;
      return body.total >= 1 && body.decisions[0];
    });
    expect(logged).toMatchObject({ country: 'IR', clientIp: '5.160.0.1', allow: false });
    expect(logged.dataVersions.geo.country).toMatch(/geo-whois-asn-country@/);
    expect(logged.dataVersions.geo.vpn).toMatch(/vpn-ipv4\.txt/);
  });

  /** GET /v1/authz from a chosen local source address (the immediate peer the app sees). */
  const authzFrom = (localAddress: string, headers: Record<string, string>) =>
    new Promise<{ status: number; reasons: string | undefined }>((resolve, reject) => {
      const url = new URL('/v1/authz', system.entitlements.baseUrl);
      const request = http.get({ host: url.hostname, port: url.port, path: url.pathname, localAddress, headers: { authorization: `Bearer ${credential}`, 'x-model': 'geo-1', ...headers } }, (response) => {
        response.resume();
        response.on('end', () => resolve({ status: response.statusCode!, reasons: response.headers['x-entitlement-reasons'] as string | undefined }));
      });
      request.on('error', reject);
    });

  it('/v1/authz believes X-Forwarded-For and X-Real-IP from a trusted proxy', async () => {
    expect((await authzFrom('127.0.0.1', { 'x-forwarded-for': '81.2.69.142' })).status).toBe(204);
    expect(await authzFrom('127.0.0.1', { 'x-forwarded-for': '198.51.100.1, 5.160.0.1' })).toMatchObject({ status: 403, reasons: expect.stringContaining('GEO_EMBARGOED') });
    expect((await authzFrom('127.0.0.1', { 'x-real-ip': '81.2.69.142' })).status).toBe(204);
  });

  it('/v1/authz ignores a spoofed X-Forwarded-For from a peer that is not a trusted proxy', async () => {
    // The real peer (127.0.0.2) is private: no country, so the license's destination rule fails closed.
    expect(await authzFrom('127.0.0.2', { 'x-forwarded-for': '81.2.69.142' })).toEqual({ status: 403, reasons: 'GEO_UNKNOWN' });
    expect(await authzFrom('127.0.0.2', { 'x-real-ip': '81.2.69.142' })).toEqual({ status: 403, reasons: 'GEO_UNKNOWN' });
  });
});
