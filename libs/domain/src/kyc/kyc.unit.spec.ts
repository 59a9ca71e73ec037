import { fold } from '../shared/aggregate';
import { given, TEST_NOW } from '../shared/given-when-then';
import { KycCase, KycCommand, KycState, ProviderUpdate } from './kyc.decide';
import type { KycCaseOpened, KycEvent, KycStatus, KycSubject, ProviderEvidence, VerifiedIdentity } from './kyc.events';

const user: KycSubject = { kind: 'user', userId: 'u-7' };
const organisation: KycSubject = { kind: 'organisation' };
const base = { caseId: 'kyc-1', partnerId: 'acme' };

const opening: KycCaseOpened['data'] = { ...base, subject: user, provider: 'persona', providerRef: 'inq_123', declaredName: 'Ada Example' };
const evidence = (providerEventId: string): ProviderEvidence => ({
  provider: 'persona',
  providerEventId,
  rawPayload: `{"id":"${providerEventId}"}`,
  receivedAt: '2026-05-30T10:00:00.000Z',
});
const identity: VerifiedIdentity = {
  citizenships: [{ country: 'DE', from: '1990-01-01', until: null }],
  permanentResidencies: [{ country: 'US', from: '2020-03-01', until: null }],
  usPerson: true,
};
const otherIdentity: VerifiedIdentity = { citizenships: [{ country: 'FR', from: null, until: null }], permanentResidencies: [], usPerson: false };

// Commands
const open = (data: Partial<typeof opening> = {}): KycCommand => ({ type: 'OpenKycCase', data: { ...opening, ...data } });
const update = (data: Omit<ProviderUpdate, 'evidence'> & { evidence?: ProviderEvidence }): KycCommand => ({
  type: 'ApplyProviderUpdate',
  data: { evidence: evidence('evt-new'), ...data },
});
const review = (data: Partial<Extract<KycCommand, { type: 'ReviewKyc' }>['data']> = {}): KycCommand => ({
  type: 'ReviewKyc',
  data: { outcome: 'verified', reason: 'documents checked', identity, reviewerId: 'officer-2', ...data },
});
const expire: KycCommand = { type: 'ExpireKyc', data: { validForDays: 365 } };
/** One year after evidence('evt-2') was received: the verification's validity has run out. */
const aYearLater = { now: new Date('2027-05-30T10:00:00.000Z') };

// Events
const opened: KycEvent = { type: 'KycCaseOpened', data: opening };
const pending: KycEvent = { type: 'KycPending', data: { ...base, evidence: evidence('evt-1') } };
const verified: KycEvent = { type: 'KycVerified', data: { ...base, subject: user, identity, evidence: evidence('evt-2'), reviewedBy: null } };
const failed: KycEvent = { type: 'KycFailed', data: { ...base, subject: user, reason: 'document forged', evidence: evidence('evt-3'), reviewedBy: null } };
const needsReview: KycEvent = { type: 'KycNeedsReview', data: { ...base, subject: user, reason: 'blurry selfie', evidence: evidence('evt-4') } };
const expired: KycEvent = { type: 'KycExpired', data: { ...base, subject: user } };

const histories: Record<KycStatus | 'none', KycEvent[]> = {
  none: [],
  started: [opened],
  pending: [opened, pending],
  verified: [opened, pending, verified],
  failed: [opened, pending, failed],
  needs_review: [opened, pending, needsReview],
  expired: [opened, verified, expired],
};
const OPEN: KycStatus[] = ['started', 'pending', 'verified', 'failed', 'needs_review'];
const EXISTING: KycStatus[] = [...OPEN, 'expired'];
const cases = (statuses: KycStatus[]) => statuses.map((status) => [status] as const);
const except = (statuses: KycStatus[], excluded: KycStatus[]) => statuses.filter((status) => !excluded.includes(status));

