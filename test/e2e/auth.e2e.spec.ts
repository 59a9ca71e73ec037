import { createHmac, generateKeyPairSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { ALL_ROLES, Role, signToken } from '@app/auth';
import { Api, HttpAnswer, startTestSystem, TestSystem } from '../support/test-system';

/**
 * Authentication (401) and authorisation (403) through the real apps: every route is closed
 * unless it says otherwise, tokens are checked for signature, algorithm, expiry, issuer, audience
 * and claims, and nothing here ever answers 5xx.
 */

type AppName = 'partnerApi' | 'adminApi' | 'entitlements' | 'worker';

interface Endpoint {
  app: AppName;
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  roles: Role[];
}

// Every authenticated route and the roles allowed on it (the controllers' @Roles). POST bodies are
// empty, so an allowed caller gets a validation 400 (or a 404) and nothing is written.
const ENDPOINTS: Endpoint[] = [
  { app: 'adminApi', method: 'POST', path: '/v1/models', roles: [Role.Admin] },
  { app: 'adminApi', method: 'GET', path: '/v1/models', roles: [Role.Admin, Role.Reviewer, Role.ComplianceOfficer, Role.Auditor] },
  { app: 'adminApi', method: 'GET', path: '/v1/applications', roles: [Role.Reviewer, Role.ComplianceOfficer, Role.Auditor, Role.Admin] },
  { app: 'adminApi', method: 'POST', path: '/v1/applications/p-nobody/approve', roles: [Role.Reviewer] },
  { app: 'adminApi', method: 'POST', path: '/v1/applications/p-nobody/reject', roles: [Role.Reviewer] },
  { app: 'adminApi', method: 'POST', path: '/v1/licenses', roles: [Role.ComplianceOfficer] },
  { app: 'adminApi', method: 'POST', path: '/v1/licenses/lic-nobody/revoke', roles: [Role.ComplianceOfficer] },
  { app: 'adminApi', method: 'GET', path: '/v1/licenses', roles: [Role.ComplianceOfficer, Role.Reviewer, Role.Auditor, Role.Admin] },
  { app: 'adminApi', method: 'GET', path: '/v1/partners/p-nobody/timeline', roles: [Role.Reviewer, Role.ComplianceOfficer, Role.Auditor, Role.Admin] },
  { app: 'partnerApi', method: 'POST', path: '/v1/application', roles: [Role.PartnerAdmin] },
  { app: 'partnerApi', method: 'GET', path: '/v1/application', roles: [Role.PartnerAdmin, Role.PartnerMember] },
  { app: 'partnerApi', method: 'POST', path: '/v1/credentials', roles: [Role.PartnerAdmin] },
  { app: 'partnerApi', method: 'GET', path: '/v1/credentials', roles: [Role.PartnerAdmin, Role.PartnerMember] },
  { app: 'partnerApi', method: 'DELETE', path: '/v1/credentials/cred-nobody', roles: [Role.PartnerAdmin] },
  { app: 'partnerApi', method: 'GET', path: '/v1/licenses', roles: [Role.PartnerAdmin, Role.PartnerMember] },
  { app: 'entitlements', method: 'POST', path: '/v1/check', roles: [Role.Service] },
  { app: 'entitlements', method: 'POST', path: '/v1/check/batch', roles: [Role.Service] },
];

const PUBLIC_ENDPOINTS: Array<{ app: AppName; path: string }> = [
  { app: 'partnerApi', path: '/health/live' },
  { app: 'adminApi', path: '/health/live' },
  { app: 'entitlements', path: '/health/live' },
  { app: 'worker', path: '/health/live' },
  { app: 'worker', path: '/health/ready' },
];

/** Every answer this file receives, to prove at the end that none was a 5xx. */
const answers: Array<{ where: string; status: number }> = [];

async function call(api: Api, endpoint: Pick<Endpoint, 'method' | 'path'>, headers: Record<string, string> = {}): Promise<HttpAnswer> {
  const answer = await api.request(endpoint.method, endpoint.path, {
    headers,
    body: endpoint.method === 'GET' ? undefined : {},
  });
  answers.push({ where: `${endpoint.method} ${endpoint.path}`, status: answer.status });
  return answer;
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const label = (e: Endpoint) => `${e.app} ${e.method} ${e.path}`;

/** The claims a role needs to pass authentication (partner roles carry a partnerId). */
const claimsFor = (role: Role) => ({ sub: `${role}-1`, role, partnerId: role === Role.PartnerAdmin || role === Role.PartnerMember ? 'p-auth' : undefined });

/** Signs arbitrary claims with HS256 and the system's secret, bypassing signToken's shape. */
function rawHs256(system: TestSystem, payload: Record<string, unknown>, options: jwt.SignOptions = {}): string {
  return jwt.sign(payload, system.config.jwt.secret!, {
    algorithm: 'HS256',
    issuer: system.config.jwt.issuer,
    audience: system.config.jwt.audience,
    expiresIn: 600,
    ...options,
  });
}

const base64url = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** A JWT assembled by hand: header and payload as given, HMAC-SHA256 over them with `key`. */
function handMadeHs256(header: Record<string, unknown>, payload: Record<string, unknown>, key: string | Buffer): string {
  const unsigned = `${base64url(header)}.${base64url(payload)}`;
  return `${unsigned}.${createHmac('sha256', key).update(unsigned).digest('base64url')}`;
}

function expectUnauthorized(answer: HttpAnswer, where: string): void {
  expect({ where, status: answer.status }).toEqual({ where, status: 401 });
  expect(answer.body).toMatchObject({ statusCode: 401 });
  expect(JSON.stringify(answer.body)).not.toMatch(/at .*\.(ts|js):\d+/); // no stack traces
}

describe('authentication and roles, HS256 (the test default)', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem();
  });
  afterAll(() => system.close());

  const api = (app: AppName) => system[app];

  it('answers 401 on every authenticated route without a token', async () => {
    for (const endpoint of ENDPOINTS) expectUnauthorized(await call(api(endpoint.app), endpoint), label(endpoint));
  });

  it('leaves health public', async () => {
    for (const { app, path } of PUBLIC_ENDPOINTS) {
      const answer = await call(api(app), { method: 'GET', path });
      expect({ app, path, status: answer.status }).toEqual({ app, path, status: 200 });
    }
  });

  it('answers 401 to a token signed with another secret', async () => {
    const forged = signToken(claimsFor(Role.Admin), {
      algorithm: 'HS256',
      key: 'another-secret-that-is-also-long-enough-0123456789',
      issuer: system.config.jwt.issuer,
      audience: system.config.jwt.audience,
    });
    for (const endpoint of ENDPOINTS) {
      const role = endpoint.roles[0];
      const token = signToken(claimsFor(role), { algorithm: 'HS256', key: 'another-secret-that-is-also-long-enough-0123456789', issuer: system.config.jwt.issuer, audience: system.config.jwt.audience });
      expectUnauthorized(await call(api(endpoint.app), endpoint, bearer(token)), label(endpoint));
    }
    expectUnauthorized(await call(system.adminApi, { method: 'POST', path: '/v1/models' }, bearer(forged)), 'forged admin');
  });

  it('answers 401 to an expired token, and accepts the same token unexpired', async () => {
    const endpoint = { method: 'GET' as const, path: '/v1/models' };
    const expired = signToken(claimsFor(Role.Admin), { algorithm: 'HS256', key: system.config.jwt.secret!, issuer: system.config.jwt.issuer, audience: system.config.jwt.audience, expiresInSeconds: -60 });
    expect((jwt.decode(expired) as { exp: number }).exp).toBeLessThan(Date.now() / 1000);
    expectUnauthorized(await call(system.adminApi, endpoint, bearer(expired)), 'expired admin token');
    const fresh = system.token(Role.Admin);
    expect((await call(system.adminApi, endpoint, bearer(fresh))).status).toBe(200);
  });

  it('answers 401 to a token that is not yet valid (nbf in the future)', async () => {
    const early = rawHs256(system, { role: Role.Admin, sub: 'admin-1' }, { notBefore: 3600 });
    expectUnauthorized(await call(system.adminApi, { method: 'GET', path: '/v1/models' }, bearer(early)), 'nbf in the future');
  });

  it('answers 401 to garbage and to malformed Authorization headers', async () => {
    const valid = system.token(Role.Admin);
    const headers: Array<[string, Record<string, string>]> = [
      ['Bearer xyz', { authorization: 'Bearer xyz' }],
      ['Bearer (empty)', { authorization: 'Bearer ' }],
      ['Bearer a.b.c', { authorization: 'Bearer a.b.c' }],
      ['Bearer with three dots of base64 junk', { authorization: `Bearer ${base64url('{')}.${base64url('}')}.${base64url('x')}` }],
      ['Basic scheme', { authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}` }],
      ['token without a scheme', { authorization: valid }],
      ['scheme typo', { authorization: `Bearerr ${valid}` }],
      ['signature stripped', { authorization: `Bearer ${valid.split('.').slice(0, 2).join('.')}.` }],
      ['payload tampered', { authorization: `Bearer ${valid.split('.')[0]}.${base64url({ ...(jwt.decode(valid) as object), role: Role.Admin, sub: 'mallory' })}.${valid.split('.')[2]}` }],
      ['an API credential instead of a token', { authorization: 'Bearer mk_live_abcdefghijklmnopqrstuvwxyz012345' }],
      ['non-ASCII junk', { authorization: 'Bearer \u00e9\u00e8\u00ea' }],
    ];
    for (const [what, header] of headers) {
      for (const endpoint of [ENDPOINTS[0], ENDPOINTS[9], ENDPOINTS[15]]) {
        let answer: HttpAnswer;
        try {
          answer = await call(api(endpoint.app), endpoint, header);
        } catch (error) {
          // fetch refuses some header values client-side (non-ByteString): nothing reached the app.
          expect(what).toBe('non-ASCII junk');
          continue;
        }
        expectUnauthorized(answer, `${what} on ${label(endpoint)}`);
      }
    }
  });

  it('answers 401 to a token passed anywhere but the Authorization header', async () => {
    const token = system.token(Role.Admin);
    const inQuery = await system.adminApi.request('GET', `/v1/models?access_token=${token}`);
    const inCookie = await system.adminApi.request('GET', '/v1/models', { headers: { cookie: `access_token=${token}` } });
    const inOtherHeader = await system.adminApi.request('GET', '/v1/models', { headers: { 'x-access-token': token } });
    for (const [what, answer] of [['query', inQuery], ['cookie', inCookie], ['x-access-token', inOtherHeader]] as const) {
      answers.push({ where: what, status: answer.status });
      expectUnauthorized(answer, what);
    }
  });

  it('answers 401 to a token for another issuer or audience', async () => {
    const endpoint = { method: 'GET' as const, path: '/v1/models' };
    const otherIssuer = signToken(claimsFor(Role.Admin), { algorithm: 'HS256', key: system.config.jwt.secret!, issuer: 'someone-else', audience: system.config.jwt.audience });
    const otherAudience = signToken(claimsFor(Role.Admin), { algorithm: 'HS256', key: system.config.jwt.secret!, issuer: system.config.jwt.issuer, audience: 'another-api' });
    const noIssuer = jwt.sign({ role: Role.Admin }, system.config.jwt.secret!, { algorithm: 'HS256', subject: 'admin-1', audience: system.config.jwt.audience, expiresIn: 600 });
    const noAudience = jwt.sign({ role: Role.Admin }, system.config.jwt.secret!, { algorithm: 'HS256', subject: 'admin-1', issuer: system.config.jwt.issuer, expiresIn: 600 });
    expectUnauthorized(await call(system.adminApi, endpoint, bearer(otherIssuer)), 'other issuer');
    expectUnauthorized(await call(system.adminApi, endpoint, bearer(otherAudience)), 'other audience');
    expectUnauthorized(await call(system.adminApi, endpoint, bearer(noIssuer)), 'no issuer');
    expectUnauthorized(await call(system.adminApi, endpoint, bearer(noAudience)), 'no audience');
  });

  it('answers 401 to an unsigned token (alg none) and to a token with another algorithm', async () => {
    const endpoint = { method: 'GET' as const, path: '/v1/models' };
    const payload = {
      sub: 'admin-1',
      role: Role.Admin,
      iss: system.config.jwt.issuer,
      aud: system.config.jwt.audience,
      iat: Math.floor(Date.now() / 1000),
      exp: Math.floor(Date.now() / 1000) + 600,
    };
    for (const alg of ['none', 'None', 'NONE']) {
      const unsigned = `${base64url({ alg, typ: 'JWT' })}.${base64url(payload)}.`;
      expectUnauthorized(await call(system.adminApi, endpoint, bearer(unsigned)), `alg ${alg}`);
    }
    const hs512 = jwt.sign(payload, system.config.jwt.secret!, { algorithm: 'HS512' });
    expectUnauthorized(await call(system.adminApi, endpoint, bearer(hs512)), 'HS512');
    // A correct signature but a header that lies about the algorithm.
    const lying = handMadeHs256({ alg: 'HS384', typ: 'JWT' }, payload, system.config.jwt.secret!);
    expectUnauthorized(await call(system.adminApi, endpoint, bearer(lying)), 'header says HS384');
    // The same hand-made token with an honest header is accepted: the helper itself is right.
    const honest = handMadeHs256({ alg: 'HS256', typ: 'JWT' }, payload, system.config.jwt.secret!);
    expect((await call(system.adminApi, endpoint, bearer(honest))).status).toBe(200);
  });

  it('answers 401 to tokens whose claims are missing or wrong', async () => {
    const cases: Array<[string, Record<string, unknown>, jwt.SignOptions?]> = [
      ['no sub', { role: Role.Admin }],
      ['empty sub', { role: Role.Admin, sub: '' }],
      ['numeric sub', { role: Role.Admin, sub: 42 }],
      ['no role', { sub: 'someone' }],
      ['unknown role', { sub: 'someone', role: 'superuser' }],
      ['role in another case', { sub: 'someone', role: 'ADMIN' }],
      ['role as an array', { sub: 'someone', role: [Role.Admin] }],
      ['role as an object', { sub: 'someone', role: { admin: true } }],
      ['no exp', { sub: 'admin-1', role: Role.Admin }, { expiresIn: undefined }],
    ];
    for (const [what, payload, options] of cases) {
      const token =
        what === 'no exp'
          ? jwt.sign(payload, system.config.jwt.secret!, { algorithm: 'HS256', issuer: system.config.jwt.issuer, audience: system.config.jwt.audience })
          : rawHs256(system, payload, options);
      const answer = await call(system.adminApi, { method: 'GET', path: '/v1/models' }, bearer(token));
      if (what === 'no exp') {
        // A token that never expires is the issuer's choice; it must at least not break anything.
        expect([200, 401]).toContain(answer.status);
        continue;
      }
      expectUnauthorized(answer, what);
    }
  });

  it('answers 401 to a partner token without a partnerId', async () => {
    for (const role of [Role.PartnerAdmin, Role.PartnerMember]) {
      const viaSignToken = signToken({ sub: `${role}-1`, role }, { algorithm: 'HS256', key: system.config.jwt.secret!, issuer: system.config.jwt.issuer, audience: system.config.jwt.audience });
      const tokens: Array<[string, string]> = [
        ['no partnerId', viaSignToken],
        ['empty partnerId', rawHs256(system, { sub: `${role}-1`, role, partnerId: '' })],
        ['numeric partnerId', rawHs256(system, { sub: `${role}-1`, role, partnerId: 7 })],
        ['null partnerId', rawHs256(system, { sub: `${role}-1`, role, partnerId: null })],
      ];
      for (const [what, token] of tokens) {
        for (const endpoint of ENDPOINTS.filter((e) => e.app === 'partnerApi' && e.roles.includes(role))) {
          expectUnauthorized(await call(system.partnerApi, endpoint, bearer(token)), `${role} with ${what} on ${label(endpoint)}`);
        }
      }
    }
  });

  it('answers 403 to every valid token whose role is not allowed, and lets the allowed roles through', async () => {
    const forbidden: string[] = [];
    const passed: string[] = [];
    for (const endpoint of ENDPOINTS) {
      for (const role of ALL_ROLES) {
        const { sub, partnerId } = claimsFor(role);
        const answer = await call(api(endpoint.app), endpoint, bearer(system.token(role, { sub, partnerId })));
        const where = `${role} on ${label(endpoint)}`;
        if (endpoint.roles.includes(role)) {
          expect({ where, refused: [401, 403].includes(answer.status) || answer.status >= 500 }).toEqual({ where, refused: false });
          passed.push(where);
        } else {
          expect({ where, status: answer.status }).toEqual({ where, status: 403 });
          expect(answer.body).toMatchObject({ statusCode: 403, message: expect.stringContaining('roles') });
          forbidden.push(where);
        }
      }
    }
    // The named cases of the brief, spelled out.
    expect(forbidden).toEqual(expect.arrayContaining([
      'partner_admin on adminApi POST /v1/models',
      'reviewer on adminApi POST /v1/licenses',
      'service on partnerApi POST /v1/application',
      'admin on entitlements POST /v1/check',
    ]));
    expect(passed.length).toBe(ENDPOINTS.reduce((n, e) => n + e.roles.length, 0));
  });

  it('answers 4xx, not 5xx, to an oversized token', async () => {
    const huge = rawHs256(system, { sub: 'admin-1', role: Role.Admin, padding: 'x'.repeat(12_000) });
    const answer = await call(system.adminApi, { method: 'GET', path: '/v1/models' }, bearer(huge));
    expect(answer.status).toBeGreaterThanOrEqual(200);
    expect(answer.status).toBeLessThan(500);
    const enormous = 'Bearer ' + 'a'.repeat(70_000);
    const refused = await call(system.adminApi, { method: 'GET', path: '/v1/models' }, { authorization: enormous }).catch(() => null);
    if (refused) expect(refused.status).toBeLessThan(500);
  });
});

describe('authentication with RS256 (an identity provider\'s key pair)', () => {
  let system: TestSystem;
  const keys = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const otherKeys = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });

  beforeAll(async () => {
    system = await startTestSystem({ env: { JWT_ALGORITHM: 'RS256', JWT_PUBLIC_KEY: keys.publicKey } });
  });
  afterAll(() => system.close());

  const rs256 = (role: Role, key = keys.privateKey, partnerId?: string) =>
    signToken({ sub: `${role}-1`, role, partnerId }, { algorithm: 'RS256', key, issuer: system.config.jwt.issuer, audience: system.config.jwt.audience });

  it('is configured for RS256 with the public key only', () => {
    expect(system.config.jwt).toMatchObject({ algorithm: 'RS256', verifyKey: keys.publicKey });
    expect(system.config.jwt.secret).toBeUndefined();
  });

  it('accepts a token signed with the private key, on every app', async () => {
    const admin = await call(system.adminApi, { method: 'GET', path: '/v1/models' }, bearer(rs256(Role.Admin)));
    expect(admin.status).toBe(200);
    const partner = await call(system.partnerApi, { method: 'GET', path: '/v1/credentials' }, bearer(rs256(Role.PartnerMember, keys.privateKey, 'p-rsa')));
    expect(partner.status).toBe(200);
    const service = await call(system.entitlements, { method: 'POST', path: '/v1/check' }, bearer(rs256(Role.Service)));
    expect(service.status).toBe(400); // authenticated; the empty body is what is wrong
  });

  it('still checks roles: a valid RS256 token with the wrong role is 403', async () => {
    expect((await call(system.adminApi, { method: 'POST', path: '/v1/models' }, bearer(rs256(Role.Reviewer)))).status).toBe(403);
    expect((await call(system.partnerApi, { method: 'POST', path: '/v1/application' }, bearer(rs256(Role.Service)))).status).toBe(403);
  });

  it('refuses HS256 tokens (401), whatever secret signed them', async () => {
    const endpoint = { method: 'GET' as const, path: '/v1/models' };
    const payload = { sub: 'admin-1', role: Role.Admin };
    const signWith = (key: string) =>
      signToken(payload, { algorithm: 'HS256', key, issuer: system.config.jwt.issuer, audience: system.config.jwt.audience });
    // The HS256 development secret and the test secret the other system used.
    expectUnauthorized(await call(system.adminApi, endpoint, bearer(signWith('development-only-secret-change-me-0123456789'))), 'HS256 with the development secret');
    expectUnauthorized(await call(system.adminApi, endpoint, bearer(signWith('another-secret-that-is-also-long-enough-0123456789'))), 'HS256 with some secret');
    // Algorithm confusion: HMAC keyed with the (public) RSA key the server verifies with.
    const now = Math.floor(Date.now() / 1000);
    const claims = { ...payload, iss: system.config.jwt.issuer, aud: system.config.jwt.audience, iat: now, exp: now + 600 };
    expectUnauthorized(await call(system.adminApi, endpoint, bearer(handMadeHs256({ alg: 'HS256', typ: 'JWT' }, claims, keys.publicKey))), 'HS256 keyed with the public key');
    expectUnauthorized(await call(system.adminApi, endpoint, bearer(handMadeHs256({ alg: 'RS256', typ: 'JWT' }, claims, keys.publicKey))), 'HMAC under an RS256 header');
    expectUnauthorized(await call(system.adminApi, endpoint, bearer(`${base64url({ alg: 'none' })}.${base64url(claims)}.`)), 'alg none');
  });

  it('refuses an RS256 token signed with another private key, or expired (401)', async () => {
    expectUnauthorized(await call(system.adminApi, { method: 'GET', path: '/v1/models' }, bearer(rs256(Role.Admin, otherKeys.privateKey))), 'other key pair');
    const expired = signToken({ sub: 'admin-1', role: Role.Admin }, { algorithm: 'RS256', key: keys.privateKey, issuer: system.config.jwt.issuer, audience: system.config.jwt.audience, expiresInSeconds: -60 });
    expectUnauthorized(await call(system.adminApi, { method: 'GET', path: '/v1/models' }, bearer(expired)), 'expired RS256');
    expectUnauthorized(await call(system.partnerApi, { method: 'GET', path: '/v1/credentials' }, bearer(rs256(Role.PartnerAdmin))), 'RS256 partner token without partnerId');
  });
});

describe('across this file', () => {
  it('no request was answered with a 5xx', () => {
    expect(answers.length).toBeGreaterThan(100);
    expect(answers.filter((a) => a.status >= 500)).toEqual([]);
  });
});
