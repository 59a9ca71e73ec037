import { Role } from '@app/auth';
import { signWebhook } from '@app/kyc';
import { eventually, HttpAnswer, startTestSystem, TestSystem } from '../support/test-system';
import { WebhookReceiver } from '../support/webhook-receiver';

/**
 * Fault 5: the same command sent twice with one Idempotency-Key, and the same provider webhook
 * delivered twice (one after the other, and both at once), each take effect once: one event, one
 * change in the read models, one partner webhook, the same answer; the check sees the effect.
 */

const PARTNER = 'p-twice';
const MODEL = 'twice-model';
const KYC_SECRET = 'kyc-webhook-secret-twice-0123456789abcdef';

describe('fault 5: a command or a provider webhook delivered twice takes effect once', () => {
  let system: TestSystem;
  const receiver = new WebhookReceiver();
  let partnerAdmin: string;
  let officer: string;
  let service: string;
  let licenseId: string;
  let credential: string;

  const eventsOf = async (streamId: string) =>
    (await system.db.pool.query<{ type: string }>('SELECT type FROM events WHERE stream_id = $1 ORDER BY stream_version', [streamId])).rows.map((r) => r.type);
  const countOfType = async (type: string) => (await system.db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM events WHERE type = $1', [type])).rows[0].n;
  const check = (userId: string) => system.entitlements.post('/v1/check', { credential, model: MODEL, userId }, service);
  const twice = async (send: () => Promise<HttpAnswer>) => [await send(), await send()];
  const atOnce = (send: () => Promise<HttpAnswer>) => Promise.all([send(), send()]);

  beforeAll(async () => {
    await receiver.start();
    system = await startTestSystem({ env: { KYC_WEBHOOK_SECRETS: KYC_SECRET, WEBHOOK_HTTP_ALLOWED_HOSTS: '127.0.0.1', WEBHOOK_BACKOFF_BASE_MS: '50', WEBHOOK_BACKOFF_MAX_MS: '200' } });
    partnerAdmin = system.token(Role.PartnerAdmin, { sub: `admin@${PARTNER}`, partnerId: PARTNER });
    officer = system.token(Role.ComplianceOfficer, { sub: 'officer-twice' });
    service = system.token(Role.Service);
    expect((await system.adminApi.post('/v1/models', { modelId: MODEL, provider: 'P', name: 'Twice', version: '1', family: 'twice', classification: 'EAR99', openWeights: false }, system.token(Role.Admin))).status).toBe(201);
    expect((await system.partnerApi.post('/v1/application', {
      legalName: 'Twice Twice Ltd', registrationNumber: 'T-2', countryOfIncorporation: 'US', addresses: [], beneficialOwners: [],
      intendedUse: 'proving exactly-once', requestedModels: [MODEL],
    }, partnerAdmin)).status).toBe(201);
    expect((await system.partnerApi.post('/v1/webhook-endpoints', { url: receiver.url }, partnerAdmin)).status).toBe(201);
    await system.prepareForApproval(PARTNER);
    expect((await system.adminApi.post(`/v1/applications/${PARTNER}/approve`, { reason: 'ok' }, system.token(Role.Reviewer))).status).toBe(200);
    const granted = await system.adminApi.post('/v1/licenses', { partnerId: PARTNER, modelId: MODEL }, officer);
    expect(granted.body.status).toBe('active');
    licenseId = granted.body.licenseId;
    await eventually(async () => receiver.ofType('LicenseGranted').length === 1, 15_000);
  }, 60_000);
  afterAll(async () => {
    await receiver.close();
    await system?.close();
  });

  describe('the same command twice with one Idempotency-Key', () => {
    it('enrols a user once, sequentially and concurrently: one event, one row, the same answer', async () => {
      const enrol = (userId: string, key: string) => () =>
        system.partnerApi.post('/v1/users', { userId, name: 'Uma Twice' }, partnerAdmin, { 'idempotency-key': key });
      for (const [userId, send] of [['u-seq', twice], ['u-par', atOnce]] as const) {
        const answers = await send(enrol(userId, `enrol-${userId}`));
        expect(answers.map((a) => a.status)).toEqual([201, 201]);
        expect(answers[1].body.position).toBe(answers[0].body.position);
        const { rows } = await system.db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM events WHERE type = 'UserEnrolled' AND data->>'userId' = $1", [userId]);
        expect({ userId, events: rows[0].n }).toEqual({ userId, events: 1 });
      }
      const users = await eventually(async () => {
        const ids: string[] = (await system.partnerApi.get('/v1/users', partnerAdmin)).body.users.map((u: { userId: string }) => u.userId);
        return ids.includes('u-seq') && ids.includes('u-par') && ids;
      });
      expect(users.sort()).toEqual(['u-par', 'u-seq']);
    });

    it('issues one credential, and shows its secret in the first answer only', async () => {
      const issue = () => system.partnerApi.post('/v1/credentials', { label: 'gateway' }, partnerAdmin, { 'idempotency-key': 'issue-gateway-credential' });
      const [first, retry] = await twice(issue);
      expect(first.status).toBe(201);
      expect(retry.status).toBe(201);
      expect(retry.body.credentialId).toBe(first.body.credentialId);
      expect(retry.body.position).toBe(first.body.position);
      expect(first.body.credential).toMatch(/^mk_live_/);
      expect(retry.body.credential ?? null).toBeNull();
      credential = first.body.credential;
      expect(await countOfType('CredentialIssued')).toBe(1);
      const listed = await eventually(async () => {
        const { credentials } = (await system.partnerApi.get('/v1/credentials', partnerAdmin)).body;
        return credentials.length >= 1 && credentials;
      });
      expect(listed).toHaveLength(1);
    });

    it('suspends the license once: one event, one status change, one partner webhook, and the check denies', async () => {
      const suspend = () => system.adminApi.post(`/v1/licenses/${licenseId}/suspend`, { reason: 'export review' }, officer, { 'idempotency-key': 'suspend-for-review' });
      const answers = [...(await atOnce(suspend)), await suspend()];
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
      expect(new Set(answers.map((a) => a.body.position)).size).toBe(1);
      expect(await eventsOf(`license-${licenseId}`)).toEqual(['LicenseGranted', 'LicenseSuspended']);

      const licenses = await eventually(async () => {
        const { licenses } = (await system.adminApi.get(`/v1/licenses?partnerId=${PARTNER}`, officer)).body;
        return licenses[0]?.status === 'suspended' && licenses;
      });
      expect(licenses.map((l: { licenseId: string; status: string }) => [l.licenseId, l.status])).toEqual([[licenseId, 'suspended']]);
      expect((await check('u-seq')).body.reasons).toContain('LICENSE_SUSPENDED');

      await eventually(async () => receiver.ofType('LicenseSuspended').length >= 1, 15_000);
      // Time for a second delivery to arrive if one had been enqueued.
      await new Promise((r) => setTimeout(r, 1000));
      expect(receiver.ofType('LicenseSuspended')).toHaveLength(1);

      // Without the key, the same request is a new command, which the domain refuses (already suspended).
      expect((await system.adminApi.post(`/v1/licenses/${licenseId}/suspend`, { reason: 'export review' }, officer)).status).toBe(409);
    });
  });

  describe('the same provider webhook delivered twice', () => {
    let caseId: string;
    const deliver = (payload: object) => () => {
      const body = JSON.stringify(payload);
      return system.partnerApi.request('POST', '/v1/webhooks/kyc/sandbox', {
        rawBody: body,
        headers: { 'x-signature': signWebhook(body, KYC_SECRET, Math.floor(Date.now() / 1000)) },
      });
    };

    beforeAll(async () => {
      const started = await system.partnerApi.post('/v1/kyc/users/u-seq', { name: 'Uma Twice', citizenships: [{ country: 'US' }] }, partnerAdmin);
      expect(started.body.status).toBe('verified');
      caseId = started.body.caseId;
    });

    it('applies a reversal delivered twice at once and again later exactly once, with one answer position', async () => {
      const reversal = deliver({ id: 'evt-reversal-twice', caseId, status: 'failed', reason: 'passport reported stolen' });
      const answers = [...(await atOnce(reversal)), await reversal()];
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
      expect(answers.map((a) => a.body.duplicate).sort()).toEqual([false, true, true]);
      expect(new Set(answers.map((a) => a.body.position)).size).toBe(1);
      expect(await eventsOf(`kyc-${caseId}`)).toEqual(['KycCaseOpened', 'KycPending', 'KycVerified', 'KycFailed']);

      const failed = await eventually(async () => {
        const list = await system.adminApi.get(`/v1/kyc-cases?partnerId=${PARTNER}&status=failed`, system.token(Role.Reviewer));
        return list.body.total === 1 && list.body;
      });
      expect(failed.total).toBe(1);
      expect(await countOfType('KycFailed')).toBe(1);
    });
  });
});
