import { Role } from '@app/auth';
import { signWebhook } from '@app/kyc';
import { eventually, startTestSystem, TestSystem } from '../support/test-system';

const NEW_SECRET = 'kyc-webhook-secret-new-0123456789abcdef';
const OLD_SECRET = 'kyc-webhook-secret-old-0123456789abcdef';

describe('KYC provider webhooks: signed, deduplicated, kept as evidence', () => {
  let system: TestSystem;
  let caseId: string;
  const partnerId = 'p-hooks';

  const deliver = (body: string, secret: string | null, timestamp = Math.floor(Date.now() / 1000)) =>
    system.partnerApi.request('POST', '/v1/webhooks/kyc/sandbox', {
      rawBody: body,
      headers: { 'content-type': 'application/json', ...(secret ? { 'x-signature': signWebhook(body, secret, timestamp) } : {}) },
    });
  const kycEvents = async () =>
    (await system.db.pool.query("SELECT type, data FROM events WHERE stream_id = $1 ORDER BY stream_version", [`kyc-${caseId}`])).rows as { type: string; data: any }[];

  beforeAll(async () => {
    system = await startTestSystem({ env: { KYC_WEBHOOK_SECRETS: `${NEW_SECRET},${OLD_SECRET}` } });
    const partner = system.token(Role.PartnerAdmin, { partnerId });
    await system.partnerApi.post('/v1/application', {
      legalName: 'Hooks Ltd', registrationNumber: 'H-1', countryOfIncorporation: 'GB', addresses: [], beneficialOwners: [],
      intendedUse: 'testing webhooks', requestedModels: ['any-model'],
    }, partner);
    expect((await system.partnerApi.post('/v1/users', { userId: 'u-kim', name: 'Kim Lee' }, partner)).status).toBe(201);
    const started = await system.partnerApi.post('/v1/kyc/users/u-kim', { name: 'Kim Lee', citizenships: [{ country: 'US', from: '1990-01-01' }] }, partner);
    expect(started.body.status).toBe('verified');
    caseId = started.body.caseId;
  });
  afterAll(() => system.close());

  it('refuses a bad signature, a stale timestamp and a missing header with 401, changing nothing', async () => {
    const body = JSON.stringify({ id: 'evt-forged', caseId, status: 'failed', reason: 'forged' });
    const before = (await kycEvents()).length;
    for (const answer of [
      await deliver(body, 'not-the-secret-at-all-0123456789'),
      await deliver(body, NEW_SECRET, Math.floor(Date.now() / 1000) - 3600),
      await deliver(body, null),
    ]) {
      expect(answer.status).toBe(401);
      expect(JSON.stringify(answer.body)).not.toContain(NEW_SECRET);
    }
    // A body changed after signing is not the body that was signed.
    const signed = signWebhook(body, NEW_SECRET, Math.floor(Date.now() / 1000));
    const tampered = await system.partnerApi.request('POST', '/v1/webhooks/kyc/sandbox', {
      rawBody: body.replace('failed', 'verified'),
      headers: { 'content-type': 'application/json', 'x-signature': signed },
    });
    expect(tampered.status).toBe(401);
    expect((await kycEvents()).length).toBe(before);
  });

  it('applies a late reversal once, signed with either secret while rotating, and keeps the raw payload', async () => {
    const body = JSON.stringify({ id: 'evt-reversal-1', caseId, status: 'failed', reason: 'document later found forged' });
    const first = await deliver(body, OLD_SECRET);
    expect(first.status).toBe(200);
    expect(first.body.duplicate).toBe(false);
    const again = await deliver(body, NEW_SECRET);
    expect(again.status).toBe(200);
    expect(again.body.duplicate).toBe(true);
    expect(again.body.position).toBe(first.body.position);

    const events = await kycEvents();
    expect(events.map((e) => e.type)).toEqual(['KycCaseOpened', 'KycPending', 'KycVerified', 'KycFailed']);
    expect(events[3].data.evidence).toMatchObject({ provider: 'sandbox', providerEventId: 'evt-reversal-1', rawPayload: body });
    const reviewer = system.token(Role.Reviewer);
    await eventually(async () => (await system.adminApi.get(`/v1/kyc-cases?partnerId=${partnerId}&status=failed`, reviewer)).body.total === 1);
  });

  it('answers 400 naming the field for a malformed payload, and 404 for an unknown case', async () => {
    const malformed = await deliver(JSON.stringify({ id: 'evt-x', caseId, status: 'maybe' }), NEW_SECRET);
    expect(malformed.status).toBe(400);
    expect(malformed.body.fields[0].field).toBe('status');
    const unknown = await deliver(JSON.stringify({ id: 'evt-y', caseId: 'kyc-nope', status: 'failed' }), NEW_SECRET);
    expect(unknown.status).toBe(404);
  });

  it('never stores a webhook secret in an event', async () => {
    const { rows } = await system.db.pool.query('SELECT count(*)::int AS n FROM events WHERE data::text LIKE $1 OR data::text LIKE $2', [`%${NEW_SECRET}%`, `%${OLD_SECRET}%`]);
    expect(rows[0].n).toBe(0);
  });
});
