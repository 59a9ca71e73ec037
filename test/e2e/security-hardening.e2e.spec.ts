import type { INestApplication } from '@nestjs/common';
import { createAdminApi } from '../../apps/admin-api/src/main';
import { Role } from '@app/auth';
import { listen } from '@app/http';
import { deleteRedisKeys, testConfig } from '@app/testing';
import { Api, startTestSystem, TestSystem } from '../support/test-system';

const BODY_LIMIT = 4096;
const PER_ACTOR = 5;
const PER_IP = 3;
const PER_CREDENTIAL = 6;
const UNKNOWN_PER_IP = 3;
const CONSOLE = 'https://console.example.com';

describe('security hardening at the edge: rate limits, body limits, security headers, CORS', () => {
  let system: TestSystem;
  let service: string;

  beforeAll(async () => {
    system = await startTestSystem({
      env: {
        BODY_LIMIT_BYTES: String(BODY_LIMIT),
        RATE_LIMIT_PER_ACTOR_PER_MINUTE: String(PER_ACTOR),
        RATE_LIMIT_PER_IP_PER_MINUTE: String(PER_IP),
        ENTITLEMENTS_RATE_LIMIT_PER_CREDENTIAL_PER_SECOND: String(PER_CREDENTIAL),
        ENTITLEMENTS_UNKNOWN_CREDENTIALS_PER_IP_PER_MINUTE: String(UNKNOWN_PER_IP),
        CORS_ORIGINS: CONSOLE,
      },
    });
    service = system.token(Role.Service);
  });
  afterAll(() => system.close());

  const expectRateLimited = (answer: { status: number; body: any; headers: Headers }) => {
    expect(answer.status).toBe(429);
    expect(answer.body).toEqual({ statusCode: 429, error: 'Too Many Requests', code: 'RATE_LIMITED', message: expect.stringMatching(/retry after \d+ seconds/) });
    expect(Number(answer.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  };

  async function applyAndIssueCredential(partnerId: string): Promise<string> {
    const partner = system.token(Role.PartnerAdmin, { sub: `admin@${partnerId}`, partnerId });
    const applied = await system.partnerApi.post('/v1/application', {
      legalName: `${partnerId} Ltd`, registrationNumber: 'R-1', countryOfIncorporation: 'US', addresses: [], beneficialOwners: [],
      intendedUse: 'rate limit tests', requestedModels: ['any-model'],
    }, partner);
    expect(applied.status).toBe(201);
    const issued = await system.partnerApi.post('/v1/credentials', { label: 'gateway' }, partner);
    expect(issued.status).toBe(201);
    return issued.body.credential;
  }

  describe('partner-api rate limits', () => {
    it('gives each partner its own budget per minute, shared by its users, then 429 with Retry-After and the one error body', async () => {
      const alice = system.token(Role.PartnerAdmin, { sub: 'alice@p-limited', partnerId: 'p-limited' });
      const bob = system.token(Role.PartnerMember, { sub: 'bob@p-limited', partnerId: 'p-limited' });
      const other = system.token(Role.PartnerAdmin, { sub: 'carol@p-other', partnerId: 'p-other' });
      for (let i = 0; i < PER_ACTOR; i++) expect((await system.partnerApi.get('/v1/credentials', i % 2 ? bob : alice)).status).toBe(200);
      const refused = await system.partnerApi.get('/v1/credentials', alice);
      expectRateLimited(refused);
      expectRateLimited(await system.partnerApi.get('/v1/credentials', bob));
      // Another partner is not slowed by this one; health probes are never limited.
      expect((await system.partnerApi.get('/v1/credentials', other)).status).toBe(200);
      expect((await system.partnerApi.get('/health/live')).status).toBe(200);
    });

    it('limits callers without an acceptable token by client address, to a smaller budget', async () => {
      const answers = [];
      for (let i = 0; i <= PER_IP; i++) answers.push(await system.partnerApi.get('/v1/credentials', i % 2 ? 'not-a-jwt' : undefined));
      expect(answers.slice(0, PER_IP).map((a) => a.status)).toEqual(Array(PER_IP).fill(401));
      expectRateLimited(answers[PER_IP]);
      // A caller with a valid token has its own budget, whatever its address.
      expect((await system.partnerApi.get('/v1/credentials', system.token(Role.PartnerAdmin, { partnerId: 'p-fresh' }))).status).toBe(200);
    });
  });

  describe('entitlements hot path rate limits (in memory, per replica)', () => {
    let credential: string;
    beforeAll(async () => {
      // A credential of its own per budget: the partner-api budget above is spent by other partners.
      credential = await applyAndIssueCredential('p-hot');
    });

    it('refuses a credential beyond its requests per second: 429 on /v1/check, 403 RATE_LIMITED on /v1/authz', async () => {
      const check = () => system.entitlements.post('/v1/check', { credential, model: 'any-model' }, service);
      const answers = await Promise.all(Array.from({ length: PER_CREDENTIAL + 2 }, check));
      const decided = answers.filter((a) => a.status === 200);
      const refused = answers.filter((a) => a.status === 429);
      // Within one window at most PER_CREDENTIAL pass; a window turning mid-burst lets a few more through.
      expect(decided.length).toBeGreaterThanOrEqual(1);
      expect(decided.length + refused.length).toBe(PER_CREDENTIAL + 2);
      if (refused.length === 0) throw new Error('no request was refused: the per-credential budget is not enforced');
      for (const answer of decided) expect(answer.body).toMatchObject({ allow: false, reasons: expect.arrayContaining(['PARTNER_NOT_APPROVED']) });
      expectRateLimited(refused[0]);

      let authz: Awaited<ReturnType<typeof system.entitlements.get>> | null = null;
      for (let i = 0; i <= PER_CREDENTIAL && authz?.headers.get('x-entitlement-reasons') !== 'RATE_LIMITED'; i++) {
        authz = await system.entitlements.get('/v1/authz', undefined, { authorization: `Bearer ${credential}`, 'x-model': 'any-model' });
      }
      expect(authz!.status).toBe(403);
      expect(authz!.headers.get('x-entitlement-reasons')).toBe('RATE_LIMITED');
      expect(Number(authz!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);

      // The budget is per second: the next window serves the credential again.
      await new Promise((r) => setTimeout(r, 1100));
      expect((await check()).status).toBe(200);
    });

    it('refuses further unknown credentials from an address that guessed too many, only from that address, never a known one', async () => {
      const guesser = '198.51.100.9';
      for (let i = 0; i < UNKNOWN_PER_IP; i++) {
        const guess = await system.entitlements.post('/v1/check', { credential: `mk_live_guess${i}`, model: 'any-model', clientIp: guesser }, service);
        expect(guess.body.reasons).toContain('UNKNOWN_CREDENTIAL');
      }
      expectRateLimited(await system.entitlements.post('/v1/check', { credential: 'mk_live_guess-next', model: 'any-model', clientIp: guesser }, service));
      const guessElsewhere = await system.entitlements.post('/v1/check', { credential: 'mk_live_guess-next', model: 'any-model', clientIp: '203.0.113.7' }, service);
      expect(guessElsewhere.body.reasons).toContain('UNKNOWN_CREDENTIAL');
      // A partner behind the same address (a NAT, a serving stack) is not locked out by someone else's guessing.
      const known = await system.entitlements.post('/v1/check', { credential, model: 'any-model', clientIp: guesser }, service);
      expect(known.status).toBe(200);
      expect(known.body.reasons).toContain('PARTNER_NOT_APPROVED');
    });

    it('does the same on /v1/authz for the peer address (last: it blocks this test address for a minute)', async () => {
      const other = await applyAndIssueCredential('p-authz');
      for (let i = 0; i < UNKNOWN_PER_IP; i++) {
        const guess = await system.entitlements.get('/v1/authz', undefined, { authorization: `Bearer mk_live_guess${i}`, 'x-model': 'any-model' });
        expect(guess.status).toBe(401);
      }
      const blocked = await system.entitlements.get('/v1/authz', undefined, { authorization: 'Bearer mk_live_guess-next', 'x-model': 'any-model' });
      expect(blocked.status).toBe(403);
      expect(blocked.headers.get('x-entitlement-reasons')).toBe('RATE_LIMITED');
      expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(1);
      // The partner's own credential from that address is still answered by the rules (here: not yet approved).
      const own = await system.entitlements.get('/v1/authz', undefined, { authorization: `Bearer ${other}`, 'x-model': 'any-model' });
      expect(own.status).toBe(403);
      expect(own.headers.get('x-entitlement-reasons')).toContain('PARTNER_NOT_APPROVED');
    });
  });

  describe('request size limits', () => {
    const oversized = { padding: 'x'.repeat(BODY_LIMIT + 1) };

    it('answers 413 with the one error body on every app that takes a body', async () => {
      const partner = system.token(Role.PartnerAdmin, { partnerId: 'p-big' });
      const answers = [
        await system.partnerApi.post('/v1/application', oversized, partner),
        // The webhook needs no token; this one keeps the request off the (spent) budget of this address.
        await system.partnerApi.request('POST', '/v1/webhooks/kyc/sandbox', { rawBody: JSON.stringify(oversized), token: partner }),
        await system.adminApi.post('/v1/models', oversized, system.token(Role.Admin)),
        await system.entitlements.post('/v1/check', oversized, service),
        await system.entitlements.post('/v1/check/batch', oversized, service),
      ];
      for (const answer of answers) {
        expect(answer.status).toBe(413);
        expect(answer.body).toEqual({ statusCode: 413, error: 'Payload Too Large', code: 'PAYLOAD_TOO_LARGE', message: expect.stringContaining('BODY_LIMIT_BYTES') });
      }
    });
  });

  describe('security headers and CORS', () => {
    it('sends helmet headers from partner-api and admin-api', async () => {
      for (const api of [system.partnerApi, system.adminApi]) {
        const answer = await api.get('/health/live');
        expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
        expect(answer.headers.get('x-frame-options')).toBe('SAMEORIGIN');
        expect(answer.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
        expect(answer.headers.get('content-security-policy')).toContain("default-src 'self'");
        expect(answer.headers.get('x-powered-by')).toBeNull();
      }
    });

    it('answers CORS preflights for configured origins only', async () => {
      const preflight = (api: Api, origin: string) =>
        api.request('OPTIONS', '/v1/credentials', { headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' } });
      const allowed = await preflight(system.partnerApi, CONSOLE);
      expect(allowed.status).toBeLessThan(300);
      expect(allowed.headers.get('access-control-allow-origin')).toBe(CONSOLE);
      expect(allowed.headers.get('access-control-allow-headers')).toContain('authorization');
      expect(allowed.headers.get('access-control-allow-credentials')).toBeNull();
      const foreign = await preflight(system.adminApi, 'https://evil.example.net');
      expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    });

    it('has CORS off when no origin is configured', async () => {
      let app: INestApplication | null = null;
      const config = testConfig(system.db.url);
      try {
        app = await createAdminApi(config);
        const api = new Api(await listen(app, 0, '127.0.0.1'));
        const answer = await api.request('OPTIONS', '/v1/models', { headers: { origin: CONSOLE, 'access-control-request-method': 'GET' } });
        expect(answer.headers.get('access-control-allow-origin')).toBeNull();
        const simple = await api.get('/health/live', undefined, { origin: CONSOLE });
        expect(simple.headers.get('access-control-allow-origin')).toBeNull();
      } finally {
        await app?.close();
        await deleteRedisKeys(config.redis.url, config.redis.prefix);
      }
    });
  });
});
