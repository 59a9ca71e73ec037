import { KycCase, KycCaseOpened, KycEvent, KycPending, KycVerified } from '@app/domain';
import { given, TEST_NOW } from '../../domain/src/shared/given-when-then';
import {
  KycStartRequest,
  KycWebhookPayloadError,
  ProviderStatusReport,
  SANDBOX_KYC_PROVIDER,
  SandboxKycProvider,
  sandboxProviderRef,
  toProviderUpdate,
} from './index';

const sandbox = new SandboxKycProvider();

function userRequest(declared: Partial<KycStartRequest['declared']> = {}, caseId = 'case-1'): KycStartRequest {
  return { caseId, partnerId: 'partner-1', subject: { kind: 'user', userId: 'user-1' }, declared: { name: 'Ada Lovelace', ...declared } };
}

function organisationRequest(declared: Partial<KycStartRequest['declared']> = {}): KycStartRequest {
  return { caseId: 'case-org', partnerId: 'partner-1', subject: { kind: 'organisation' }, declared: { name: 'Analytical Engines Ltd', country: 'GB', ...declared } };
}

async function outcomeOf(request: KycStartRequest): Promise<ProviderStatusReport> {
  const { immediate } = await sandbox.start(request);
  return immediate[immediate.length - 1];
}

const EMPTY_IDENTITY = { citizenships: [], permanentResidencies: [], usPerson: false };

