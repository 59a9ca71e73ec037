import { randomBytes } from 'node:crypto';
import { Role } from '@app/auth';
import { createWebhookSignatureVerifier } from '@app/kyc';
import { eventually, HttpAnswer, startTestSystem, TestSystem } from '../support/test-system';
import { WebhookReceiver } from '../support/webhook-receiver';
import { applicationBody } from '../support/application';

/**
 * Partner webhooks end to end: a partner registers an endpoint (secret shown once), receives its own
 * events signed with that secret, and nobody else's; other partners cannot see or touch it; the secret
 * never appears in the events table, in later answers, or in what the apps print.
 */

const A = 'p-hooks-alpha';
const B = 'p-hooks-bravo';
const MODEL = 'wh-open-model';
const REDIS_PREFIX = `ma-test-webhooks-${randomBytes(4).toString('hex')}`;

const application = (legalName: string) =>
  applicationBody({ legalName, registrationNumber: `${legalName.toUpperCase().replace(/\W/g, '')}-77`, intendedUse: 'Code review assistants', requestedModels: [MODEL] });

const directive = {
  authority: 'BIS', reference: 'WH-DIR-1', title: 'No foreign nationals', issuedAt: '2026-06-12T00:00:00Z', effectiveAt: '2026-06-12T00:00:00Z',
  scope: { modelIds: [MODEL], families: [] }, restrictions: { foreignNationals: { allowedNationalities: ['US'], allowPermanentResidents: false }, forbiddenDestinations: [] },
  exemptWithGovernmentApproval: true,
};

