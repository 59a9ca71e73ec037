import jwt from 'jsonwebtoken';
import { Role } from '@app/auth';
import { Api, eventually, HttpAnswer, startTestSystem, TestSystem } from '../support/test-system';
import { applicationBody } from '../support/application';

/**
 * Two partners, A and B, each with its own partner_admin: whatever B sends — A's ids in paths,
 * A's partnerId in bodies, queries or headers — B never sees or changes anything of A's. A is set
 * up through the real flow: application, KYB and screening, a reviewer's approval, an EAR99 license
 * granted by one compliance officer, a credential, end users with KYC.
 */

const A = 'p-tenant-alpha';
const B = 'p-tenant-bravo';
const MODEL = 'ti-open-model';
const OTHER_MODEL = 'ti-other-model';

const application = (legalName: string, registrationNumber: string) =>
  applicationBody({ legalName, registrationNumber, intendedUse: 'Code review assistants', requestedModels: [MODEL] });
const model = (modelId: string) => ({ modelId, provider: 'Frontier Labs', name: modelId, version: '2026-06-09', family: modelId, classification: 'EAR99', openWeights: false });

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** Every answer of this file, to prove at the end that none was a 5xx. */
const answers: Array<{ where: string; status: number; body: unknown }> = [];

describe('tenant isolation: partner B never sees or changes partner A', () => {
  let system: TestSystem;
  let reviewer: string;
  let officer: string;
  let service: string;
  let adminA: string;
  let memberA: string;
  let adminB: string;
  let memberB: string;
  /** Everything A owns that B must never see. */
  const a = {} as { credential: string; credentialId: string; licenseId: string; requestedLicenseId: string; approvalId: string; requestedApprovalId: string; userCaseId: string; kybCaseId: string };
  const b = {} as { credential: string; credentialId: string };
  let lastPosition = '0';

  async function call(api: Api, method: Method, path: string, token: string | undefined, body?: unknown, headers: Record<string, string> = {}): Promise<HttpAnswer> {
    const answer = await api.request(method, path, { token, body: method === 'GET' ? undefined : body, headers });
    answers.push({ where: `${method} ${path}`, status: answer.status, body: answer.body });
    if (answer.body && typeof answer.body === 'object' && typeof (answer.body as { position?: unknown }).position === 'string') {
      const position = (answer.body as { position: string }).position;
      if (Number(position) > Number(lastPosition)) lastPosition = position;
    }
    return answer;
  }
  const partner = (method: Method, path: string, token: string, body?: unknown, headers?: Record<string, string>) => call(system.partnerApi, method, path, token, body, headers);
  const staff = (method: Method, path: string, token: string, body?: unknown) => call(system.adminApi, method, path, token, body);
  const check = async (body: Record<string, unknown>) => {
    const answer = await call(system.entitlements, 'POST', '/v1/check', service, { ...body, minPosition: lastPosition });
    expect(answer.status).toBe(200);
    return answer.body as { allow: boolean; reasons: string[]; partnerId: string | null; licenseId: string | null };
  };
  /** Events recorded on behalf of these callers (the worker's own appends do not count). */
  const eventsBy = async (...actorIds: string[]) =>
    (await system.db.pool.query("SELECT count(*)::int AS n FROM events WHERE metadata->>'actorId' = ANY($1)", [actorIds])).rows[0].n as number;
  const PARTNER_SUBS = [`admin@${A}`, `member@${A}`, `admin@${B}`, `member@${B}`];
  /** A's ids and names: none of them may appear anywhere in an answer to B. */
  const secretsOfA = () => [A, 'Alpha Analytics', 'ALPHA-REG-7731', 'u-alice', a.credentialId, a.credential, a.licenseId, a.requestedLicenseId, a.approvalId, a.requestedApprovalId, a.userCaseId, a.kybCaseId];

  beforeAll(async () => {
    system = await startTestSystem();
    const admin = system.token(Role.Admin, { sub: 'ti-admin' });
    reviewer = system.token(Role.Reviewer, { sub: 'ti-reviewer' });
    officer = system.token(Role.ComplianceOfficer, { sub: 'ti-officer' });
    service = system.token(Role.Service, { sub: 'ti-gateway' });
    adminA = system.token(Role.PartnerAdmin, { sub: `admin@${A}`, partnerId: A });
    memberA = system.token(Role.PartnerMember, { sub: `member@${A}`, partnerId: A });
    adminB = system.token(Role.PartnerAdmin, { sub: `admin@${B}`, partnerId: B });
    memberB = system.token(Role.PartnerMember, { sub: `member@${B}`, partnerId: B });

    for (const m of [model(MODEL), model(OTHER_MODEL)]) expect((await staff('POST', '/v1/models', admin, m)).status).toBe(201);
    expect((await system.importLists(['csl'])).status).toBe(200); // before the applications, so screening starts at once
    expect((await partner('POST', '/v1/application', adminA, application('Alpha Analytics Ltd', 'ALPHA-REG-7731'))).status).toBe(201);
    expect((await partner('POST', '/v1/application', adminB, application('Bravo Robotics GmbH', 'BRAVO-REG-1187'))).status).toBe(201);
    await system.prepareForApproval(A);
    await system.prepareForApproval(B);
    for (const id of [A, B]) expect((await staff('POST', `/v1/applications/${id}/approve`, reviewer, { reason: 'KYB verified, screening clear' })).status).toBe(200);

    // EAR99: one compliance officer's grant is active at once. End users must be named and verified.
    const grant = await staff('POST', '/v1/licenses', officer, { partnerId: A, modelId: MODEL, requireEndUserIdentification: true });
    expect(grant.body).toMatchObject({ status: 'active' });
    a.licenseId = grant.body.licenseId;
    const issued = await partner('POST', '/v1/credentials', adminA, { label: 'alpha gateway' });
    expect(issued.status).toBe(201);
    a.credential = issued.body.credential;
    a.credentialId = issued.body.credentialId;
    for (const [userId, name] of [['u-alice', 'Alice Archer'], ['u-shared', 'Sam Shared']]) expect((await partner('POST', '/v1/users', adminA, { userId, name })).status).toBe(201);
    const kyc = await partner('POST', '/v1/kyc/users/u-alice', adminA, { name: 'Alice Archer', citizenships: [{ country: 'US', from: '1990-01-01' }] });
    expect(kyc.body).toMatchObject({ status: 'verified' });
    a.userCaseId = kyc.body.caseId;
    const requested = await partner('POST', '/v1/license-requests', adminA, { modelId: OTHER_MODEL, justification: 'Second product line' });
    expect(requested.status).toBe(201);
    a.requestedLicenseId = requested.body.licenseId;
    const approvalRequest = await partner('POST', '/v1/government-approval-requests', adminA, { models: [MODEL], authority: 'BIS', justification: 'Critical infrastructure' });
    expect(approvalRequest.status).toBe(201);
    a.requestedApprovalId = approvalRequest.body.approvalId;
    const approval = await staff('POST', '/v1/government-approvals', officer, {
      partnerId: A, models: [MODEL], authority: 'BIS', reference: 'BIS-LIC-ALPHA', conditions: '', validFrom: '2026-01-01T00:00:00Z', validUntil: '2036-01-01T00:00:00Z',
    });
    expect(approval.status).toBe(201);
    a.approvalId = approval.body.approvalId;

    const issuedB = await partner('POST', '/v1/credentials', adminB, { label: 'bravo gateway' });
    expect(issuedB.status).toBe(201);
    b.credential = issuedB.body.credential;
    b.credentialId = issuedB.body.credentialId;
    expect((await partner('POST', '/v1/users', adminB, { userId: 'u-bob', name: 'Bob Baker' })).status).toBe(201);

    // Wait until A's records are in A's read models, so that B's empty answers below mean "not B's", not "not yet".
    await eventually(async () => {
      const [creds, licenses, users, kycCases, approvals, usersB] = await Promise.all(
        [['/v1/credentials', adminA], ['/v1/licenses', adminA], ['/v1/users', adminA], ['/v1/kyc', adminA], ['/v1/government-approvals', adminA], ['/v1/users', adminB]].map(([path, token]) => system.partnerApi.get(path, token)),
      );
      return (
        creds.body.credentials?.length === 1 && licenses.body.licenses?.length === 2 && users.body.users?.length === 2 &&
        kycCases.body.kycCases?.length === 2 && approvals.body.governmentApprovals?.length === 2 && usersB.body.users?.length === 1
      );
    });
    a.kybCaseId = (await system.partnerApi.get('/v1/kyc', adminA)).body.kycCases.find((k: { subjectKind: string }) => k.subjectKind === 'organisation').caseId;
  }, 60_000);
  afterAll(() => system.close());

  const LISTS: Array<[string, string]> = [
    ['/v1/application', 'partnerId'],
    ['/v1/credentials', 'credentials'],
    ['/v1/licenses', 'licenses'],
    ['/v1/users', 'users'],
    ['/v1/kyc', 'kycCases'],
    ['/v1/government-approvals', 'governmentApprovals'],
  ];

  function expectNothingOfA(answer: HttpAnswer, where: string): void {
    const text = JSON.stringify(answer.body);
    const leaked = secretsOfA().filter((secret) => secret && text.includes(secret));
    expect({ where, leaked }).toEqual({ where, leaked: [] });
  }

  describe('reading', () => {
    it.each(LISTS)('GET %s answers B (admin and member) with B\'s own records only', async (path, key) => {
      for (const token of [adminB, memberB]) {
        const answer = await partner('GET', path, token);
        expect(answer.status).toBe(200);
        expectNothingOfA(answer, `GET ${path}`);
        if (path === '/v1/application') expect(answer.body).toMatchObject({ partnerId: B, legalName: 'Bravo Robotics GmbH' });
      }
      // ... while A, asking the same, sees its own.
      const own = await partner('GET', path, memberA);
      expect(own.status).toBe(200);
      if (path === '/v1/application') expect(own.body).toMatchObject({ partnerId: A, legalName: 'Alpha Analytics Ltd' });
      else expect(own.body[key].length).toBeGreaterThan(0);
    });

    it('B sees exactly its own credential, users and KYB case', async () => {
      expect((await partner('GET', '/v1/credentials', adminB)).body.credentials.map((c: { credentialId: string }) => c.credentialId)).toEqual([b.credentialId]);
      expect((await partner('GET', '/v1/users', adminB)).body.users.map((u: { userId: string }) => u.userId)).toEqual(['u-bob']);
      expect((await partner('GET', '/v1/licenses', adminB)).body.licenses).toEqual([]);
      expect((await partner('GET', '/v1/government-approvals', adminB)).body.governmentApprovals).toEqual([]);
      const kyc = (await partner('GET', '/v1/kyc', adminB)).body.kycCases;
      expect(kyc.map((k: { subjectKind: string }) => k.subjectKind)).toEqual(['organisation']);
    });

    it.each(LISTS)('GET %s ignores a partnerId in the query or in a header: the token\'s partnerId wins', async (path) => {
      for (const [query, headers] of [
        [`?partnerId=${A}`, {}],
        [`?partner_id=${A}&partnerId[]=${A}`, {}],
        ['', { 'x-partner-id': A }],
        ['', { 'x-tenant-id': A, 'x-forwarded-user': `admin@${A}` }],
      ] as const) {
        const answer = await partner('GET', path + query, adminB, undefined, headers);
        // Either refused as an unknown parameter or ignored; never A's records.
        expect([200, 400]).toContain(answer.status);
        expectNothingOfA(answer, `GET ${path}${query} ${JSON.stringify(headers)}`);
      }
    });
  });

  describe('changing', () => {
    it("B revoking A's credential answers 404, like a credential that does not exist, and A's credential still works", async () => {
      const answer = await partner('DELETE', `/v1/credentials/${a.credentialId}`, adminB, { reason: 'mine now' });
      expect(answer.status).toBe(404);
      expect(answer.body).toMatchObject({ code: 'CREDENTIAL.NOT_FOUND', message: expect.any(String) });
      const unknown = await partner('DELETE', '/v1/credentials/cred-does-not-exist', adminB, { reason: 'mine now' });
      expect({ ...answer.body }).toEqual({ ...unknown.body }); // nothing tells B that A's id exists
      expectNothingOfA(answer, 'DELETE A credential');

      expect(await check({ credential: a.credential, model: MODEL, userId: 'u-alice' })).toMatchObject({ allow: true, partnerId: A, licenseId: a.licenseId });
      const listed = await eventually(async () => (await partner('GET', '/v1/credentials', adminA)).body.credentials);
      expect(listed).toEqual([expect.objectContaining({ credentialId: a.credentialId, status: 'active', revokedAt: null })]);
    });

    it("B removing A's user answers 404, and A's user stays enrolled and keeps passing checks", async () => {
      const answer = await partner('DELETE', '/v1/users/u-alice', adminB, { reason: 'gone' });
      expect(answer.status).toBe(404);
      expect(answer.body).toMatchObject({ code: 'USER.NOT_FOUND' });
      expectNothingOfA(answer, 'DELETE A user');
      const users = (await partner('GET', '/v1/users', adminA)).body.users;
      expect(users).toEqual(expect.arrayContaining([expect.objectContaining({ userId: 'u-alice', status: 'enrolled' })]));
      expect(await check({ credential: a.credential, model: MODEL, userId: 'u-alice' })).toMatchObject({ allow: true });
    });

    it('the same user id at A and at B are two users: B enrolling and removing its own leaves A\'s alone', async () => {
      expect((await partner('POST', '/v1/users', adminB, { userId: 'u-shared', name: 'Somebody Else' })).status).toBe(201);
      expect((await partner('DELETE', '/v1/users/u-shared', adminB, { reason: 'left' })).status).toBe(200);
      await eventually(async () => (await partner('GET', '/v1/users', adminB)).body.users.some((u: { userId: string; status: string }) => u.userId === 'u-shared' && u.status === 'removed'));
      const usersOfA = (await partner('GET', '/v1/users', adminA)).body.users;
      expect(usersOfA).toEqual(expect.arrayContaining([expect.objectContaining({ userId: 'u-shared', name: 'Sam Shared', status: 'enrolled' })]));
    });

    it("B starting KYC for A's user id opens B's own case: A's user, cases and checks are untouched", async () => {
      // The sandbox fails a declared name containing FAIL: were this case A's, A's user would stop passing checks.
      const started = await partner('POST', '/v1/kyc/users/u-alice', adminB, { name: 'FAIL Alice Archer', citizenships: [{ country: 'FR' }] });
      expect(started.status).toBe(201);
      expect(started.body).toMatchObject({ status: 'failed' });
      expect(started.body.caseId).not.toBe(a.userCaseId);
      const ofB = await eventually(async () =>
        (await partner('GET', '/v1/kyc', adminB)).body.kycCases.find((k: { caseId: string; status: string }) => k.caseId === started.body.caseId && k.status === 'failed'),
      );
      expect(ofB).toMatchObject({ subjectKind: 'user', userId: 'u-alice', status: 'failed' });
      const ofA = (await partner('GET', '/v1/kyc', adminA)).body.kycCases;
      expect(ofA.map((k: { caseId: string }) => k.caseId)).not.toContain(started.body.caseId);
      expect(ofA.find((k: { caseId: string }) => k.caseId === a.userCaseId)).toMatchObject({ status: 'verified' });
      const queue = (await staff('GET', `/v1/kyc-cases?partnerId=${B}&status=failed`, reviewer)).body.kycCases;
      expect(queue).toEqual([expect.objectContaining({ caseId: started.body.caseId, partnerId: B })]);
      expect((await staff('GET', `/v1/kyc-cases?partnerId=${A}&status=failed`, reviewer)).body.total).toBe(0);
      expect(await check({ credential: a.credential, model: MODEL, userId: 'u-alice' })).toMatchObject({ allow: true, reasons: [] });
    });

    it("B's license request is B's, and gives B nothing of A's license", async () => {
      const requested = await partner('POST', '/v1/license-requests', adminB, { modelId: MODEL, justification: 'Same as Alpha' });
      expect(requested.status).toBe(201);
      expect(requested.body.licenseId).not.toBe(a.licenseId);
      const listed = await eventually(async () => (await staff('GET', `/v1/licenses?partnerId=${B}`, officer)).body.licenses.find((l: { licenseId: string }) => l.licenseId === requested.body.licenseId));
      expect(listed).toMatchObject({ partnerId: B, modelId: MODEL, status: 'requested' });
      expect(await check({ credential: b.credential, model: MODEL })).toMatchObject({ allow: false, reasons: ['NO_LICENSE'], partnerId: B });
      const ofA = (await staff('GET', `/v1/licenses?partnerId=${A}`, officer)).body.licenses.map((l: { licenseId: string }) => l.licenseId).sort();
      expect(ofA).toEqual([a.licenseId, a.requestedLicenseId].sort());
    });

    it("A's check naming B's user is USER_UNKNOWN; B's credential naming A's model license is NO_LICENSE", async () => {
      expect(await check({ credential: a.credential, model: MODEL, userId: 'u-bob' })).toMatchObject({ allow: false, reasons: ['USER_UNKNOWN'], partnerId: A });
      expect(await check({ credential: b.credential, model: MODEL, userId: 'u-alice' })).toMatchObject({ allow: false, partnerId: B, licenseId: null });
    });

    // Bodies that name A (or A's records) on every partner write: refused as unknown fields, so nothing is done at all.
    const foreignBodies = (): Array<[Method, string, Record<string, unknown>, string]> => [
      ['POST', '/v1/application', { ...application('Bravo Robotics GmbH', 'BRAVO-REG-1187'), partnerId: A }, 'partnerId'],
      ['PUT', '/v1/application', { ...application('Hijacked Ltd', 'X-1'), partnerId: A }, 'partnerId'],
      ['POST', '/v1/application/resubmit', { ...application('Hijacked Ltd', 'X-1'), response: 'x', partnerId: A }, 'partnerId'],
      ['POST', '/v1/credentials', { label: 'into alpha', partnerId: A }, 'partnerId'],
      ['POST', '/v1/credentials', { label: 'into alpha', credentialId: a.credentialId }, 'credentialId'],
      ['DELETE', `/v1/credentials/${b.credentialId}`, { reason: 'x', partnerId: A }, 'partnerId'],
      ['POST', '/v1/kyc/organisation', { partnerId: A }, 'partnerId'],
      ['POST', '/v1/kyc/users/u-alice', { name: 'Alice Archer', citizenships: [{ country: 'US' }], partnerId: A }, 'partnerId'],
      ['POST', '/v1/kyc/users/u-alice', { name: 'Alice Archer', citizenships: [{ country: 'US' }], caseId: a.userCaseId }, 'caseId'],
      ['POST', '/v1/users', { userId: 'u-intruder', name: 'Intruder', partnerId: A }, 'partnerId'],
      ['DELETE', '/v1/users/u-bob', { reason: 'x', partnerId: A }, 'partnerId'],
      ['POST', '/v1/license-requests', { modelId: MODEL, justification: 'x', partnerId: A }, 'partnerId'],
      ['POST', '/v1/license-requests', { modelId: MODEL, justification: 'x', licenseId: a.requestedLicenseId }, 'licenseId'],
      ['POST', '/v1/government-approval-requests', { models: [MODEL], authority: 'BIS', justification: 'x', partnerId: A }, 'partnerId'],
      ['POST', '/v1/government-approval-requests', { models: [MODEL], authority: 'BIS', justification: 'x', approvalId: a.requestedApprovalId }, 'approvalId'],
    ];

    it('a partnerId (or one of A\'s ids) in a body is refused as an unknown field, on every partner write', async () => {
      const before = await eventsBy(...PARTNER_SUBS);
      for (const [method, path, body, field] of foreignBodies()) {
        const answer = await partner(method, path, adminB, body);
        expect({ where: `${method} ${path} ${field}`, status: answer.status, code: answer.body?.code }).toEqual({ where: `${method} ${path} ${field}`, status: 400, code: 'VALIDATION_FAILED' });
        expect(answer.body.fields.map((f: { field: string }) => f.field)).toContain(field);
      }
      expect(await eventsBy(...PARTNER_SUBS)).toBe(before);
    });

    it('A is exactly as it was: approved, its license active, its credential active, its users enrolled', async () => {
      const view = await eventually(async () => {
        const answer = await staff('GET', `/v1/partners/${A}`, reviewer);
        return answer.body.users?.length === 2 && answer.body;
      });
      expect(view).toMatchObject({ partnerId: A, status: 'approved', legalName: 'Alpha Analytics Ltd' });
      expect(view.licenses).toEqual(expect.arrayContaining([{ licenseId: a.licenseId, modelId: MODEL, status: 'active' }]));
      expect(view.users).toEqual(expect.arrayContaining([{ userId: 'u-alice', status: 'enrolled' }, { userId: 'u-shared', status: 'enrolled' }]));
      expect(view.kycCases.map((k: { caseId: string }) => k.caseId).sort()).toEqual([a.kybCaseId, a.userCaseId].sort());
      expect(view.governmentApprovals.map((g: { approvalId: string }) => g.approvalId).sort()).toEqual([a.approvalId, a.requestedApprovalId].sort());
      const timeline = (await staff('GET', `/v1/partners/${A}/timeline`, reviewer)).body.events;
      expect(timeline.every((e: { actorId: string }) => !e.actorId.includes(B))).toBe(true);
      expect(await check({ credential: a.credential, model: MODEL, userId: 'u-alice' })).toMatchObject({ allow: true });
    });
  });

  describe('the same person acting for both partners (one sub, two partnerIds)', () => {
    // An IdP may issue one user tokens for two organisations. An Idempotency-Key is the caller's
    // retry handle: the same key sent for B must not land on (or reveal) what it created for A.
    const sub = 'consultant@shared-idp.example';
    let asA: string;
    let asB: string;
    beforeAll(() => {
      asA = system.token(Role.PartnerAdmin, { sub, partnerId: A });
      asB = system.token(Role.PartnerAdmin, { sub, partnerId: B });
    });
    const withKey = (token: string, method: Method, path: string, body: unknown, key: string) => partner(method, path, token, body, { 'idempotency-key': key });

    it('issuing a credential with the same Idempotency-Key gives B a credential of its own', async () => {
      const forA = await withKey(asA, 'POST', '/v1/credentials', { label: 'consultant' }, 'onboarding-credential');
      expect(forA.status).toBe(201);
      const forB = await withKey(asB, 'POST', '/v1/credentials', { label: 'consultant' }, 'onboarding-credential');
      expect(forB.status).toBe(201);
      expect({ sameId: forB.body.credentialId === forA.body.credentialId, secretShown: typeof forB.body.credential === 'string' }).toEqual({ sameId: false, secretShown: true });
      const ofB = await eventually(async () => (await partner('GET', '/v1/credentials', adminB)).body.credentials.find((c: { credentialId: string }) => c.credentialId === forB.body.credentialId));
      expect(ofB).toMatchObject({ status: 'active' });
    });

    it('starting KYC with the same Idempotency-Key does not answer B with the outcome of A\'s case', async () => {
      const forA = await withKey(asA, 'POST', '/v1/kyc/users/u-consultant', { name: 'Casey Consultant', citizenships: [{ country: 'US' }] }, 'kyc-consultant');
      expect(forA.body).toMatchObject({ status: 'verified' });
      const forB = await withKey(asB, 'POST', '/v1/kyc/users/u-consultant', { name: 'FAIL Casey Consultant', citizenships: [{ country: 'FR' }] }, 'kyc-consultant');
      expect(forB.status).toBe(201);
      expect({ sameCase: forB.body.caseId === forA.body.caseId, status: forB.body.status }).toEqual({ sameCase: false, status: 'failed' });
    });

    it("requesting a license with the same Idempotency-Key files B's own request", async () => {
      const license = { modelId: OTHER_MODEL, justification: 'consultant request' };
      const forA = await withKey(asA, 'POST', '/v1/license-requests', license, 'license-request-1');
      expect(forA.status).toBe(201);
      const forB = await withKey(asB, 'POST', '/v1/license-requests', license, 'license-request-1');
      expect(forB.status).toBe(201);
      expect(forB.body.licenseId).not.toBe(forA.body.licenseId);
      const ofB = await eventually(async () => (await staff('GET', `/v1/licenses?partnerId=${B}`, officer)).body.licenses.find((l: { licenseId: string }) => l.licenseId === forB.body.licenseId));
      expect(ofB).toMatchObject({ partnerId: B, status: 'requested' });
    });

    it("requesting a government approval with the same Idempotency-Key files B's own request", async () => {
      const approval = { models: [MODEL], authority: 'BIS', justification: 'consultant request' };
      const forA = await withKey(asA, 'POST', '/v1/government-approval-requests', approval, 'gov-request-1');
      expect(forA.status).toBe(201);
      const forB = await withKey(asB, 'POST', '/v1/government-approval-requests', approval, 'gov-request-1');
      expect(forB.status).toBe(201);
      expect(forB.body.approvalId).not.toBe(forA.body.approvalId);
    });
  });

  describe('tokens', () => {
    const ADMIN_ENDPOINTS = (): Array<[Method, string, unknown]> => {
      const reason = { reason: 'from a partner token' };
      return [
        ['GET', '/v1/models', undefined],
        ['POST', '/v1/models', model('ti-partner-model')],
        ['POST', `/v1/models/${MODEL}/suspend`, reason],
        ['POST', `/v1/models/${MODEL}/reinstate`, reason],
        ['POST', `/v1/models/${MODEL}/retire`, reason],
        ['GET', '/v1/applications', undefined],
        ['POST', `/v1/applications/${B}/start-review`, {}],
        ['POST', `/v1/applications/${B}/request-information`, { message: 'x', fields: [] }],
        ['POST', `/v1/applications/${B}/approve`, reason],
        ['POST', `/v1/applications/${A}/reject`, reason],
        ['GET', `/v1/partners/${A}`, undefined],
        ['GET', `/v1/partners/${B}`, undefined],
        ['GET', `/v1/partners/${A}/timeline`, undefined],
        ['POST', `/v1/partners/${A}/suspend`, reason],
        ['POST', `/v1/partners/${A}/reinstate`, reason],
        ['POST', `/v1/partners/${A}/offboard`, reason],
        ['GET', `/v1/kyc-cases?partnerId=${A}`, undefined],
        ['POST', `/v1/kyc-cases/${a.userCaseId}/review`, { outcome: 'failed', reason: 'x' }],
        ['GET', `/v1/screenings?partnerId=${A}`, undefined],
        ['GET', '/v1/screenings/scr-1', undefined],
        ['POST', '/v1/screenings/scr-1/clear', reason],
        ['POST', '/v1/screenings/scr-1/confirm', reason],
        ['POST', '/v1/restricted-party-lists/import', {}],
        ['GET', '/v1/restricted-party-lists', undefined],
        ['GET', `/v1/government-approvals?partnerId=${A}`, undefined],
        ['POST', '/v1/government-approvals', { partnerId: B, models: [MODEL], authority: 'BIS', reference: 'self', conditions: '', validFrom: '2026-01-01T00:00:00Z' }],
        ['POST', `/v1/government-approvals/${a.approvalId}/amend`, { partnerId: A, models: [MODEL], authority: 'BIS', reference: 'x', conditions: '', validFrom: '2026-01-01T00:00:00Z', reason: 'x' }],
        ['POST', `/v1/government-approvals/${a.approvalId}/revoke`, reason],
        ['GET', `/v1/licenses?partnerId=${A}`, undefined],
        ['POST', '/v1/licenses', { partnerId: B, modelId: MODEL }],
        ['POST', `/v1/licenses/${a.requestedLicenseId}/approve`, {}],
        ['POST', `/v1/licenses/${a.requestedLicenseId}/reject`, reason],
        ['POST', `/v1/licenses/${a.licenseId}/suspend`, reason],
        ['POST', `/v1/licenses/${a.licenseId}/reinstate`, reason],
        ['POST', `/v1/licenses/${a.licenseId}/amend`, { validFrom: '2026-01-01T00:00:00Z', reason: 'x' }],
        ['POST', `/v1/licenses/${a.licenseId}/revoke`, reason],
        ['GET', '/v1/directives', undefined],
        ['POST', '/v1/directives', { authority: 'x' }],
        ['POST', '/v1/directives/dir-1/amend', reason],
        ['POST', '/v1/directives/dir-1/lift', { liftedAt: '2026-01-01T00:00:00Z', reason: 'x' }],
      ];
    };

    it('partner tokens (admin and member, of either partner) on every admin-api endpoint answer 403, and change nothing', async () => {
      const before = await eventsBy(...PARTNER_SUBS);
      const wrong: string[] = [];
      for (const token of [adminA, memberA, adminB, memberB]) {
        for (const [method, path, body] of ADMIN_ENDPOINTS()) {
          const answer = await staff(method, path, token, body);
          if (answer.status !== 403 || typeof answer.body?.code !== 'string' || typeof answer.body?.message !== 'string') wrong.push(`${method} ${path}: ${answer.status} ${JSON.stringify(answer.body).slice(0, 200)}`);
        }
      }
      expect(wrong).toEqual([]);
      expect(await eventsBy(...PARTNER_SUBS)).toBe(before);
    });

    it('partner tokens on the entitlements check answer 403', async () => {
      for (const token of [adminA, adminB, memberB]) {
        const answer = await call(system.entitlements, 'POST', '/v1/check', token, { credential: a.credential, model: MODEL });
        expect(answer.status).toBe(403);
        const byId = await call(system.entitlements, 'POST', '/v1/check', token, { partnerId: A, model: MODEL });
        expect(byId.status).toBe(403);
      }
    });

    const PARTNER_ENDPOINTS = (): Array<[Method, string, unknown]> => [
      ['GET', '/v1/application', undefined],
      ['POST', '/v1/application', application('Nobody Ltd', 'N-1')],
      ['PUT', '/v1/application', application('Nobody Ltd', 'N-1')],
      ['POST', '/v1/application/resubmit', { ...application('Nobody Ltd', 'N-1'), response: 'x' }],
      ['GET', '/v1/credentials', undefined],
      ['POST', '/v1/credentials', { label: 'x' }],
      ['DELETE', `/v1/credentials/${a.credentialId}`, { reason: 'x' }],
      ['GET', '/v1/licenses', undefined],
      ['GET', '/v1/users', undefined],
      ['POST', '/v1/users', { userId: 'u-x', name: 'X' }],
      ['DELETE', '/v1/users/u-alice', { reason: 'x' }],
      ['GET', '/v1/kyc', undefined],
      ['POST', '/v1/kyc/organisation', {}],
      ['POST', '/v1/kyc/users/u-alice', { name: 'X', citizenships: [] }],
      ['POST', '/v1/license-requests', { modelId: MODEL, justification: 'x' }],
      ['POST', '/v1/government-approval-requests', { models: [MODEL], authority: 'BIS', justification: 'x' }],
      ['GET', '/v1/government-approvals', undefined],
    ];

    /** Signs claims as given (bypassing signToken's shape), with the system's key. */
    const rawToken = (claims: Record<string, unknown>) =>
      jwt.sign(claims, system.config.jwt.secret!, { algorithm: 'HS256', issuer: system.config.jwt.issuer, audience: system.config.jwt.audience, subject: `admin@${A}`, expiresIn: 600 });

    it('a partner token without a usable partnerId answers 401 on every partner-api endpoint, and changes nothing', async () => {
      const tokens: Array<[string, string]> = [
        ['partner_admin without partnerId', system.token(Role.PartnerAdmin, { sub: `admin@${A}` })],
        ['partner_member without partnerId', system.token(Role.PartnerMember, { sub: `member@${A}` })],
        ['partnerId empty', rawToken({ role: Role.PartnerAdmin, partnerId: '' })],
        ['partnerId null', rawToken({ role: Role.PartnerAdmin, partnerId: null })],
        ['partnerId a number', rawToken({ role: Role.PartnerAdmin, partnerId: 7 })],
        ['partnerId an array naming A', rawToken({ role: Role.PartnerAdmin, partnerId: [A] })],
        ['partnerId an object naming A', rawToken({ role: Role.PartnerAdmin, partnerId: { id: A } })],
        ['partner_id instead of partnerId', rawToken({ role: Role.PartnerAdmin, partner_id: A })],
      ];
      const before = await eventsBy(...PARTNER_SUBS);
      const wrong: string[] = [];
      for (const [what, token] of tokens) {
        for (const [method, path, body] of PARTNER_ENDPOINTS()) {
          const answer = await partner(method, path, token, body);
          if (answer.status !== 401 || typeof answer.body?.message !== 'string') wrong.push(`${what}: ${method} ${path}: ${answer.status} ${JSON.stringify(answer.body).slice(0, 200)}`);
        }
      }
      expect(wrong).toEqual([]);
      expect(await eventsBy(...PARTNER_SUBS)).toBe(before);
    });

    it('staff and service tokens (no partnerId) answer 403 on every partner-api endpoint', async () => {
      const wrong: string[] = [];
      for (const role of [Role.Reviewer, Role.ComplianceOfficer, Role.Auditor, Role.Admin, Role.Service]) {
        // A partnerId claim on a staff token is dropped, not honoured.
        const token = system.token(role, { sub: `${role}@staff`, partnerId: A });
        for (const [method, path, body] of PARTNER_ENDPOINTS()) {
          const answer = await partner(method, path, token, body);
          if (answer.status !== 403) wrong.push(`${role}: ${method} ${path}: ${answer.status} ${JSON.stringify(answer.body).slice(0, 200)}`);
        }
      }
      expect(wrong).toEqual([]);
    });

    it('B\'s partner_member cannot write for B either (and so not for A)', async () => {
      for (const [method, path, body] of PARTNER_ENDPOINTS().filter(([m]) => m !== 'GET')) {
        const answer = await partner(method, path, memberB, body);
        expect({ path, status: answer.status }).toEqual({ path, status: 403 });
      }
    });
  });

  describe('across this file', () => {
    it('no request was answered with a 5xx', () => {
      expect(answers.length).toBeGreaterThan(300);
      expect(answers.filter((x) => x.status >= 500).map((x) => `${x.where}: ${x.status} ${JSON.stringify(x.body).slice(0, 200)}`)).toEqual([]);
    });
  });
});
