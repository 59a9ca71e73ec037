import { Role } from '@app/auth';
import { Api, eventually, HttpAnswer, startTestSystem, TestSystem } from '../support/test-system';
import { corrupt, FuzzVocabulary, randomValue as randomJsonValue } from '../support/fuzz';
import { seeded } from '../support/prng';
import { applicationBody } from '../support/application';

/**
 * Malformed input through the real apps: every wrong body, path id or transition is a 4xx that
 * says what is wrong (`fields[].field` names the field), never a 5xx.
 */

const BODY_LIMIT = 8192;

const validModel = (modelId = 'mythos-5') => ({
  modelId,
  provider: 'Frontier Labs',
  name: modelId,
  version: '2026-06-09',
  family: 'mythos',
  classification: '4E091',
  openWeights: false,
});

const validApplication = () => applicationBody();

const validLicense = () => ({ partnerId: 'p-acme', modelId: 'mythos-5' });
const validCheck = () => ({ partnerId: 'p-acme', model: 'mythos-5' });

type Target = 'models' | 'application' | 'licenses' | 'check' | 'batch';

/** A malformed request: a JSON value (`body`) or raw text (`raw`, with an optional content type). */
interface BadCase {
  what: string;
  body?: unknown;
  raw?: string;
  contentType?: string;
  /** Fields the 400 must name in `fields[].field`; [] when the body as a whole is wrong. */
  fields: string[];
  status?: number;
}

/** Every answer of this file, to prove at the end that none was a 5xx. */
const answers: Array<{ where: string; status: number; body: unknown }> = [];

function fieldsOf(answer: HttpAnswer): string[] {
  const fields = (answer.body as { fields?: Array<{ field?: unknown }> } | null)?.fields;
  return Array.isArray(fields) ? fields.map((f) => String(f.field)) : [];
}

function expectBadRequest(answer: HttpAnswer, where: string, fields: string[], status = 400): void {
  expect({ where, status: answer.status }).toEqual({ where, status });
  expect(answer.body).toMatchObject({ statusCode: status, code: expect.any(String), message: expect.any(String) });
  if (fields.length) {
    expect({ where, fields: fieldsOf(answer) }).toEqual({ where, fields: expect.arrayContaining(fields) });
    expect(answer.body).toMatchObject({ code: 'VALIDATION_FAILED' });
  }
  expect(JSON.stringify(answer.body)).not.toMatch(/at .*\.(ts|js):\d+/); // no stack traces
}