describe('partner webhooks', () => {
  let system: TestSystem;
  const receiverA = new WebhookReceiver();
  const receiverB = new WebhookReceiver();
  let adminA: string;
  let adminB: string;
  let memberA: string;
  let reviewer: string;
  let officer: string;
  const secrets: string[] = [];
  const answers: HttpAnswer[] = [];
  const printed: string[] = [];
  const writes = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };

  const partner = async (method: string, path: string, token: string, body?: unknown) => {
    const answer = await system.partnerApi.request(method, path, { token, body });
    answers.push(answer);
    return answer;
  };
  const verify = (secret: string, received: { rawBody: string; headers: Record<string, unknown> }) =>
    createWebhookSignatureVerifier({ secrets: [secret], toleranceSeconds: 300 }).verify(received.rawBody, received.headers['x-webhook-signature'] as string, new Date());

  beforeAll(async () => {
    // Everything the apps print while this file runs (at the most verbose level), kept to search it for secrets at the end.
    const keep = (chunk: unknown, ...rest: unknown[]) => {
      printed.push(String(chunk));
      const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      done?.();
      return true;
    };
    process.stdout.write = keep as typeof process.stdout.write;
    process.stderr.write = keep as typeof process.stderr.write;
    await Promise.all([receiverA.start(), receiverB.start()]);
    system = await startTestSystem({ env: { REDIS_PREFIX, WEBHOOK_HTTP_ALLOWED_HOSTS: '127.0.0.1', WEBHOOK_BACKOFF_BASE_MS: '50', WEBHOOK_BACKOFF_MAX_MS: '200', WEBHOOK_MAX_ATTEMPTS: '3', WEBHOOK_TIMEOUT_MS: '2000', LOG_LEVEL: 'verbose' } });
    adminA = system.token(Role.PartnerAdmin, { sub: `admin@${A}`, partnerId: A });
    memberA = system.token(Role.PartnerMember, { sub: `member@${A}`, partnerId: A });
    adminB = system.token(Role.PartnerAdmin, { sub: `admin@${B}`, partnerId: B });
    reviewer = system.token(Role.Reviewer, { sub: 'wh-reviewer' });
    officer = system.token(Role.ComplianceOfficer, { sub: 'wh-officer' });
    const admin = system.token(Role.Admin, { sub: 'wh-admin' });
    const registered = await system.adminApi.post('/v1/models', { modelId: MODEL, provider: 'Frontier Labs', name: MODEL, version: '2026-06-09', family: MODEL, classification: 'EAR99', openWeights: false }, admin);
    expect(registered.status).toBe(201);
    expect((await system.importLists(['csl'])).status).toBe(200);
    for (const [id, token, name] of [[A, adminA, 'Alpha Hooks Ltd'], [B, adminB, 'Bravo Hooks GmbH']]) {
      expect((await system.partnerApi.post('/v1/application', application(name), token)).status).toBe(201);
      expect(id).toBeTruthy();
    }
  }, 60_000);

  afterAll(async () => {
    process.stdout.write = writes.out;
    process.stderr.write = writes.err;
    await system?.close();
    await Promise.all([receiverA.close(), receiverB.close()]);
  });

  it('refuses endpoints that are not HTTPS to a public host, naming the field', async () => {
    const cases: Array<[unknown, string]> = [
      [{ url: 'http://hooks.alpha.example/x' }, 'url must use https://'],
      [{ url: 'https://10.0.0.7/x' }, 'url must name a public host, not a private or loopback address'],
      [{ url: 'https://169.254.169.254/latest' }, 'url must name a public host, not a private or loopback address'],
      [{ url: 'hooks.alpha.example' }, 'url must be an absolute URL such as https://hooks.example.com/model-access'],
      [{ url: 'https://ops:pw@hooks.alpha.example/x' }, 'url must not contain a user name or password'],
    ];
    for (const [body, message] of cases) {
      const answer = await partner('POST', '/v1/webhook-endpoints', adminA, body);
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ code: 'VALIDATION_FAILED', message, fields: [{ field: 'url' }] });
    }
    for (const body of [{}, { url: 42 }, { url: 'https://hooks.alpha.example/x', secret: 'mine' }, { url: 'https://hooks.alpha.example/x', description: 'x'.repeat(201) }]) {
      const answer = await partner('POST', '/v1/webhook-endpoints', adminA, body);
      expect(answer.status).toBe(400);
      expect(answer.body.fields.length).toBeGreaterThan(0);
    }
    expect((await partner('POST', '/v1/webhook-endpoints', memberA, { url: receiverA.url })).status).toBe(403);
    expect((await partner('POST', '/v1/webhook-endpoints', system.token(Role.Reviewer), { url: receiverA.url })).status).toBe(403);
    const noApplication = system.token(Role.PartnerAdmin, { sub: 'admin@p-none', partnerId: 'p-hooks-none' });
    expect((await partner('POST', '/v1/webhook-endpoints', noApplication, { url: receiverA.url })).body).toMatchObject({ statusCode: 409, code: 'WEBHOOK_ENDPOINT.PARTNER_NOT_ELIGIBLE' });
    expect((await system.db.pool.query('SELECT count(*)::int AS n FROM events WHERE type = $1', ['WebhookEndpointRegistered'])).rows[0].n).toBe(0);
  });

  let endpointA: string;
  let endpointB: string;

  it('registers an endpoint with a secret shown once, lists it without the secret, and keeps it from other partners', async () => {
    const created = await partner('POST', '/v1/webhook-endpoints', adminA, { url: receiverA.url, description: 'alpha ops' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ endpointId: expect.stringMatching(/^whk-/), url: receiverA.url, secret: expect.stringMatching(/^whsec_/) });
    expect(created.body.eventTypes).toEqual(expect.arrayContaining(['ApplicationApproved', 'LicenseGranted', 'DirectiveIssued']));
    endpointA = created.body.endpointId;
    secrets.push(created.body.secret);
    const createdB = await partner('POST', '/v1/webhook-endpoints', adminB, { url: receiverB.url });
    expect(createdB.status).toBe(201);
    endpointB = createdB.body.endpointId;
    secrets.push(createdB.body.secret);

    // A retry with the same Idempotency-Key registers nothing new and does not show the secret again.
    const once = await system.partnerApi.request('POST', '/v1/webhook-endpoints', { token: adminA, body: { url: 'https://hooks.alpha.example/second' }, headers: { 'idempotency-key': 'wh-once' } });
    const again = await system.partnerApi.request('POST', '/v1/webhook-endpoints', { token: adminA, body: { url: 'https://hooks.alpha.example/second' }, headers: { 'idempotency-key': 'wh-once' } });
    answers.push(once, again);
    expect(once.body.secret).toMatch(/^whsec_/);
    secrets.push(once.body.secret);
    expect(again.body).toMatchObject({ endpointId: once.body.endpointId, secret: null, position: once.body.position });
    expect((await partner('DELETE', `/v1/webhook-endpoints/${once.body.endpointId}`, adminA)).status).toBe(200);

    const listA = await eventually(async () => {
      const list = await partner('GET', '/v1/webhook-endpoints', memberA);
      return list.body.endpoints?.length === 2 && list.body.endpoints.every((e: { status: string; endpointId: string }) => e.endpointId !== once.body.endpointId || e.status === 'removed') ? list : null;
    });
    expect(listA.body.endpoints.find((e: { endpointId: string }) => e.endpointId === endpointA)).toEqual({
      endpointId: endpointA, url: receiverA.url, description: 'alpha ops', status: 'active', registeredAt: expect.any(String), secretRotatedAt: null, removedAt: null,
    });
    const listB = await partner('GET', '/v1/webhook-endpoints', adminB);
    expect(listB.body.endpoints.map((e: { endpointId: string }) => e.endpointId)).toEqual([endpointB]);
    // B cannot rotate or remove A's endpoint: it looks like no endpoint at all.
    expect((await partner('POST', `/v1/webhook-endpoints/${endpointA}/rotate-secret`, adminB)).body).toMatchObject({ statusCode: 404, code: 'WEBHOOK_ENDPOINT.NOT_FOUND' });
    expect((await partner('DELETE', `/v1/webhook-endpoints/${endpointA}`, adminB)).body).toMatchObject({ statusCode: 404, code: 'WEBHOOK_ENDPOINT.NOT_FOUND' });
    expect((await partner('DELETE', `/v1/webhook-endpoints/bad id!`, adminA)).body).toMatchObject({ statusCode: 400, fields: [{ field: 'endpointId' }] });
  });

  it("delivers a partner's own events, signed with its secret, and none of another partner's", async () => {
    await system.prepareForApproval(A);
    expect((await system.adminApi.post(`/v1/applications/${A}/approve`, { reason: 'KYB verified, screening clear' }, reviewer)).status).toBe(200);
    const grant = await system.adminApi.post('/v1/licenses', { partnerId: A, modelId: MODEL }, officer);
    expect(grant.body).toMatchObject({ status: 'active' });

    const [approved] = await eventually(async () => receiverA.ofType('ApplicationApproved').length === 1 && receiverA.ofType('ApplicationApproved'));
    expect(verify(secrets[0], approved).secretIndex).toBe(0);
    expect(approved.headers['x-webhook-event']).toBe('ApplicationApproved');
    expect(approved.body).toEqual({ id: expect.any(String), type: 'ApplicationApproved', occurredAt: expect.any(String), position: expect.any(String), data: { partnerId: A, decision: 'approved', reason: 'KYB verified, screening clear' } });
    const stored = await system.db.pool.query('SELECT event_id, type FROM events WHERE global_position = $1', [approved.body.position]);
    expect(stored.rows[0]).toEqual({ event_id: approved.body.id, type: 'ApplicationApproved' });

    const [granted] = await eventually(async () => receiverA.ofType('LicenseGranted').length === 1 && receiverA.ofType('LicenseGranted'));
    verify(secrets[0], granted);
    expect(granted.body.data).toMatchObject({ partnerId: A, licenseId: grant.body.licenseId, modelId: MODEL, status: 'active' });
    expect(granted.body.data).not.toHaveProperty('grantedBy');
    expect(() => verify(secrets[1], granted)).toThrow();

    // B has only its own (nothing yet): A's facts never reach B's endpoint.
    expect(receiverB.received.filter((r) => r.rawBody.includes(A))).toEqual([]);

    // A sees what was sent to its endpoint; B cannot look at A's endpoint.
    const seen = await eventually(async () => {
      const answer = await partner('GET', `/v1/webhook-endpoints/${endpointA}/deliveries`, memberA);
      return answer.body.deliveries?.every((d: { status: string }) => d.status === 'delivered') && answer.body.total === 2 ? answer : null;
    });
    expect(seen.body.deliveries.map((d: { eventType: string; attempts: number; lastStatusCode: number }) => [d.eventType, d.attempts, d.lastStatusCode])).toEqual([
      ['LicenseGranted', 1, 204],
      ['ApplicationApproved', 1, 204],
    ]);
    expect((await partner('GET', `/v1/webhook-endpoints/${endpointA}/deliveries`, adminB)).body).toMatchObject({ statusCode: 404, code: 'WEBHOOK_ENDPOINT.NOT_FOUND' });
    expect((await partner('GET', `/v1/webhook-endpoints/${endpointB}/deliveries`, adminB)).body).toEqual({ total: 0, deliveries: [] });
  });

  it('tells license holders about a directive covering their model, and only them', async () => {
    const issued = await system.adminApi.post('/v1/directives', directive, officer);
    expect(issued.status).toBe(201);
    const [notice] = await eventually(async () => receiverA.ofType('DirectiveIssued').length === 1 && receiverA.ofType('DirectiveIssued'));
    verify(secrets[0], notice);
    expect(notice.body.data).toMatchObject({ reference: 'WH-DIR-1', scope: { modelIds: [MODEL], families: [] }, affectedModels: [MODEL] });
    // B holds no license for the model: its reactor checkpoint passes the directive without a delivery for B.
    await eventually(async () => {
      const { rows } = await system.db.pool.query("SELECT position FROM projection_checkpoints WHERE name = 'webhook-reactor'");
      return Number(rows[0]?.position ?? 0) >= Number(issued.body.position);
    });
    expect(receiverB.ofType('DirectiveIssued')).toEqual([]);
    const deliveries = await system.db.pool.query('SELECT partner_id, endpoint_id FROM webhook_deliveries WHERE event_type = $1', ['DirectiveIssued']);
    expect(deliveries.rows).toEqual([{ partner_id: A, endpoint_id: endpointA }]);

    // Lifting names no models: the scope comes from the directive's own history.
    const lifted = await system.adminApi.post(`/v1/directives/${issued.body.directiveId}/lift`, { liftedAt: '2026-06-26T00:00:00Z', reason: 'relief' }, officer);
    expect(lifted.status).toBe(200);
    const [liftNotice] = await eventually(async () => receiverA.ofType('DirectiveLifted').length === 1 && receiverA.ofType('DirectiveLifted'));
    expect(liftNotice.body.data).toEqual({ directiveId: issued.body.directiveId, liftedAt: '2026-06-26T00:00:00.000Z', reason: 'relief', affectedModels: [MODEL] });
  });

  it('signs with the new secret after a rotation, and stops delivering to a removed endpoint', async () => {
    const rotated = await partner('POST', `/v1/webhook-endpoints/${endpointA}/rotate-secret`, adminA);
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(secrets[0]);
    secrets.push(rotated.body.secret);
    const licenseId = receiverA.ofType('LicenseGranted')[0].body.data.licenseId;
    expect((await system.adminApi.post(`/v1/licenses/${licenseId}/suspend`, { reason: 'audit' }, officer)).status).toBe(200);
    const [suspended] = await eventually(async () => receiverA.ofType('LicenseSuspended').length === 1 && receiverA.ofType('LicenseSuspended'));
    verify(rotated.body.secret, suspended);
    expect(() => verify(secrets[0], suspended)).toThrow();
    expect(suspended.body.data).toEqual({ partnerId: A, licenseId, modelId: MODEL, status: 'suspended' });

    const removed = await partner('DELETE', `/v1/webhook-endpoints/${endpointA}`, adminA, { reason: 'moving' });
    expect(removed.body).toMatchObject({ endpointId: endpointA, status: 'removed' });
    expect((await partner('DELETE', `/v1/webhook-endpoints/${endpointA}`, adminA)).body).toMatchObject({ statusCode: 409, code: 'WEBHOOK_ENDPOINT.REMOVED', currentStatus: 'removed' });
    const reinstated = await system.adminApi.post(`/v1/licenses/${licenseId}/reinstate`, { reason: 'audit passed' }, officer);
    expect(reinstated.status).toBe(200);
    await eventually(async () => {
      const { rows } = await system.db.pool.query("SELECT position FROM projection_checkpoints WHERE name = 'webhook-reactor'");
      return Number(rows[0]?.position ?? 0) >= Number(reinstated.body.position);
    });
    expect(receiverA.ofType('LicenseReinstated')).toEqual([]);
    expect((await system.db.pool.query('SELECT count(*)::int AS n FROM webhook_endpoint_secrets WHERE endpoint_id = $1', [endpointA])).rows[0].n).toBe(0);
  });

  it('keeps a partner to ten active endpoints', async () => {
    const more = [];
    for (let n = 1; n <= 9; n++) more.push(await partner('POST', '/v1/webhook-endpoints', adminB, { url: `https://hooks.bravo.example/${n}` }));
    expect(more.map((a) => a.status)).toEqual(Array(9).fill(201));
    const eleventh = await partner('POST', '/v1/webhook-endpoints', adminB, { url: 'https://hooks.bravo.example/11' });
    expect(eleventh.body).toMatchObject({ statusCode: 409, code: 'WEBHOOK_ENDPOINT.LIMIT_REACHED', limit: 10 });
    expect((await partner('DELETE', `/v1/webhook-endpoints/${more[0].body.endpointId}`, adminB)).status).toBe(200);
    expect((await partner('POST', '/v1/webhook-endpoints', adminB, { url: 'https://hooks.bravo.example/11' })).status).toBe(201);
  });

  it('never shows a secret again: not in the events table, stored ciphertext, later answers or anything the apps printed', async () => {
    for (const answer of answers) if (typeof answer.body?.secret === 'string' && !secrets.includes(answer.body.secret)) secrets.push(answer.body.secret);
    expect(secrets).toHaveLength(14);
    for (const secret of secrets) {
      const inEvents = await system.db.pool.query('SELECT count(*)::int AS n FROM events WHERE data::text LIKE $1 OR metadata::text LIKE $1', [`%${secret.slice(6)}%`]);
      expect(inEvents.rows[0].n).toBe(0);
      const inTables = await system.db.pool.query('SELECT count(*)::int AS n FROM webhook_endpoint_secrets WHERE ciphertext LIKE $1', [`%${secret.slice(6)}%`]);
      expect(inTables.rows[0].n).toBe(0);
    }
    const later = [
      await partner('GET', '/v1/webhook-endpoints', adminA),
      await partner('GET', '/v1/webhook-endpoints', adminB),
      await system.adminApi.get('/v1/webhook-deliveries?limit=200', officer),
      ...(await Promise.all(
        (await system.db.pool.query<{ id: string }>('SELECT id FROM webhook_deliveries')).rows.map((r) => system.adminApi.get(`/v1/webhook-deliveries/${r.id}`, officer)),
      )),
      await system.adminApi.get(`/v1/partners/${A}/timeline`, officer),
    ];
    const afterCreation = [...answers.filter((a) => !secrets.includes(a.body?.secret)), ...later];
    for (const answer of afterCreation) for (const secret of secrets) expect(JSON.stringify(answer.body)).not.toContain(secret.slice(6));
    expect(later.every((a) => a.status === 200)).toBe(true);
    const output = printed.join('');
    expect(output).toContain('WebhookDeliveriesController');
    for (const secret of secrets) expect(output).not.toContain(secret.slice(6));
  });
});