describe('KycCase', () => {
  describe('OpenKycCase', () => {
    it('opens a case for a user', () => {
      given(KycCase, []).when(open()).then([opened]);
    });

    it('opens a case for the organisation', () => {
      given(KycCase, [])
        .when(open({ subject: organisation, declaredName: 'Acme Analytics GmbH' }))
        .then([{ type: 'KycCaseOpened', data: { ...opening, subject: organisation, declaredName: 'Acme Analytics GmbH' } }]);
    });

    it.each(cases(EXISTING))('refuses a case that already exists (%s)', (currentStatus) => {
      given(KycCase, histories[currentStatus]).when(open()).thenThrows('KYC.ALREADY_OPEN', { kind: 'conflict', details: { currentStatus } });
    });
  });

  describe('ApplyProviderUpdate', () => {
    describe('pending', () => {
      it('records that a started case is pending at the provider', () => {
        given(KycCase, histories.started)
          .when(update({ status: 'pending' }))
          .then([{ type: 'KycPending', data: { ...base, evidence: evidence('evt-new') } }]);
      });

      it.each(cases(except(OPEN, ['started'])))('records nothing once the case is %s (a late "pending" never undoes a verdict)', (status) => {
        given(KycCase, histories[status]).when(update({ status: 'pending' })).then([]);
      });
    });

    describe('verified', () => {
      it.each(cases(except(OPEN, ['verified'])))('verifies a case that is %s, with the identity and evidence', (status) => {
        given(KycCase, histories[status])
          .when(update({ status: 'verified', identity }))
          .then([{ type: 'KycVerified', data: { ...base, subject: user, identity, evidence: evidence('evt-new'), reviewedBy: null } }]);
      });

      it('re-records a repeated verification (the identity may have changed)', () => {
        given(KycCase, histories.verified)
          .when(update({ status: 'verified', identity: otherIdentity }))
          .then([{ type: 'KycVerified', data: { ...base, subject: user, identity: otherIdentity, evidence: evidence('evt-new'), reviewedBy: null } }]);
        given(KycCase, histories.verified)
          .when(update({ status: 'verified', identity }))
          .then([{ type: 'KycVerified', data: { ...base, subject: user, identity, evidence: evidence('evt-new'), reviewedBy: null } }]);
      });

      it('verifies after a failure (the provider reversed itself)', () => {
        given(KycCase, [opened, verified, failed])
          .when(update({ status: 'verified', identity }))
          .then([{ type: 'KycVerified', data: { ...base, subject: user, identity, evidence: evidence('evt-new'), reviewedBy: null } }]);
      });

      it.each(cases(OPEN))('refuses a verification without identity (%s)', (status) => {
        given(KycCase, histories[status])
          .when(update({ status: 'verified' }))
          .thenThrows('KYC.IDENTITY_MISSING', { kind: 'invalid', details: { field: 'identity' } });
      });
    });

    describe('failed', () => {
      it.each(cases(except(OPEN, ['failed'])))('fails a case that is %s, with the provider’s reason', (status) => {
        given(KycCase, histories[status])
          .when(update({ status: 'failed', reason: 'document expired' }))
          .then([{ type: 'KycFailed', data: { ...base, subject: user, reason: 'document expired', evidence: evidence('evt-new'), reviewedBy: null } }]);
      });

      it('records a late reversal: verified, then failed', () => {
        given(KycCase, histories.verified)
          .when(update({ status: 'failed', reason: 'fraud detected' }))
          .then([{ type: 'KycFailed', data: { ...base, subject: user, reason: 'fraud detected', evidence: evidence('evt-new'), reviewedBy: null } }]);
      });

      it('gives a default reason when the provider gives none', () => {
        given(KycCase, histories.pending)
          .when(update({ status: 'failed' }))
          .then([{ type: 'KycFailed', data: { ...base, subject: user, reason: 'failed by provider', evidence: evidence('evt-new'), reviewedBy: null } }]);
      });

      it('records nothing when the case has already failed', () => {
        given(KycCase, histories.failed).when(update({ status: 'failed', reason: 'again' })).then([]);
      });
    });

    describe('needs_review', () => {
      it.each(cases(except(OPEN, ['needs_review'])))('asks for a review of a case that is %s', (status) => {
        given(KycCase, histories[status])
          .when(update({ status: 'needs_review', reason: 'name mismatch' }))
          .then([{ type: 'KycNeedsReview', data: { ...base, subject: user, reason: 'name mismatch', evidence: evidence('evt-new') } }]);
      });

      it('gives a default reason when the provider gives none', () => {
        given(KycCase, histories.started)
          .when(update({ status: 'needs_review' }))
          .then([{ type: 'KycNeedsReview', data: { ...base, subject: user, reason: 'provider asks for manual review', evidence: evidence('evt-new') } }]);
      });

      it('records nothing when the case already needs review', () => {
        given(KycCase, histories.needs_review).when(update({ status: 'needs_review', reason: 'still unsure' })).then([]);
      });
    });

    it.each([['pending'], ['failed'], ['needs_review']] as const)('records nothing when the provider repeats the current status (%s)', (status) => {
      given(KycCase, histories[status]).when(update({ status })).then([]);
    });

    it.each([['pending'], ['verified'], ['failed'], ['needs_review']] as const)('refuses a %s update on an expired case', (status) => {
      given(KycCase, histories.expired)
        .when(update({ status, identity }))
        .thenThrows('KYC.CASE_CLOSED', { kind: 'conflict', details: { currentStatus: 'expired' } });
    });

    it('checks the case is open before the identity', () => {
      given(KycCase, histories.expired).when(update({ status: 'verified' })).thenThrows('KYC.CASE_CLOSED');
    });

    it('refuses an unknown case', () => {
      given(KycCase, []).when(update({ status: 'verified', identity })).thenThrows('KYC.NOT_FOUND', { kind: 'not_found', details: {} });
    });
  });

  describe('ReviewKyc', () => {
    const manualEvidence = (now: Date): ProviderEvidence => ({ provider: 'manual-review', providerEventId: null, rawPayload: null, receivedAt: now.toISOString() });

    it('verifies a case that needs review: reviewedBy the reviewer, evidence received at context.now', () => {
      given(KycCase, histories.needs_review)
        .when(review())
        .then([{ type: 'KycVerified', data: { ...base, subject: user, identity, evidence: manualEvidence(TEST_NOW), reviewedBy: 'officer-2' } }]);
      const now = new Date('2026-06-03T09:15:00.000Z');
      given(KycCase, histories.needs_review)
        .when(review(), { now })
        .then([{ type: 'KycVerified', data: { ...base, subject: user, identity, evidence: manualEvidence(now), reviewedBy: 'officer-2' } }]);
    });

    it('fails a case that needs review, with the reviewer’s reason', () => {
      given(KycCase, histories.needs_review)
        .when(review({ outcome: 'failed', reason: 'selfie does not match', identity: undefined }))
        .then([{ type: 'KycFailed', data: { ...base, subject: user, reason: 'selfie does not match', evidence: manualEvidence(TEST_NOW), reviewedBy: 'officer-2' } }]);
    });

    it('verifies an organisation without a stated identity as empty lists, not a US person', () => {
      const orgOpened: KycEvent = { type: 'KycCaseOpened', data: { ...opening, subject: organisation } };
      const orgNeedsReview: KycEvent = { type: 'KycNeedsReview', data: { ...base, subject: organisation, reason: 'registry mismatch', evidence: evidence('evt-4') } };
      given(KycCase, [orgOpened, orgNeedsReview])
        .when(review({ identity: undefined }))
        .then([
          {
            type: 'KycVerified',
            data: {
              ...base,
              subject: organisation,
              identity: { citizenships: [], permanentResidencies: [], usPerson: false },
              evidence: manualEvidence(TEST_NOW),
              reviewedBy: 'officer-2',
            },
          },
        ]);
    });

    it.each(cases(except(EXISTING, ['needs_review'])))('refuses a case that is %s', (currentStatus) => {
      given(KycCase, histories[currentStatus]).when(review()).thenThrows('KYC.NOT_AWAITING_REVIEW', { kind: 'conflict', details: { currentStatus } });
    });

    it('refuses an unknown case', () => {
      given(KycCase, []).when(review()).thenThrows('KYC.NOT_FOUND', { kind: 'not_found', details: {} });
    });
  });

  describe('ExpireKyc', () => {
    it('expires a verification once it has held validForDays', () => {
      given(KycCase, histories.verified).when(expire, aYearLater).then([expired]);
    });

    it('records nothing while the verification still holds', () => {
      given(KycCase, histories.verified).when(expire, { now: new Date('2027-05-30T09:59:59.999Z') }).then([]);
    });

    it('counts from the latest verification (a re-verification wins over a stale timer)', () => {
      const reverified: KycEvent = { type: 'KycVerified', data: { ...base, subject: user, identity, evidence: { ...evidence('evt-9'), receivedAt: '2027-01-01T00:00:00.000Z' }, reviewedBy: null } };
      given(KycCase, [...histories.verified, reverified]).when(expire, aYearLater).then([]);
    });

    it.each(cases(except(EXISTING, ['verified'])))('records nothing for a case that is %s', (status) => {
      given(KycCase, histories[status]).when(expire, aYearLater).then([]);
    });

    it('refuses an unknown case', () => {
      given(KycCase, []).when(expire).thenThrows('KYC.NOT_FOUND', { kind: 'not_found', details: {} });
    });
  });

  describe('state', () => {
    const state = (events: KycEvent[]): KycState => fold(KycCase, events);

    it('reaches each status through its history', () => {
      for (const status of Object.keys(histories) as (KycStatus | 'none')[]) expect(state(histories[status]).status).toBe(status);
    });

    it('starts empty and knows the case once opened', () => {
      expect(state([])).toEqual({ status: 'none', caseId: null, partnerId: null, subject: null, identity: null, verifiedAt: null });
      expect(state([opened])).toEqual({ status: 'started', ...base, subject: user, identity: null, verifiedAt: null });
    });

    it('keeps the identity of the latest verification and forgets it on failure', () => {
      expect(state(histories.verified).identity).toEqual(identity);
      const reverified: KycEvent = { type: 'KycVerified', data: { ...base, subject: user, identity: otherIdentity, evidence: evidence('evt-9'), reviewedBy: null } };
      expect(state([...histories.verified, reverified]).identity).toEqual(otherIdentity);
      expect(state([...histories.verified, failed])).toEqual({ status: 'failed', ...base, subject: user, identity: null, verifiedAt: null });
      expect(state(histories.verified).verifiedAt).toBe('2026-05-30T10:00:00.000Z');
    });
  });
});