describe('bad input through the real apps', () => {
  let system: TestSystem;
  let admin: string;
  let reviewer: string;
  let officer: string;
  let partner: string;
  let service: string;

  beforeAll(async () => {
    system = await startTestSystem({ env: { BODY_LIMIT_BYTES: String(BODY_LIMIT) } });
    admin = system.token(Role.Admin, { sub: 'alice-admin' });
    reviewer = system.token(Role.Reviewer, { sub: 'rob-reviewer' });
    officer = system.token(Role.ComplianceOfficer, { sub: 'cora-compliance' });
    partner = system.token(Role.PartnerAdmin, { sub: 'pat@acme', partnerId: 'p-acme' });
    service = system.token(Role.Service, { sub: 'gateway' });
  });
  afterAll(() => system.close());

  function route(target: Target): { api: Api; path: string; token: string } {
    switch (target) {
      case 'models':
        return { api: system.adminApi, path: '/v1/models', token: admin };
      case 'application':
        return { api: system.partnerApi, path: '/v1/application', token: partner };
      case 'licenses':
        return { api: system.adminApi, path: '/v1/licenses', token: officer };
      case 'check':
        return { api: system.entitlements, path: '/v1/check', token: service };
      case 'batch':
        return { api: system.entitlements, path: '/v1/check/batch', token: service };
    }
  }

  let applicants = 0;
  async function send(target: Target, c: Pick<BadCase, 'body' | 'raw' | 'contentType'>, headers: Record<string, string> = {}): Promise<HttpAnswer> {
    const { api, path } = route(target);
    let { token } = route(target);
    // A partner of its own for every application, so that one accepted body cannot turn the next into a 409.
    if (target === 'application') {
      const partnerId = `p-applicant-${++applicants}`;
      token = system.token(Role.PartnerAdmin, { sub: `pat@${partnerId}`, partnerId });
    }
    const answer =
      c.raw !== undefined || c.contentType !== undefined
        ? await api.request('POST', path, {
            token,
            rawBody: c.raw ?? JSON.stringify(c.body),
            headers: { ...headers, ...(c.contentType ? { 'content-type': c.contentType } : {}) },
          })
        : await api.request('POST', path, { token, body: c.body, headers });
    answers.push({ where: `POST ${path}`, status: answer.status, body: answer.body });
    return answer;
  }

  // Cases every JSON endpoint shares: the body itself is not what is expected.
  const transportCases: BadCase[] = [
    { what: 'malformed JSON', raw: '{"modelId": "mythos-5",', fields: [] },
    { what: 'malformed JSON (single quotes)', raw: "{'model': 'x'}", fields: [] },
    { what: 'trailing garbage after JSON', raw: '{"model":"x"} {}', fields: [] },
    { what: 'an empty body declared as JSON', raw: '', fields: [] },
    { what: '__proto__ pollution attempt', raw: '{"__proto__": {"polluted": true}, "model": "m"}', fields: [] },
    { what: 'constructor.prototype pollution attempt', raw: '{"constructor": {"prototype": {"polluted": true}}}', fields: [] },
    { what: 'a JSON body sent as application/xml', raw: '{"model":"x"}', contentType: 'application/xml', fields: [], status: 415 },
    // Form bodies are parsed (Nest registers the parser) and then fail validation like any other.
    { what: 'a form-encoded body', raw: 'model=x&partnerId=y&checks=1', contentType: 'application/x-www-form-urlencoded', fields: [] },
    { what: 'arrays nested 500 deep', raw: '['.repeat(500) + ']'.repeat(500), fields: [] },
    { what: 'arrays nested 1500 deep', raw: '['.repeat(1500) + ']'.repeat(1500), fields: [] },
    { what: 'arrays nested 3500 deep', raw: '['.repeat(3500) + ']'.repeat(3500), fields: [] },
    { what: 'objects nested 1200 deep', raw: '{"a":'.repeat(1200) + '1' + '}'.repeat(1200), fields: [] },
    { what: 'a body over BODY_LIMIT_BYTES', body: { padding: 'x'.repeat(BODY_LIMIT + 10) }, fields: [], status: 413 },
    { what: 'a raw body over BODY_LIMIT_BYTES', raw: 'x'.repeat(BODY_LIMIT * 4), fields: [], status: 413 },
  ];
  // Bodies that are valid JSON but not an object.
  const notAnObject: BadCase[] = [
    { what: 'null body', body: null, fields: [] },
    { what: 'an array body', body: [], fields: [] },
    { what: 'an array of objects', body: [{}], fields: [] },
    { what: 'a string body', body: 'hello', fields: [] },
    { what: 'a number body', body: 42, fields: [] },
    { what: 'a boolean body', body: true, fields: [] },
    { what: 'JSON text sent as text/plain', raw: '{"model":"x"}', contentType: 'text/plain', fields: [] },
  ];

  describe('POST /v1/models (admin-api)', () => {
    const m = validModel;
    const cases: BadCase[] = [
      { what: 'empty object', body: {}, fields: ['modelId', 'provider', 'name', 'version', 'family', 'classification', 'openWeights'] },
      { what: 'modelId a number', body: { ...m(), modelId: 123 }, fields: ['modelId'] },
      { what: 'modelId with spaces', body: { ...m(), modelId: 'bad id' }, fields: ['modelId'] },
      { what: 'modelId of 81 characters', body: { ...m(), modelId: 'm'.repeat(81) }, fields: ['modelId'] },
      { what: 'provider missing', body: { ...m(), provider: undefined }, fields: ['provider'] },
      { what: 'provider empty', body: { ...m(), provider: '' }, fields: ['provider'] },
      { what: 'name an object', body: { ...m(), name: { en: 'x' } }, fields: ['name'] },
      { what: 'name a huge string', body: { ...m(), name: 'n'.repeat(5000) }, fields: ['name'] },
      { what: 'version an array', body: { ...m(), version: ['1'] }, fields: ['version'] },
      { what: 'family with a slash', body: { ...m(), family: 'a/b' }, fields: ['family'] },
      { what: 'classification not an ECCN', body: { ...m(), classification: 'XYZ' }, fields: ['classification'] },
      { what: 'openWeights a string', body: { ...m(), openWeights: 'false' }, fields: ['openWeights'] },
      { what: 'openWeights null', body: { ...m(), openWeights: null }, fields: ['openWeights'] },
      { what: 'openWeights 0', body: { ...m(), openWeights: 0 }, fields: ['openWeights'] },
      { what: 'an unknown field', body: { ...m(), licenseFee: 10 }, fields: ['licenseFee'] },
      { what: 'two wrong fields at once', body: { ...m(), modelId: '', openWeights: 'yes' }, fields: ['modelId', 'openWeights'] },
    ];
    it.each([...cases, ...notAnObject, ...transportCases].map((c) => [c.what, c] as const))('%s', async (_, c) => {
      expectBadRequest(await send('models', c), `models: ${c.what}`, c.fields, c.status);
    });
  });

  describe('POST /v1/application (partner-api)', () => {
    const a = validApplication;
    const owner = { name: 'Jane Roe', nationality: 'US', ownershipPercent: 60 };
    const cases: BadCase[] = [
      { what: 'empty object', body: {}, fields: ['legalName', 'registrationNumber', 'countryOfIncorporation', 'addresses', 'beneficialOwners', 'intendedUse', 'requestedModels'] },
      { what: 'legalName a number', body: { ...a(), legalName: 42 }, fields: ['legalName'] },
      { what: 'legalName a huge string', body: { ...a(), legalName: 'L'.repeat(6000) }, fields: ['legalName'] },
      { what: 'registrationNumber null', body: { ...a(), registrationNumber: null }, fields: ['registrationNumber'] },
      { what: 'countryOfIncorporation not ISO 3166 alpha-2', body: { ...a(), countryOfIncorporation: 'USA' }, fields: ['countryOfIncorporation'] },
      { what: 'addresses a string', body: { ...a(), addresses: '1 Main St' }, fields: ['addresses'] },
      { what: 'addresses of numbers', body: { ...a(), addresses: [1, 2] }, fields: ['addresses'] },
      { what: 'addresses with an empty entry', body: { ...a(), addresses: [''] }, fields: ['addresses'] },
      { what: 'addresses, 11 of them', body: { ...a(), addresses: Array.from({ length: 11 }, (_, i) => `${i} Main St`) }, fields: ['addresses'] },
      { what: 'beneficialOwners an object, not an array', body: { ...a(), beneficialOwners: owner }, fields: ['beneficialOwners'] },
      { what: 'beneficialOwners a string', body: { ...a(), beneficialOwners: 'Jane Roe' }, fields: ['beneficialOwners'] },
      { what: 'beneficialOwners entry with a wrong nationality', body: { ...a(), beneficialOwners: [{ ...owner, nationality: 'ZZ' }] }, fields: ['beneficialOwners.0.nationality'] },
      { what: 'beneficialOwners entry over 100 percent', body: { ...a(), beneficialOwners: [owner, { ...owner, ownershipPercent: 101 }] }, fields: ['beneficialOwners.1.ownershipPercent'] },
      { what: 'beneficialOwners entry with a percent as a string', body: { ...a(), beneficialOwners: [{ ...owner, ownershipPercent: '60' }] }, fields: ['beneficialOwners.0.ownershipPercent'] },
      { what: 'beneficialOwners entry missing its name', body: { ...a(), beneficialOwners: [{ nationality: 'US', ownershipPercent: 10 }] }, fields: ['beneficialOwners.0.name'] },
      { what: 'beneficialOwners entry with an unknown field', body: { ...a(), beneficialOwners: [{ ...owner, passport: 'X1' }] }, fields: ['beneficialOwners.0.passport'] },
      { what: 'beneficialOwners entry that is a string', body: { ...a(), beneficialOwners: ['Jane Roe'] }, fields: ['beneficialOwners.0'] },
      { what: 'beneficialOwners entry that is null', body: { ...a(), beneficialOwners: [null] }, fields: ['beneficialOwners.0'] },
      { what: 'beneficialOwners entry that is an array', body: { ...a(), beneficialOwners: [[owner]] }, fields: ['beneficialOwners'] },
      { what: 'beneficialOwners, several entries wrong', body: { ...a(), beneficialOwners: [{ ...owner, name: '' }, owner, { ...owner, ownershipPercent: -1 }] }, fields: ['beneficialOwners.0.name', 'beneficialOwners.2.ownershipPercent'] },
      { what: 'intendedUse too long', body: { ...a(), intendedUse: 'u'.repeat(2001) }, fields: ['intendedUse'] },
      { what: 'requestedModels empty', body: { ...a(), requestedModels: [] }, fields: ['requestedModels'] },
      { what: 'requestedModels with a bad id', body: { ...a(), requestedModels: ['bad id'] }, fields: ['requestedModels'] },
      { what: 'requestedModels of numbers', body: { ...a(), requestedModels: [5] }, fields: ['requestedModels'] },
      { what: 'requestedModels an object', body: { ...a(), requestedModels: { 0: 'mythos-5' } }, fields: ['requestedModels'] },
      { what: 'an unknown field', body: { ...a(), partnerId: 'p-someone-else' }, fields: ['partnerId'] },
    ];
    it.each([...cases, ...notAnObject, ...transportCases].map((c) => [c.what, c] as const))('%s', async (_, c) => {
      expectBadRequest(await send('application', c), `application: ${c.what}`, c.fields, c.status);
    });
  });

  describe('POST /v1/licenses (admin-api)', () => {
    const l = validLicense;
    const cases: BadCase[] = [
      { what: 'empty object', body: {}, fields: ['partnerId', 'modelId'] },
      { what: 'partnerId a number', body: { ...l(), partnerId: 5 }, fields: ['partnerId'] },
      { what: 'partnerId with spaces', body: { ...l(), partnerId: 'p acme' }, fields: ['partnerId'] },
      { what: 'modelId missing', body: { partnerId: 'p-acme' }, fields: ['modelId'] },
      { what: 'modelId a huge string', body: { ...l(), modelId: 'm'.repeat(5000) }, fields: ['modelId'] },
      { what: 'validFrom not a date', body: { ...l(), validFrom: 'yesterday' }, fields: ['validFrom'] },
      { what: 'validFrom a number', body: { ...l(), validFrom: 1767225600000 }, fields: ['validFrom'] },
      { what: 'validUntil an impossible date', body: { ...l(), validUntil: '2026-13-01T00:00:00Z' }, fields: ['validUntil'] },
      { what: 'validUntil an object', body: { ...l(), validUntil: { date: '2027-01-01' } }, fields: ['validUntil'] },
      { what: 'an unknown field', body: { ...l(), grantedBy: 'someone-else' }, fields: ['grantedBy'] },
      { what: 'the body wrapped in an array', body: [l()], fields: [] },
    ];
    it.each([...cases, ...notAnObject, ...transportCases].map((c) => [c.what, c] as const))('%s', async (_, c) => {
      expectBadRequest(await send('licenses', c), `licenses: ${c.what}`, c.fields, c.status);
    });
  });

  describe('POST /v1/check (entitlements, service token)', () => {
    const k = validCheck;
    const cases: BadCase[] = [
      { what: 'empty object', body: {}, fields: ['model'] },
      { what: 'model missing', body: { partnerId: 'p-acme' }, fields: ['model'] },
      { what: 'model a number', body: { partnerId: 'p-acme', model: 5 }, fields: ['model'] },
      { what: 'model with spaces', body: { partnerId: 'p-acme', model: 'my model' }, fields: ['model'] },
      { what: 'neither credential nor partnerId', body: { model: 'mythos-5' }, fields: ['credential'] },
      { what: 'both credential and partnerId', body: { ...k(), credential: 'mk_live_x' }, fields: ['partnerId'] },
      { what: 'credential a number', body: { model: 'mythos-5', credential: 12345 }, fields: ['credential'] },
      { what: 'credential a huge string', body: { model: 'mythos-5', credential: 'c'.repeat(5000) }, fields: ['credential'] },
      { what: 'credential empty', body: { model: 'mythos-5', credential: '' }, fields: ['credential'] },
      { what: 'partnerId an array', body: { model: 'mythos-5', partnerId: ['p-acme'] }, fields: ['partnerId'] },
      { what: 'userId an object', body: { ...k(), userId: { id: 1 } }, fields: ['userId'] },
      { what: 'clientIp too long', body: { ...k(), clientIp: '1'.repeat(46) }, fields: ['clientIp'] },
      { what: 'clientIp not an address', body: { ...k(), clientIp: 'localhost' }, fields: ['clientIp'] },
      { what: 'userId with a NUL', body: { ...k(), userId: 'u-\u0000' }, fields: ['userId'] },
      { what: 'userId with an unpaired surrogate', body: { ...k(), userId: 'u-\ud800' }, fields: ['userId'] },
      { what: 'userId with a control character', body: { ...k(), userId: 'u-\u0007' }, fields: ['userId'] },
      { what: 'minPosition negative', body: { ...k(), minPosition: -1 }, fields: ['minPosition'] },
      { what: 'minPosition fractional', body: { ...k(), minPosition: 1.5 }, fields: ['minPosition'] },
      { what: 'minPosition in exponent notation', body: { ...k(), minPosition: '1e5' }, fields: ['minPosition'] },
      { what: 'minPosition beyond a safe integer', body: { ...k(), minPosition: 2 ** 60 }, fields: ['minPosition'] },
      { what: 'minPosition a boolean', body: { ...k(), minPosition: true }, fields: ['minPosition'] },
      { what: 'an unknown field', body: { ...k(), allow: true }, fields: ['allow'] },
    ];
    it.each([...cases, ...notAnObject, ...transportCases].map((c) => [c.what, c] as const))('%s', async (_, c) => {
      expectBadRequest(await send('check', c), `check: ${c.what}`, c.fields, c.status);
    });
  });

  describe('POST /v1/check/batch (entitlements, service token)', () => {
    const k = validCheck;
    const cases: BadCase[] = [
      { what: 'empty object', body: {}, fields: ['checks'] },
      { what: 'checks empty', body: { checks: [] }, fields: ['checks'] },
      { what: 'checks an object', body: { checks: k() }, fields: ['checks'] },
      { what: 'checks a string', body: { checks: 'all' }, fields: ['checks'] },
      { what: 'a batch of 101 checks', body: { checks: Array.from({ length: 101 }, () => ({ partnerId: 'p', model: 'm' })) }, fields: ['checks'] },
      { what: 'one wrong check among good ones', body: { checks: [k(), k(), { partnerId: 'p-acme', model: 5 }] }, fields: ['checks.2.model'] },
      { what: 'a check with an unknown field', body: { checks: [k(), { ...k(), extra: 1 }] }, fields: ['checks.1.extra'] },
      { what: 'a check that is null', body: { checks: [null] }, fields: ['checks.0'] },
      { what: 'a check that is an array', body: { checks: [[k()]] }, fields: ['checks.0'] },
      { what: 'a check that is a string', body: { checks: ['mythos-5'] }, fields: ['checks.0'] },
      { what: 'an unknown field next to checks', body: { checks: [k()], dryRun: true }, fields: ['dryRun'] },
      { what: 'the checks as the body itself', body: [k()], fields: ['body'] },
    ];
    it.each([...cases, ...notAnObject, ...transportCases].map((c) => [c.what, c] as const))('%s', async (_, c) => {
      expectBadRequest(await send('batch', c), `batch: ${c.what}`, c.fields, c.status);
    });

    it('accepts a batch of exactly 100 checks (the limit is not off by one)', async () => {
      const answer = await send('batch', { body: { checks: Array.from({ length: 100 }, () => k()) } });
      expect(answer.status).toBe(200);
      expect(answer.body.decisions).toHaveLength(100);
    });
  });

  describe('the valid bodies of the tables above are accepted', () => {
    // Guards the tables: each bad case differs from a body the endpoint takes.
    it('accepts the valid model, application, check and batch', async () => {
      expect((await send('models', { body: validModel('valid-model-1') })).status).toBe(201);
      expect((await send('application', { body: validApplication() }, {})).status).toBe(201);
      expect((await send('check', { body: validCheck() })).status).toBe(200);
      expect((await send('batch', { body: { checks: [validCheck()] } })).status).toBe(200);
      // A partner that never applied: an answer about the partner, not about the body.
      const license = await send('licenses', { body: { partnerId: 'p-acme', modelId: 'valid-model-1' } });
      expect(license.status).toBe(404);
      expect(license.body).toMatchObject({ code: 'PARTNER.NOT_FOUND' });
    });
  });

  describe('ids in paths', () => {
    const paths: Array<[string, 'GET' | 'POST' | 'DELETE', string, () => string, string]> = [
      ['spaces', 'POST', '/v1/applications/%20bad%20/approve', () => reviewer, 'partnerId'],
      ['200 characters', 'POST', `/v1/applications/${'p'.repeat(200)}/approve`, () => reviewer, 'partnerId'],
      ['101 characters', 'POST', `/v1/applications/${'p'.repeat(101)}/approve`, () => reviewer, 'partnerId'],
      ['81 characters', 'POST', `/v1/applications/${'p'.repeat(81)}/reject`, () => reviewer, 'partnerId'],
      ['a leading dash', 'POST', '/v1/applications/-p/approve', () => reviewer, 'partnerId'],
      ['an encoded slash', 'POST', '/v1/licenses/..%2F..%2Fetc/revoke', () => officer, 'licenseId'],
      ['non-ASCII', 'POST', '/v1/licenses/lic-%C3%A9/revoke', () => officer, 'licenseId'],
      ['a NUL byte', 'DELETE', '/v1/credentials/cred%00x', () => partner, 'credentialId'],
      ['quotes and angle brackets', 'GET', '/v1/partners/%22%3Cscript%3E/timeline', () => reviewer, 'partnerId'],
      ['SQL-ish', 'GET', `/v1/partners/${encodeURIComponent("p' OR '1'='1")}/timeline`, () => reviewer, 'partnerId'],
    ];
    const apiFor = (path: string) => (path.startsWith('/v1/credentials') ? system.partnerApi : system.adminApi);

    it.each(paths)(
      'an id with %s answers 400 naming the parameter',
      async (_, method, path, token, field) => {
        const answer = await apiFor(path).request(method, path, { token: token(), body: method === 'GET' ? undefined : { reason: 'because' } });
        answers.push({ where: `${method} ${path}`, status: answer.status, body: answer.body });
        expectBadRequest(answer, `${method} ${path}`, [field]);
      },
    );

    it('an 80-character id is valid (404, not 400)', async () => {
      const answer = await system.adminApi.post(`/v1/applications/${'p'.repeat(80)}/approve`, { reason: 'because' }, reviewer);
      answers.push({ where: 'approve 80', status: answer.status, body: answer.body });
      expect(answer.status).toBe(404);
    });

    it('a wrong body on a path with a valid id names the body field', async () => {
      const answer = await system.adminApi.post('/v1/applications/p-acme/approve', { reason: 42 }, reviewer);
      answers.push({ where: 'approve wrong reason', status: answer.status, body: answer.body });
      expectBadRequest(answer, 'approve with a numeric reason', ['reason']);
      const missing = await system.adminApi.post('/v1/applications/p-acme/approve', {}, reviewer);
      expectBadRequest(missing, 'approve without a reason', ['reason']);
    });

    it('a wrong query parameter answers 400 naming it', async () => {
      for (const [query, field] of [['status=maybe', 'status'], ['limit=0', 'limit'], ['limit=abc', 'limit'], ['offset=-1', 'offset'], ['unknown=1', 'unknown']]) {
        const answer = await system.adminApi.get(`/v1/applications?${query}`, reviewer);
        answers.push({ where: `queue ${query}`, status: answer.status, body: answer.body });
        expectBadRequest(answer, `GET /v1/applications?${query}`, [field]);
      }
      const badPartner = await system.adminApi.get('/v1/licenses?partnerId=%20x', officer);
      expectBadRequest(badPartner, 'GET /v1/licenses?partnerId=%20x', ['partnerId']);
    });

    it('a bad Idempotency-Key answers 400 naming it', async () => {
      const answer = await system.adminApi.request('POST', '/v1/models', { token: admin, body: validModel('idem-model'), headers: { 'idempotency-key': 'x'.repeat(201) } });
      answers.push({ where: 'idempotency', status: answer.status, body: answer.body });
      expectBadRequest(answer, 'Idempotency-Key of 201 characters', ['Idempotency-Key']);
    });
  });

  describe('transitions that are not allowed', () => {
    beforeAll(async () => {
      const submit = async (partnerId: string) =>
        system.partnerApi.post('/v1/application', validApplication(), system.token(Role.PartnerAdmin, { sub: `pat@${partnerId}`, partnerId }));
      expect((await system.adminApi.post('/v1/models', validModel('transit-5'), admin)).status).toBe(201);
      for (const id of ['p-twice', 'p-rejected', ...Array.from({ length: 6 }, (_, i) => `p-race-${i}`)]) {
        expect((await submit(id)).status).toBe(201);
        await system.prepareForApproval(id);
      }
    });

    it('approving twice answers 409 with currentStatus', async () => {
      const first = await system.adminApi.post('/v1/applications/p-twice/approve', { reason: 'ok' }, reviewer);
      expect(first.status).toBe(200);
      const second = await system.adminApi.post('/v1/applications/p-twice/approve', { reason: 'ok again' }, reviewer);
      answers.push({ where: 'approve twice', status: second.status, body: second.body });
      expect(second.status).toBe(409);
      expect(second.body).toMatchObject({ statusCode: 409, code: 'PARTNER.INVALID_TRANSITION', currentStatus: 'approved' });
      const reject = await system.adminApi.post('/v1/applications/p-twice/reject', { reason: 'changed my mind' }, reviewer);
      expect(reject.status).toBe(409);
      expect(reject.body).toMatchObject({ currentStatus: 'approved' });
    });

    it('approving a rejected application answers 409 with currentStatus', async () => {
      expect((await system.adminApi.post('/v1/applications/p-rejected/reject', { reason: 'no' }, reviewer)).status).toBe(200);
      const answer = await system.adminApi.post('/v1/applications/p-rejected/approve', { reason: 'yes' }, reviewer);
      expect(answer.status).toBe(409);
      expect(answer.body).toMatchObject({ currentStatus: 'rejected' });
    });

    it('submitting an application twice answers 409 with currentStatus', async () => {
      const again = await system.partnerApi.post('/v1/application', validApplication(), system.token(Role.PartnerAdmin, { sub: 'pat@p-twice', partnerId: 'p-twice' }));
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({ code: 'PARTNER.ALREADY_APPLIED', currentStatus: 'approved' });
    });

    it('registering a model twice answers 409', async () => {
      const again = await system.adminApi.post('/v1/models', validModel('transit-5'), admin);
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({ statusCode: 409, currentStatus: expect.any(String) });
    });

    it('revoking a license twice answers 409 with currentStatus', async () => {
      const granted = await system.adminApi.post('/v1/licenses', { partnerId: 'p-twice', modelId: 'transit-5' }, officer);
      expect(granted.status).toBe(201);
      const path = `/v1/licenses/${granted.body.licenseId}/revoke`;
      expect((await system.adminApi.post(path, { reason: 'end of contract' }, officer)).status).toBe(200);
      const again = await system.adminApi.post(path, { reason: 'again' }, officer);
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({ code: 'LICENSE.INVALID_TRANSITION', currentStatus: 'revoked' });
    });

    it('a license whose window ends before it starts answers 400 naming validUntil', async () => {
      const answer = await system.adminApi.post(
        '/v1/licenses',
        { partnerId: 'p-twice', modelId: 'transit-5', validFrom: '2027-01-01T00:00:00Z', validUntil: '2026-01-01T00:00:00Z' },
        officer,
      );
      answers.push({ where: 'empty window', status: answer.status, body: answer.body });
      expect(answer.status).toBe(400);
      expect(fieldsOf(answer)).toContain('validUntil');
    });

    it('concurrent approve and reject of the same application: exactly one wins, the other is a 409', async () => {
      for (let i = 0; i < 6; i++) {
        const path = (verdict: string) => `/v1/applications/p-race-${i}/${verdict}`;
        const results = await Promise.all([
          system.adminApi.post(path('approve'), { reason: 'race' }, reviewer),
          system.adminApi.post(path('reject'), { reason: 'race' }, reviewer),
          system.adminApi.post(path('approve'), { reason: 'race again' }, reviewer),
        ]);
        for (const r of results) answers.push({ where: `race ${i}`, status: r.status, body: r.body });
        const statuses = results.map((r) => r.status).sort();
        expect(statuses).toEqual([200, 409, 409]);
        for (const loser of results.filter((r) => r.status === 409)) {
          // Either the loser saw the decision (NOT_UNDER_REVIEW) or raced it at the append (version conflict).
          expect(loser.body.currentStatus ?? loser.body.actualVersion).toBeDefined();
        }
      }
      const timeline = await system.adminApi.get('/v1/partners/p-race-0/timeline', reviewer);
      expect(timeline.body.events.filter((e: { streamId: string }) => e.streamId === 'partner-p-race-0').map((e: { type: string }) => e.type).filter((t: string) => t !== 'ApplicationSubmitted')).toHaveLength(1);
    });
  });

  describe('random malformed bodies', () => {
    const KNOWN_KEYS = [
      'modelId', 'provider', 'name', 'version', 'family', 'classification', 'openWeights', 'legalName', 'registrationNumber',
      'countryOfIncorporation', 'addresses', 'beneficialOwners', 'nationality', 'ownershipPercent', 'intendedUse', 'requestedModels',
      'partnerId', 'validFrom', 'validUntil', 'credential', 'model', 'userId', 'clientIp', 'minPosition', 'checks', '0', '',
      'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'length',
    ];
    const STRINGS = ['', ' ', 'US', 'ZZ', 'mythos-5', '4E091', 'EAR99', '2026-01-01T00:00:00Z', 'not-a-date', 'mk_live_x', '\u0000', '\ud800', '😀', '<script>', "' OR 1=1 --", 'null', 'true', '-1', '1e309', 'ü'.repeat(50)];
    const VOCABULARY: FuzzVocabulary = { keys: KNOWN_KEYS, strings: STRINGS };
    const randomValue = (rand: () => number, depth: number) => randomJsonValue(rand, depth, VOCABULARY);

    /** One random request body: mostly JSON values, some deep nesting, some broken JSON text. */
    function randomBody(rand: () => number): { raw: string; contentType?: string } {
      const kind = rand();
      if (kind < 0.08) {
        const depth = 50 + Math.floor(rand() * 1500);
        const open = rand() < 0.5 ? '['.repeat(depth) : '{"a":'.repeat(depth);
        const close = open.startsWith('[') ? ']'.repeat(depth) : '}'.repeat(depth);
        return { raw: rand() < 0.8 ? open + '1' + close : open };
      }
      if (kind < 0.16) {
        return { raw: corrupt(rand, JSON.stringify(randomValue(rand, 4)) ?? 'null') };
      }
      if (kind < 0.2) return { raw: JSON.stringify(randomValue(rand, 3)) ?? '', contentType: rand() < 0.5 ? 'text/plain' : 'application/json; charset=latin1' };
      // Objects shaped like the real bodies, with random values: gets deeper into validation.
      const object = randomValue(rand, 5);
      if (object && typeof object === 'object' && !Array.isArray(object) && rand() < 0.5) {
        const base = pickOf(rand, [validModel(), validApplication(), validLicense(), validCheck(), { checks: [validCheck()] }]);
        return { raw: JSON.stringify({ ...base, ...(object as object) }) };
      }
      return { raw: JSON.stringify(object) ?? 'null' };
    }
    const pickOf = <T>(rand: () => number, xs: T[]) => xs[Math.floor(rand() * xs.length)];

    it('300 random bodies to each of the five endpoints: no 5xx, and every 4xx has an error body', async () => {
      const seed = Number(process.env.FUZZ_SEED ?? 20261121);
      const rand = seeded(seed);
      const bodies = Array.from({ length: 300 }, () => randomBody(rand));
      const targets: Target[] = ['models', 'application', 'licenses', 'check', 'batch'];
      const jobs = bodies.flatMap((body, index) => targets.map((target) => ({ body, index, target })));
      const failures: string[] = [];
      let next = 0;
      const worker = async () => {
        while (next < jobs.length) {
          const { body, index, target } = jobs[next++];
          let answer: HttpAnswer;
          try {
            answer = await send(target, { raw: body.raw, contentType: body.contentType ?? 'application/json' });
          } catch (error) {
            failures.push(`${target} #${index} (seed ${seed}): request failed: ${(error as Error).message}`);
            continue;
          }
          if (answer.status >= 500 || (answer.status >= 400 && typeof (answer.body as { statusCode?: unknown })?.statusCode !== 'number')) {
            failures.push(`${target} #${index} (seed ${seed}): ${answer.status} ${JSON.stringify(answer.body).slice(0, 200)} for ${body.raw.slice(0, 200)}`);
          }
        }
      };
      await Promise.all(Array.from({ length: 12 }, worker));
      expect(failures).toEqual([]);
    });
  });

  describe('across this file', () => {
    it('no request was answered with a 5xx, and the apps are still healthy', async () => {
      expect(answers.length).toBeGreaterThan(1500);
      expect(answers.filter((a) => a.status >= 500).map((a) => `${a.where}: ${a.status} ${JSON.stringify(a.body)}`)).toEqual([]);
      for (const api of [system.adminApi, system.partnerApi, system.entitlements]) expect((await api.get('/health/live')).status).toBe(200);
      // The random bodies wrote nothing that breaks the read side.
      await eventually(async () => (await system.adminApi.get('/v1/models', admin)).status === 200);
    });
  });
});