describe('SandboxKycProvider', () => {
  it('is called sandbox', () => {
    expect(sandbox.name).toBe('sandbox');
    expect(SANDBOX_KYC_PROVIDER).toBe('sandbox');
  });

  describe('a case decided later: PENDING in the name, the outcome by poll', () => {
    const pollOf = (request: KycStartRequest, providerRef: string) =>
      sandbox.poll({ caseId: request.caseId, partnerId: request.partnerId, subject: request.subject, providerRef, declaredName: request.declared.name });

    it('answers start() with pending only', async () => {
      const { immediate } = await sandbox.start(organisationRequest({ name: 'Pending Analytical Engines' }));
      expect(immediate.map((r) => r.status)).toEqual(['pending']);
    });

    it('gives the outcome the name decides when polled, with the same event ids as start() would', async () => {
      const request = organisationRequest({ name: 'Pending Analytical Engines' });
      const { providerRef, immediate } = await sandbox.start(request);
      const polled = await pollOf(request, providerRef);
      expect(polled.map((r) => r.status)).toEqual(['pending', 'verified']);
      expect(polled[0].providerEventId).toBe(immediate[0].providerEventId);
      expect(polled[1].identity).toEqual(EMPTY_IDENTITY);
      const failing = userRequest({ name: 'Pending FAIL Person' });
      expect((await pollOf(failing, sandboxProviderRef(failing.caseId)))[1]).toMatchObject({ status: 'failed' });
    });

    it('repeats, when polled, what start() already reported for a case decided at once', async () => {
      const request = userRequest({ name: 'Grace REVIEW Hopper' });
      const { providerRef, immediate } = await sandbox.start(request);
      expect((await pollOf(request, providerRef)).map((r) => r.providerEventId)).toEqual(immediate.map((r) => r.providerEventId));
    });
  });

  describe('start: providerRef and event ids', () => {
    it('derives the providerRef from the caseId alone, opaque but deterministic', async () => {
      const first = await sandbox.start(userRequest({}, 'case-1'));
      const again = await sandbox.start(userRequest({ name: 'Someone Else REVIEW' }, 'case-1'));
      const other = await sandbox.start(userRequest({}, 'case-2'));
      expect(first.providerRef).toMatch(/^sbx_[0-9a-f]{24}$/);
      expect(first.providerRef).not.toContain('case-1');
      expect(again.providerRef).toBe(first.providerRef);
      expect(sandboxProviderRef('case-1')).toBe(first.providerRef);
      expect(other.providerRef).not.toBe(first.providerRef);
    });

    it('answers the same request identically, event ids included, so a retried start records nothing new', async () => {
      expect(await sandbox.start(userRequest())).toEqual(await sandbox.start(userRequest()));
    });

    it('gives its two immediate reports distinct event ids', async () => {
      const { immediate } = await sandbox.start(userRequest());
      expect(new Set(immediate.map((r) => r.providerEventId)).size).toBe(2);
    });
  });

  describe('start: outcomes', () => {
    it('reports pending first, then the outcome', async () => {
      const { immediate } = await sandbox.start(userRequest());
      expect(immediate.map((r) => r.status)).toEqual(['pending', 'verified']);
      expect(immediate[0]).toEqual({ providerEventId: expect.any(String), status: 'pending' });
    });

    it.each(['Jane FAIL Doe', 'failsafe industries', 'Mr Fail', 'xFaILx'])('fails a name containing FAIL in any case: %s', async (name) => {
      expect(await outcomeOf(userRequest({ name }))).toEqual({
        providerEventId: expect.any(String),
        status: 'failed',
        reason: 'sandbox: the declared name contains FAIL',
      });
    });

    it.each(['Please REVIEW me', 'reviewer', 'Ms Review'])('asks for review when the name contains REVIEW in any case: %s', async (name) => {
      expect(await outcomeOf(userRequest({ name }))).toEqual({
        providerEventId: expect.any(String),
        status: 'needs_review',
        reason: 'sandbox: the declared name contains REVIEW',
      });
    });

    it('lets FAIL win over REVIEW', async () => {
      expect((await outcomeOf(userRequest({ name: 'REVIEW then FAIL' }))).status).toBe('failed');
    });

    it('verifies any other name', async () => {
      expect((await outcomeOf(userRequest({ name: 'Grace Hopper' }))).status).toBe('verified');
    });

    it('verifies an organisation with an empty identity, whatever was declared about people', async () => {
      const outcome = await outcomeOf(
        organisationRequest({ citizenships: [{ country: 'US' }], permanentResidencies: [{ country: 'US' }], usPerson: true, registrationNumber: '01234567' }),
      );
      expect(outcome).toEqual({ providerEventId: expect.any(String), status: 'verified', identity: EMPTY_IDENTITY });
    });

    it.each([
      ['Failing Widgets plc', 'failed'],
      ['Review Holdings', 'needs_review'],
    ])('applies the FAIL / REVIEW rules to organisations too: %s', async (name, status) => {
      expect((await outcomeOf(organisationRequest({ name }))).status).toBe(status);
    });

    it('states no identity with a failure or a review', async () => {
      for (const name of ['FAIL', 'REVIEW']) {
        const { immediate } = await sandbox.start(userRequest({ name, citizenships: [{ country: 'DE' }] }));
        expect(immediate.every((r) => r.identity === undefined)).toBe(true);
      }
    });
  });

  describe('start: identity mapping', () => {
    it('maps the declared citizenships and residencies, dates missing -> null, countries upper-cased', async () => {
      const outcome = await outcomeOf(
        userRequest({
          citizenships: [{ country: 'de', from: '1990-01-01' }, { country: ' FR ', from: '2001-05-01', until: '2020-12-31' }],
          permanentResidencies: [{ country: 'CH', until: '2030-01-01' }],
        }),
      );
      expect(outcome.identity).toEqual({
        citizenships: [
          { country: 'DE', from: '1990-01-01', until: null },
          { country: 'FR', from: '2001-05-01', until: '2020-12-31' },
        ],
        permanentResidencies: [{ country: 'CH', from: null, until: '2030-01-01' }],
        usPerson: false,
      });
    });

    it('verifies a person who declared nothing with empty lists and usPerson false', async () => {
      expect((await outcomeOf(userRequest())).identity).toEqual(EMPTY_IDENTITY);
    });

    it.each([
      ['a US citizenship', true, { citizenships: [{ country: 'DE' }, { country: 'US' }] }],
      ['a US citizenship in lower case', true, { citizenships: [{ country: 'us' }] }],
      ['a US permanent residency', true, { citizenships: [{ country: 'IN' }], permanentResidencies: [{ country: 'US' }] }],
      ['no US tie', false, { citizenships: [{ country: 'CA' }], permanentResidencies: [{ country: 'GB' }] }],
      ['nothing at all', false, {}],
    ])('defaults usPerson from the declaration: %s -> %s', async (_name, usPerson, declared) => {
      expect((await outcomeOf(userRequest(declared))).identity?.usPerson).toBe(usPerson);
    });

    it.each([
      ['false despite a US citizenship', { citizenships: [{ country: 'US' }], usPerson: false }, false],
      ['true without any US tie', { citizenships: [{ country: 'DE' }], usPerson: true }, true],
    ])('takes an explicitly declared usPerson as it is: %s', async (_name, declared, usPerson) => {
      expect((await outcomeOf(userRequest(declared))).identity?.usPerson).toBe(usPerson);
    });
  });

  describe('start: evidence', () => {
    it('answers with a raw response listing its events in the webhook shape, each parsing back to the same report', async () => {
      const request = userRequest({ citizenships: [{ country: 'US', from: '1980-02-03' }] });
      const { providerRef, immediate, rawResponse } = await sandbox.start(request);
      const response = JSON.parse(rawResponse ?? 'null') as { reference: string; events: unknown[] };
      expect(response.reference).toBe(providerRef);
      const reparsed = response.events.map((event) => sandbox.parseWebhook(JSON.stringify(event), TEST_NOW));
      expect(reparsed).toEqual(immediate.map((report) => ({ ...report, caseRef: { kind: 'providerRef', providerRef } })));
    });

    it('becomes the domain update with the evidence stamped on: provider, event id, payload, time', async () => {
      const { immediate, rawResponse } = await sandbox.start(userRequest());
      expect(toProviderUpdate(sandbox.name, immediate[0], { rawPayload: rawResponse, receivedAt: TEST_NOW })).toEqual({
        status: 'pending',
        evidence: { provider: 'sandbox', providerEventId: immediate[0].providerEventId, rawPayload: rawResponse, receivedAt: TEST_NOW.toISOString() },
      });
      expect(toProviderUpdate(sandbox.name, immediate[1], { rawPayload: null, receivedAt: TEST_NOW })).toEqual({
        status: 'verified',
        identity: EMPTY_IDENTITY,
        evidence: { provider: 'sandbox', providerEventId: immediate[1].providerEventId, rawPayload: null, receivedAt: TEST_NOW.toISOString() },
      });
    });

    it('drives a KYC case from started through pending to verified', async () => {
      const request = userRequest({ citizenships: [{ country: 'US' }] });
      const { providerRef, immediate, rawResponse } = await sandbox.start(request);
      const subject = request.subject;
      const opened: KycCaseOpened = {
        type: 'KycCaseOpened',
        data: { caseId: request.caseId, partnerId: request.partnerId, subject, provider: sandbox.name, providerRef, declaredName: request.declared.name },
      };
      const [pending, verified] = immediate.map((report) => toProviderUpdate(sandbox.name, report, { rawPayload: rawResponse, receivedAt: TEST_NOW }));
      const pendingEvents = given(KycCase, [opened]).when({ type: 'ApplyProviderUpdate', data: pending }).then([
        { type: 'KycPending', data: { caseId: 'case-1', partnerId: 'partner-1', evidence: pending.evidence } } satisfies KycPending,
      ]);
      given(KycCase, [opened, ...pendingEvents] as KycEvent[])
        .when({ type: 'ApplyProviderUpdate', data: verified })
        .then([
          {
            type: 'KycVerified',
            data: {
              caseId: 'case-1',
              partnerId: 'partner-1',
              subject,
              identity: { citizenships: [{ country: 'US', from: null, until: null }], permanentResidencies: [], usPerson: true },
              evidence: verified.evidence,
              reviewedBy: null,
            },
          } satisfies KycVerified,
        ]);
    });
  });

  describe('parseWebhook', () => {
    const parse = (body: unknown) => sandbox.parseWebhook(typeof body === 'string' ? body : JSON.stringify(body), TEST_NOW);

    function refusal(body: unknown): KycWebhookPayloadError {
      try {
        parse(body);
      } catch (error) {
        if (error instanceof KycWebhookPayloadError) return error;
        throw new Error(`expected a KycWebhookPayloadError, got ${String(error)}`);
      }
      throw new Error('expected the webhook to be refused');
    }

    it('reads a reversal naming the case by caseId', () => {
      expect(parse({ id: 'evt_1', caseId: 'case-1', status: 'failed', reason: 'document forged' })).toEqual({
        providerEventId: 'evt_1',
        caseRef: { kind: 'caseId', caseId: 'case-1' },
        status: 'failed',
        reason: 'document forged',
      });
    });

    it('reads a case named by the sandbox reference', () => {
      const reference = sandboxProviderRef('case-1');
      expect(parse({ id: 'evt_2', reference, status: 'needs_review' })).toEqual({
        providerEventId: 'evt_2',
        caseRef: { kind: 'providerRef', providerRef: reference },
        status: 'needs_review',
      });
    });

    it('reads pending', () => {
      expect(parse({ id: 'evt_3', caseId: 'case-1', status: 'pending' }).status).toBe('pending');
    });

    it('reads a verification with its identity, countries upper-cased and dates defaulting to null', () => {
      const update = parse({
        id: 'evt_4',
        caseId: 'case-1',
        status: 'verified',
        identity: { citizenships: [{ country: 'de', from: '1990-01-01' }], permanentResidencies: [{ country: 'US', from: '2015-03-01', until: null }] },
      });
      expect(update.identity).toEqual({
        citizenships: [{ country: 'DE', from: '1990-01-01', until: null }],
        permanentResidencies: [{ country: 'US', from: '2015-03-01', until: null }],
        usPerson: true,
      });
    });

    it.each([
      [{}, false],
      [{ citizenships: [{ country: 'US' }] }, true],
      [{ citizenships: [{ country: 'US' }], usPerson: false }, false],
      [{ citizenships: [{ country: 'FR' }], usPerson: true }, true],
    ])('defaults usPerson in a webhook identity by the same rule: %j -> %s', (identity, usPerson) => {
      expect(parse({ id: 'evt_5', caseId: 'case-1', status: 'verified', identity }).identity?.usPerson).toBe(usPerson);
    });

    it('ignores keys it does not know', () => {
      expect(parse({ id: 'evt_6', caseId: 'case-1', status: 'pending', livemode: false })).toEqual({
        providerEventId: 'evt_6',
        caseRef: { kind: 'caseId', caseId: 'case-1' },
        status: 'pending',
      });
    });

    it.each(['', '{', 'not json', '{"id": "evt_1",}', "{'id': 'evt_1'}"])('refuses a body that is not JSON: %j', (body) => {
      const error = refusal(body);
      expect(error.code).toBe('KYC.WEBHOOK_MALFORMED_JSON');
      expect(error.provider).toBe('sandbox');
    });

    it.each(['[]', 'null', '42', '"verified"', 'true'])('refuses JSON that is not an object: %s', (body) => {
      expect(refusal(body)).toMatchObject({ code: 'KYC.WEBHOOK_INVALID_PAYLOAD', field: '$' });
    });

    const valid = { id: 'evt_1', caseId: 'case-1', status: 'pending' };
    const verifiedBody = { id: 'evt_1', caseId: 'case-1', status: 'verified', identity: {} };
    it.each<[string, unknown, string]>([
      ['no id', { caseId: 'case-1', status: 'pending' }, 'id'],
      ['an empty id', { ...valid, id: '' }, 'id'],
      ['a numeric id', { ...valid, id: 7 }, 'id'],
      ['an overlong id', { ...valid, id: 'e'.repeat(201) }, 'id'],
      ['neither caseId nor reference', { id: 'evt_1', status: 'pending' }, 'caseId'],
      ['both caseId and reference', { ...valid, reference: 'sbx_1' }, 'caseId'],
      ['an empty caseId', { ...valid, caseId: ' ' }, 'caseId'],
      ['a null reference', { id: 'evt_1', reference: null, status: 'pending' }, 'reference'],
      ['no status', { id: 'evt_1', caseId: 'case-1' }, 'status'],
      ['status expired (ours to decide)', { ...valid, status: 'expired' }, 'status'],
      ['status in upper case', { ...valid, status: 'VERIFIED' }, 'status'],
      ['a verification without identity', { id: 'evt_1', caseId: 'case-1', status: 'verified' }, 'identity'],
      ['an identity with a failure', { ...valid, status: 'failed', identity: {} }, 'identity'],
      ['an identity that is not an object', { ...verifiedBody, identity: [] }, 'identity'],
      ['citizenships not a list', { ...verifiedBody, identity: { citizenships: 'US' } }, 'identity.citizenships'],
      ['a citizenship that is not an object', { ...verifiedBody, identity: { citizenships: ['US'] } }, 'identity.citizenships[0]'],
      ['a three-letter country', { ...verifiedBody, identity: { citizenships: [{ country: 'USA' }] } }, 'identity.citizenships[0].country'],
      ['a missing country', { ...verifiedBody, identity: { permanentResidencies: [{ from: '2000-01-01' }] } }, 'identity.permanentResidencies[0].country'],
      ['a date that is not a date', { ...verifiedBody, identity: { citizenships: [{ country: 'DE', from: 'yesterday' }] } }, 'identity.citizenships[0].from'],
      ['an impossible date', { ...verifiedBody, identity: { citizenships: [{ country: 'DE', until: '2020-13-45' }] } }, 'identity.citizenships[0].until'],
      ['usPerson as text', { ...verifiedBody, identity: { usPerson: 'yes' } }, 'identity.usPerson'],
      ['a numeric reason', { ...valid, status: 'failed', reason: 42 }, 'reason'],
    ])('refuses a webhook with %s', (_name, body, field) => {
      const error = refusal(body);
      expect(error).toMatchObject({ code: 'KYC.WEBHOOK_INVALID_PAYLOAD', provider: 'sandbox', field });
      expect(error.message).toContain(field);
    });
  });
});
