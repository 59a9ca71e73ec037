import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { Role, signToken } from '@app/auth';
import { signWebhook } from '@app/kyc';
import { Api, eventually, HttpAnswer, startTestSystem, TestSystem } from '../support/test-system';
import { WebhookReceiver } from '../support/webhook-receiver';

/**
 * Secrets never appear in logs, events or API responses (except the one answer that shows a secret
 * once): the JWT signing key, the KYC provider's webhook secrets, the key that encrypts partner webhook
 * secrets, partner API credentials, partner webhook secrets and bearer tokens. Real flows run through all
 * four apps at the most verbose log level; then everything they printed, every table of the database,
 * every Redis key of this system and every other answer is searched for each secret.
 */

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const JWT_SECRET = `jwt-${hex(24)}`;
const KYC_SECRETS = [`kyc-current-${hex(16)}`, `kyc-previous-${hex(16)}`];
const WEBHOOK_SECRET_KEY = hex(32);
const PARTNER = 'p-secretive';
const MODEL = 'secret-model';

describe('secrets never leak into logs, events, stored rows, queues or answers', () => {
  let system: TestSystem;
  const receiver = new WebhookReceiver();
  const printed: string[] = [];
  const answers: { where: string; answer: HttpAnswer }[] = [];
  /** Answers that show a secret once, by design: kept apart, and checked to contain it. */
  const shownOnce: { secret: string; answer: HttpAnswer }[] = [];
  const secrets: Record<string, string> = {};
  const restore = {
    out: process.stdout.write.bind(process.stdout),
    err: process.stderr.write.bind(process.stderr),
    console: { log: console.log, info: console.info, warn: console.warn, error: console.error, debug: console.debug },
  };

  /** Records every answer of one app, through real HTTP. */
  const recorded = (name: string, api: Api): Api => {
    const request = api.request.bind(api);
    api.request = (async (method: string, path: string, options?: object) => {
      const answer = await request(method, path, options);
      answers.push({ where: `${name} ${method} ${path}`, answer });
      return answer;
    }) as Api['request'];
    return api;
  };
  const keepShownOnce = (secret: string) => {
    const last = answers.pop()!;
    shownOnce.push({ secret, answer: last.answer });
  };

  beforeAll(async () => {
    const capture = (chunk: unknown) => void printed.push(typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk));
    process.stdout.write = ((chunk: unknown) => (capture(chunk), true)) as typeof process.stdout.write;
    process.stderr.write = ((chunk: unknown) => (capture(chunk), true)) as typeof process.stderr.write;
    for (const level of Object.keys(restore.console) as (keyof typeof restore.console)[]) console[level] = (...parts: unknown[]) => capture(parts.map((p) => (typeof p === 'string' ? p : JSON.stringify(p) ?? String(p))).join(' '));
    await receiver.start();
    system = await startTestSystem({
      env: {
        JWT_SECRET,
        KYC_WEBHOOK_SECRETS: KYC_SECRETS.join(','),
        WEBHOOK_SECRET_KEY,
        WEBHOOK_HTTP_ALLOWED_HOSTS: '127.0.0.1',
        WEBHOOK_BACKOFF_BASE_MS: '50',
        WEBHOOK_BACKOFF_MAX_MS: '200',
        LOG_LEVEL: 'verbose',
      },
    });
    recorded('partner-api', system.partnerApi);
    recorded('admin-api', system.adminApi);
    recorded('entitlements', system.entitlements);
    recorded('worker', system.worker);
    Object.assign(secrets, { JWT_SECRET, KYC_WEBHOOK_SECRET_CURRENT: KYC_SECRETS[0], KYC_WEBHOOK_SECRET_PREVIOUS: KYC_SECRETS[1], WEBHOOK_SECRET_KEY });
  }, 60_000);

  afterAll(async () => {
    process.stdout.write = restore.out;
    process.stderr.write = restore.err;
    Object.assign(console, restore.console);
    await receiver.close();
    await system?.close();
  });

  it('runs the flows that touch every secret: onboarding, credentials, checks, KYC and partner webhooks, bad attempts', async () => {
    const admin = system.token(Role.Admin, { sub: 'secret-admin' });
    const partnerAdmin = system.token(Role.PartnerAdmin, { sub: `admin@${PARTNER}`, partnerId: PARTNER });
    const service = system.token(Role.Service, { sub: 'serving-stack' });
    Object.assign(secrets, { ADMIN_TOKEN: admin, PARTNER_TOKEN: partnerAdmin, SERVICE_TOKEN: service });

    expect((await system.adminApi.post('/v1/models', { modelId: MODEL, provider: 'P', name: 'Secret', version: '1', family: 'secret', classification: 'EAR99', openWeights: false }, admin)).status).toBe(201);
    expect((await system.partnerApi.post('/v1/application', {
      legalName: 'Secretive Systems Inc', registrationNumber: 'S-1', countryOfIncorporation: 'US', addresses: ['1 Vault Rd, Reno, US'],
      beneficialOwners: [{ name: 'Pat Quiet', nationality: 'US', ownershipPercent: 100 }], intendedUse: 'testing secrecy', requestedModels: [MODEL],
    }, partnerAdmin)).status).toBe(201);

    const endpoint = await system.partnerApi.post('/v1/webhook-endpoints', { url: receiver.url }, partnerAdmin);
    expect(endpoint.status).toBe(201);
    secrets.PARTNER_WEBHOOK_SECRET = endpoint.body.secret;
    keepShownOnce(endpoint.body.secret);

    await system.prepareForApproval(PARTNER);
    expect((await system.adminApi.post(`/v1/applications/${PARTNER}/approve`, { reason: 'verified' }, system.token(Role.Reviewer))).status).toBe(200);
    expect((await system.adminApi.post('/v1/licenses', { partnerId: PARTNER, modelId: MODEL }, system.token(Role.ComplianceOfficer))).status).toBe(201);

    const rotated = await system.partnerApi.post(`/v1/webhook-endpoints/${endpoint.body.endpointId}/rotate-secret`, {}, partnerAdmin);
    expect(rotated.status).toBe(200);
    secrets.PARTNER_WEBHOOK_SECRET_ROTATED = rotated.body.secret;
    keepShownOnce(rotated.body.secret);

    const issued = await system.partnerApi.post('/v1/credentials', { label: 'gateway' }, partnerAdmin);
    expect(issued.status).toBe(201);
    secrets.API_CREDENTIAL = issued.body.credential;
    keepShownOnce(issued.body.credential);

    expect((await system.partnerApi.post('/v1/users', { userId: 'u-quiet', name: 'Quinn Quiet' }, partnerAdmin)).status).toBe(201);
    const userKyc = await system.partnerApi.post('/v1/kyc/users/u-quiet', { name: 'Quinn Quiet', citizenships: [{ country: 'US' }] }, partnerAdmin);
    expect(userKyc.status).toBe(201);

    // The provider reports twice, signed with each secret; a forged report is refused.
    const reports = [
      { id: 'evt-secret-review', caseId: userKyc.body.caseId, status: 'needs_review', reason: 'document blurred' },
      { id: 'evt-secret-verified', caseId: userKyc.body.caseId, status: 'verified', identity: { citizenships: [{ country: 'US' }] } },
    ];
    for (const [i, secret] of KYC_SECRETS.entries()) {
      const body = JSON.stringify(reports[i]);
      const delivered = await system.partnerApi.request('POST', '/v1/webhooks/kyc/sandbox', { rawBody: body, headers: { 'x-signature': signWebhook(body, secret, Math.floor(Date.now() / 1000)) } });
      expect(delivered.status).toBe(200);
    }
    const forged = JSON.stringify({ id: 'evt-forged', caseId: userKyc.body.caseId, status: 'failed' });
    expect((await system.partnerApi.request('POST', '/v1/webhooks/kyc/sandbox', { rawBody: forged, headers: { 'x-signature': signWebhook(forged, 'not-the-secret-0123456789abcdef', Math.floor(Date.now() / 1000)) } })).status).toBe(401);

    // The serving stack checks with the credential; guesses and tokens signed with another key are refused.
    await eventually(async () => (await system.entitlements.post('/v1/check', { credential: secrets.API_CREDENTIAL, model: MODEL, userId: 'u-quiet' }, service)).body.allow === true);
    expect((await system.entitlements.get('/v1/authz', undefined, { authorization: `Bearer ${secrets.API_CREDENTIAL}`, 'x-model': MODEL, 'x-end-user': 'u-quiet' })).status).toBe(204);
    expect((await system.entitlements.get('/v1/authz', undefined, { authorization: `Bearer ${secrets.API_CREDENTIAL}x`, 'x-model': MODEL })).status).toBe(401);
    expect((await system.entitlements.post('/v1/check', { credential: `${secrets.API_CREDENTIAL}`, model: 'no-such-model' }, service)).body.allow).toBe(false);
    const forgedToken = signToken({ sub: 'intruder', role: Role.Admin }, { algorithm: 'HS256', key: `forged-${hex(24)}`, issuer: system.config.jwt.issuer, audience: system.config.jwt.audience });
    expect((await system.adminApi.get('/v1/audit', forgedToken)).status).toBe(401);
    // A malformed body that carries a secret must not have it echoed back in the 400.
    expect((await system.partnerApi.post('/v1/credentials', { label: 'x', credential: secrets.API_CREDENTIAL }, partnerAdmin)).status).toBe(400);

    // Partner webhooks are signed with the endpoint's secret: delivered, then revoke the credential.
    await eventually(async () => receiver.ofType('LicenseGranted').length >= 1, 15_000);
    expect((await system.partnerApi.request('DELETE', `/v1/credentials/${issued.body.credentialId}`, { token: partnerAdmin, body: { reason: 'rotating' } })).status).toBe(200);
    await eventually(async () => (await system.entitlements.post('/v1/check', { credential: secrets.API_CREDENTIAL, model: MODEL, userId: 'u-quiet' }, service)).body.allow === false);

    // What an auditor or a partner reads back afterwards.
    await system.adminApi.get(`/v1/audit?partnerId=${PARTNER}&limit=200`, system.token(Role.Auditor));
    await system.adminApi.get(`/v1/partners/${PARTNER}/timeline`, system.token(Role.Auditor));
    await system.adminApi.get(`/v1/partners/${PARTNER}`, system.token(Role.Auditor));
    await system.adminApi.get(`/v1/webhook-deliveries?partnerId=${PARTNER}`, system.token(Role.Admin));
    await system.partnerApi.get('/v1/credentials', partnerAdmin);
    await system.partnerApi.get('/v1/webhook-endpoints', partnerAdmin);
    await system.adminApi.get(`/v1/decisions?partnerId=${PARTNER}`, system.token(Role.Auditor));
  }, 60_000);

  const names = () => Object.keys(secrets);
  const forms = (secret: string) => [secret, Buffer.from(secret).toString('base64'), encodeURIComponent(secret)];
  const leaks = (haystack: string) => names().filter((name) => forms(secrets[name]).some((form) => haystack.includes(form)));

  it('shows each partner secret in exactly the answer that issued it', () => {
    expect(shownOnce).toHaveLength(3);
    for (const { secret, answer } of shownOnce) expect(JSON.stringify(answer.body)).toContain(secret);
    expect(names()).toEqual(expect.arrayContaining(['API_CREDENTIAL', 'PARTNER_WEBHOOK_SECRET', 'PARTNER_WEBHOOK_SECRET_ROTATED', 'JWT_SECRET', 'WEBHOOK_SECRET_KEY']));
  });

  it('prints none of them, at the most verbose log level', () => {
    const log = printed.join('\n');
    // The search must have something to search: the apps did log (routes mapped, requests, jobs).
    expect(log.length).toBeGreaterThan(1000);
    expect(leaks(log)).toEqual([]);
  });

  it('stores none of them in the events table', async () => {
    const { rows } = await system.db.pool.query<{ n: number; text: string }>("SELECT count(*)::int AS n, coalesce(string_agg(data::text || metadata::text, E'\\n'), '') AS text FROM events");
    expect(rows[0].n).toBeGreaterThan(10);
    expect(leaks(rows[0].text)).toEqual([]);
  });

  it('stores none of them in any other table either (hashes and ciphertext only)', async () => {
    const { rows: tables } = await system.db.pool.query<{ name: string }>("SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'");
    const found: Record<string, string[]> = {};
    for (const { name } of tables) {
      const { rows } = await system.db.pool.query<{ text: string | null }>(`SELECT string_agg(row_to_json(t)::text, E'\\n') AS text FROM "${name}" t`);
      const inTable = leaks(rows[0].text ?? '');
      if (inTable.length > 0) found[name] = inTable;
    }
    expect(found).toEqual({});
  });

  it("puts none of them in this system's Redis keys (job payloads, results, failures)", async () => {
    const redis = new Redis(system.config.redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await redis.connect();
      const keys = await redis.keys(`${system.config.redis.prefix}*`);
      expect(keys.length).toBeGreaterThan(0);
      const values: string[] = [];
      for (const key of keys) {
        const type = await redis.type(key);
        if (type === 'string') values.push((await redis.get(key)) ?? '');
        else if (type === 'hash') values.push(JSON.stringify(await redis.hgetall(key)));
        else if (type === 'list') values.push(JSON.stringify(await redis.lrange(key, 0, -1)));
        else if (type === 'set') values.push(JSON.stringify(await redis.smembers(key)));
        else if (type === 'zset') values.push(JSON.stringify(await redis.zrange(key, '0', '-1')));
        else if (type === 'stream') values.push(JSON.stringify(await redis.xrange(key, '-', '+')));
      }
      expect(leaks(values.join('\n'))).toEqual([]);
    } finally {
      redis.disconnect();
    }
  });

  it('answers none of them anywhere else', () => {
    expect(answers.length).toBeGreaterThan(20);
    const found = answers.map(({ where, answer }) => ({ where, leaked: leaks(JSON.stringify(answer.body) + JSON.stringify([...answer.headers.entries()])) })).filter((a) => a.leaked.length > 0);
    expect(found).toEqual([]);
  });
});
