import type { ModelStatus } from '../model/model.state';
import type { PartnerStatus } from '../partner/partner.state';
import { fold } from '../shared/aggregate';
import { given, TEST_NOW } from '../shared/given-when-then';
import { License, LicenseCommand, LicenseGrantConditions, UNCONTROLLED_CLASSIFICATION } from './license.decide';
import type { LicenseConditions, LicenseEvent, LicenseTerms } from './license.events';
import type { LicenseStatus } from './license.state';

const ids = { licenseId: 'lic-1', partnerId: 'acme', modelId: 'mythos-5' };
const conditions: LicenseConditions = {
  validFrom: '2026-07-01T00:00:00.000Z',
  validUntil: '2027-07-01T00:00:00.000Z',
  allowedDestinations: ['DE', 'FR'],
  requireEndUserIdentification: true,
  monthlyTokenQuota: 1_000_000,
  rateLimitPerMinute: 60,
};
const terms: LicenseTerms = { ...ids, ...conditions };
const requestData = { ...ids, justification: 'Customer support assistant' };
const amendedConditions: LicenseConditions = {
  validFrom: '2026-07-01T00:00:00.000Z',
  validUntil: null,
  allowedDestinations: null,
  requireEndUserIdentification: false,
  monthlyTokenQuota: null,
  rateLimitPerMinute: 120,
};

interface GrantFacts {
  partnerStatus: PartnerStatus;
  modelStatus: ModelStatus;
  classification: string | null;
}
const CONTROLLED = '4E091';
const ear99: GrantFacts = { partnerStatus: 'approved', modelStatus: 'available', classification: UNCONTROLLED_CLASSIFICATION };
const controlled: GrantFacts = { ...ear99, classification: CONTROLLED };

type GrantData = { licenseId: string; partnerId: string; modelId: string } & LicenseGrantConditions;
const grant = (data: Partial<GrantData> = {}, facts: Partial<GrantFacts> = {}): LicenseCommand => ({
  type: 'GrantLicense',
  data: { ...terms, ...data },
  ...ear99,
  ...facts,
});
const grantControlled = (data: Partial<GrantData> = {}, facts: Partial<GrantFacts> = {}) => grant(data, { ...controlled, ...facts });
const request = (facts: Partial<Omit<GrantFacts, 'classification'>> = {}, data: Partial<typeof requestData> = {}): LicenseCommand => ({
  type: 'RequestLicense',
  data: { ...requestData, ...data },
  partnerStatus: 'approved',
  modelStatus: 'available',
  ...facts,
});
const approve: LicenseCommand = { type: 'ApproveLicense' };
const rejectProposal: LicenseCommand = { type: 'RejectLicenseProposal', data: { reason: 'destinations too broad' } };
const suspend: LicenseCommand = { type: 'SuspendLicense', data: { reason: 'investigation' } };
const reinstate: LicenseCommand = { type: 'ReinstateLicense', data: { reason: 'investigation closed' } };
const amend = (data: Partial<LicenseConditions> = {}): LicenseCommand => ({ type: 'AmendLicense', data: { ...amendedConditions, ...data, reason: 'new quota' } });
const revoke: LicenseCommand = { type: 'RevokeLicense', data: { reason: 'breach' } };
const expire: LicenseCommand = { type: 'ExpireLicense' };


// Events
const requested: LicenseEvent = { type: 'LicenseRequested', data: requestData };
const proposed: LicenseEvent = { type: 'LicenseProposed', data: { ...terms, proposedBy: 'officer-1' } };
const grantedDirectly: LicenseEvent = { type: 'LicenseGranted', data: { ...terms, grantedBy: 'officer-1', approvedBy: null } };
const grantedOnApproval: LicenseEvent = { type: 'LicenseGranted', data: { ...terms, grantedBy: 'officer-1', approvedBy: 'officer-2' } };
const proposalRejected: LicenseEvent = { type: 'LicenseProposalRejected', data: { ...ids, reason: 'destinations too broad' } };
const suspended: LicenseEvent = { type: 'LicenseSuspended', data: { ...ids, reason: 'investigation' } };
const reinstated: LicenseEvent = { type: 'LicenseReinstated', data: { ...ids, reason: 'investigation closed' } };
const amended: LicenseEvent = { type: 'LicenseAmended', data: { ...ids, ...amendedConditions, reason: 'new quota' } };
const revoked: LicenseEvent = { type: 'LicenseRevoked', data: { ...ids, reason: 'breach' } };
const expired: LicenseEvent = { type: 'LicenseExpired', data: ids };

/** One history per status. */
const histories: Record<LicenseStatus, LicenseEvent[]> = {
  none: [],
  requested: [requested],
  pending_approval: [proposed],
  rejected: [proposed, proposalRejected],
  active: [grantedDirectly],
  suspended: [grantedDirectly, suspended],
  revoked: [grantedDirectly, revoked],
  expired: [grantedDirectly, expired],
};
const EXISTING: LicenseStatus[] = ['requested', 'pending_approval', 'rejected', 'active', 'suspended', 'revoked', 'expired'];
const outside = (allowed: LicenseStatus[]) => EXISTING.filter((status) => !allowed.includes(status)).map((status) => [status] as const);

/** Asserts INVALID_TRANSITION from every existing status outside `allowed`, and NOT_FOUND for an unknown license. */
function refusesOutside(command: LicenseCommand, allowed: LicenseStatus[]) {
  it.each(outside(allowed))('refuses a license that is %s (INVALID_TRANSITION)', (currentStatus) => {
    given(License, histories[currentStatus]).when(command).thenThrows('LICENSE.INVALID_TRANSITION', { kind: 'conflict', details: { currentStatus } });
  });

  it('refuses an unknown license (NOT_FOUND)', () => {
    given(License, histories.none).when(command).thenThrows('LICENSE.NOT_FOUND', { kind: 'not_found', details: {} });
  });
}

/** The refusals shared by RequestLicense and GrantLicense: who and what may be licensed. */
function refusesUnlicensable(command: (facts: Partial<GrantFacts>) => LicenseCommand) {
  it('refuses an unknown partner', () => {
    given(License, []).when(command({ partnerStatus: 'none' })).thenThrows('PARTNER.NOT_FOUND', { kind: 'not_found', details: {} });
  });

  it.each([['submitted'], ['under_review'], ['information_requested'], ['resubmitted'], ['rejected'], ['suspended'], ['offboarded']] as const)(
    'refuses a partner whose application is %s',
    (partnerStatus) => {
      given(License, []).when(command({ partnerStatus })).thenThrows('LICENSE.PARTNER_NOT_APPROVED', { kind: 'conflict', details: { partnerStatus } });
    },
  );

  it('refuses an unknown model', () => {
    given(License, []).when(command({ modelStatus: 'unregistered' })).thenThrows('MODEL.NOT_FOUND', { kind: 'not_found', details: {} });
  });

  it('refuses a retired model', () => {
    given(License, []).when(command({ modelStatus: 'retired' })).thenThrows('LICENSE.MODEL_RETIRED', { kind: 'conflict', details: { modelStatus: 'retired' } });
  });

  it('checks the partner before the model', () => {
    given(License, []).when(command({ partnerStatus: 'none', modelStatus: 'retired' })).thenThrows('PARTNER.NOT_FOUND');
    given(License, []).when(command({ partnerStatus: 'rejected', modelStatus: 'unregistered' })).thenThrows('LICENSE.PARTNER_NOT_APPROVED');
  });
}

describe('License', () => {
  describe('RequestLicense (by the partner)', () => {
    it('records the request of an approved partner for an available model', () => {
      given(License, []).when(request()).then([requested]);
    });

    it('accepts a request for a suspended model (the entitlement check refuses use while suspended)', () => {
      given(License, []).when(request({ modelStatus: 'suspended' })).then([requested]);
    });

    refusesUnlicensable((facts) => request(facts));

    it.each(EXISTING.map((status) => [status] as const))('refuses an id that is already used (%s)', (currentStatus) => {
      given(License, histories[currentStatus]).when(request()).thenThrows('LICENSE.ALREADY_EXISTS', { kind: 'conflict', details: { currentStatus } });
    });

    it('checks the id before the partner', () => {
      given(License, histories.active).when(request({ partnerStatus: 'none' })).thenThrows('LICENSE.ALREADY_EXISTS');
    });
  });

  describe('GrantLicense', () => {
    describe('of an uncontrolled (EAR99) model', () => {
      it('grants directly: grantedBy the acting officer, approvedBy null', () => {
        given(License, []).when(grant()).then([grantedDirectly]);
        given(License, [])
          .when(grant(), { actorId: 'officer-9' })
          .then([{ type: 'LicenseGranted', data: { ...terms, grantedBy: 'officer-9', approvedBy: null } }]);
      });

      it('grants an open-ended license (validUntil null) with no limits', () => {
        const open = { validUntil: null, allowedDestinations: null, monthlyTokenQuota: null, rateLimitPerMinute: null, requireEndUserIdentification: false };
        given(License, [])
          .when(grant(open))
          .then([{ type: 'LicenseGranted', data: { ...terms, ...open, grantedBy: 'officer-1', approvedBy: null } }]);
      });

      it('grants on a suspended model (the entitlement check refuses use while suspended)', () => {
        given(License, []).when(grant({}, { modelStatus: 'suspended' })).then([grantedDirectly]);
      });

      it('accepts a validFrom in the past (backdating is the officer’s call)', () => {
        given(License, [])
          .when(grant({ validFrom: '2025-01-01T00:00:00.000Z' }))
          .then([{ type: 'LicenseGranted', data: { ...terms, validFrom: '2025-01-01T00:00:00.000Z', grantedBy: 'officer-1', approvedBy: null } }]);
      });
    });

    describe('of a controlled model (four eyes)', () => {
      it(`proposes the grant of a ${CONTROLLED} model, proposed by the acting officer`, () => {
        given(License, []).when(grantControlled()).then([proposed]);
        given(License, [])
          .when(grantControlled(), { actorId: 'officer-9' })
          .then([{ type: 'LicenseProposed', data: { ...terms, proposedBy: 'officer-9' } }]);
      });

      it('treats an unknown classification (null) as controlled', () => {
        given(License, []).when(grant({}, { classification: null })).then([proposed]);
      });

      it('treats any classification other than exactly EAR99 as controlled', () => {
        given(License, []).when(grant({}, { classification: 'ear99' })).then([proposed]);
        given(License, []).when(grant({}, { classification: '5D992' })).then([proposed]);
      });
    });

    describe('validFrom', () => {
      it('defaults to context.now', () => {
        given(License, [])
          .when(grant({ validFrom: null }))
          .then([{ type: 'LicenseGranted', data: { ...terms, validFrom: TEST_NOW.toISOString(), grantedBy: 'officer-1', approvedBy: null } }]);
        const now = new Date('2026-09-15T08:30:00.000Z');
        given(License, [])
          .when(grantControlled({ validFrom: null, validUntil: null }), { now })
          .then([{ type: 'LicenseProposed', data: { ...terms, validFrom: '2026-09-15T08:30:00.000Z', validUntil: null, proposedBy: 'officer-1' } }]);
      });
    });

    describe('window', () => {
      it.each([
        ['validFrom', { validFrom: 'not a date' }],
        ['validFrom', { validFrom: '' }],
        ['validUntil', { validUntil: 'tomorrow' }],
      ] as const)('refuses an unparseable %s', (field, data) => {
        given(License, []).when(grant(data)).thenThrows('LICENSE.INVALID_DATE', { kind: 'invalid', details: { field } });
      });

      it.each([
        ['ends when it starts', { validUntil: conditions.validFrom }],
        ['ends before it starts', { validUntil: '2026-06-30T23:59:59.999Z' }],
        ['ends before context.now when validFrom defaults to it', { validFrom: null, validUntil: '2026-06-01T11:59:59.000Z' }],
        ['ends exactly at context.now when validFrom defaults to it', { validFrom: null, validUntil: TEST_NOW.toISOString() }],
      ])('refuses an empty window: %s', (_case, data) => {
        given(License, []).when(grant(data)).thenThrows('LICENSE.EMPTY_WINDOW', { kind: 'invalid', details: { field: 'validUntil' } });
      });

      it('validates the window of a controlled grant too', () => {
        given(License, []).when(grantControlled({ validUntil: conditions.validFrom })).thenThrows('LICENSE.EMPTY_WINDOW', { kind: 'invalid' });
      });

      // The error says "must be an ISO-8601 time" and the events promise ISO-8601, but the check is Date.parse,
      // which also accepts '1' (2001-01-01 in V8), 'June 1, 2026' and rolls 2026-02-30 over to March 2.
      it.each([['1'], ['June 1, 2026'], ['2026-02-30T00:00:00.000Z']])('refuses a validFrom that is not an ISO-8601 time: %j', (validFrom) => {
        given(License, []).when(grant({ validFrom, validUntil: null })).thenThrows('LICENSE.INVALID_DATE', { kind: 'invalid', details: { field: 'validFrom' } });
      });
    });

    describe('refusals', () => {
      refusesUnlicensable((facts) => grant({}, facts));

      it.each(EXISTING.filter((status) => status !== 'requested').map((status) => [status] as const))(
        'refuses a license that is already %s',
        (currentStatus) => {
          given(License, histories[currentStatus]).when(grant()).thenThrows('LICENSE.ALREADY_EXISTS', { kind: 'conflict', details: { currentStatus } });
        },
      );

      it('checks the id first, then the partner, then the model, then the window', () => {
        const empty = { validUntil: conditions.validFrom };
        given(License, histories.active).when(grant(empty, { partnerStatus: 'none', modelStatus: 'unregistered' })).thenThrows('LICENSE.ALREADY_EXISTS');
        given(License, []).when(grant(empty, { partnerStatus: 'none', modelStatus: 'unregistered' })).thenThrows('PARTNER.NOT_FOUND');
        given(License, []).when(grant(empty, { partnerStatus: 'rejected', modelStatus: 'retired' })).thenThrows('LICENSE.PARTNER_NOT_APPROVED');
        given(License, []).when(grant(empty, { modelStatus: 'retired' })).thenThrows('LICENSE.MODEL_RETIRED');
        given(License, []).when(grant(empty, { modelStatus: 'unregistered' })).thenThrows('MODEL.NOT_FOUND');
        given(License, []).when(grant(empty)).thenThrows('LICENSE.EMPTY_WINDOW');
      });
    });

    describe('of a partner’s request', () => {
      it('grants the request of an EAR99 model directly', () => {
        given(License, histories.requested).when(grant()).then([grantedDirectly]);
      });

      it('proposes the request of a controlled model', () => {
        given(License, histories.requested).when(grantControlled()).then([proposed]);
      });

      it('refuses a grant for another model than requested', () => {
        given(License, histories.requested)
          .when(grant({ modelId: 'mythos-6' }))
          .thenThrows('LICENSE.REQUEST_MISMATCH', { kind: 'invalid', details: { field: 'modelId' } });
      });

      // details.field names the mismatching field: a grant to another partner is about partnerId, not modelId.
      it('refuses a grant to another partner than the requester, naming partnerId', () => {
        given(License, histories.requested)
          .when(grant({ partnerId: 'globex' }))
          .thenThrows('LICENSE.REQUEST_MISMATCH', { kind: 'invalid', details: { field: 'partnerId' } });
      });

      it('checks the request before the partner and model', () => {
        given(License, histories.requested).when(grant({ modelId: 'mythos-6' }, { partnerStatus: 'none' })).thenThrows('LICENSE.REQUEST_MISMATCH');
      });

      it('still checks partner, model and window when the request matches', () => {
        given(License, histories.requested).when(grant({}, { partnerStatus: 'suspended' })).thenThrows('LICENSE.PARTNER_NOT_APPROVED');
        given(License, histories.requested).when(grant({}, { modelStatus: 'retired' })).thenThrows('LICENSE.MODEL_RETIRED');
        given(License, histories.requested).when(grant({ validUntil: conditions.validFrom })).thenThrows('LICENSE.EMPTY_WINDOW');
      });
    });
  });

  describe('ApproveLicense', () => {
    it('grants a proposal approved by another officer: grantedBy the proposer, approvedBy the approver', () => {
      given(License, histories.pending_approval).when(approve, { actorId: 'officer-2' }).then([grantedOnApproval]);
    });

    it('grants a proposal made from a partner’s request', () => {
      given(License, [requested, proposed]).when(approve, { actorId: 'officer-2' }).then([grantedOnApproval]);
    });

    it('grants the proposed terms, including a validFrom defaulted at proposal time', () => {
      const proposedAtNow: LicenseEvent = { type: 'LicenseProposed', data: { ...terms, validFrom: TEST_NOW.toISOString(), proposedBy: 'officer-1' } };
      given(License, [proposedAtNow])
        .when(approve, { actorId: 'officer-2', now: new Date('2026-06-05T00:00:00.000Z') })
        .then([{ type: 'LicenseGranted', data: { ...terms, validFrom: TEST_NOW.toISOString(), grantedBy: 'officer-1', approvedBy: 'officer-2' } }]);
    });

    it('refuses the officer who proposed the grant (four eyes)', () => {
      given(License, histories.pending_approval)
        .when(approve, { actorId: 'officer-1' })
        .thenThrows('LICENSE.SAME_APPROVER', { kind: 'forbidden', details: { proposedBy: 'officer-1' } });
    });

    refusesOutside(approve, ['pending_approval']);

    it('refuses an active license, even for another officer', () => {
      given(License, [proposed, grantedOnApproval]).when(approve, { actorId: 'officer-3' }).thenThrows('LICENSE.INVALID_TRANSITION', { details: { currentStatus: 'active' } });
    });
  });

  describe('RejectLicenseProposal', () => {
    it('rejects a proposal', () => {
      given(License, histories.pending_approval).when(rejectProposal).then([proposalRejected]);
    });

    it('rejects a proposal, even by the officer who made it (withdrawal)', () => {
      given(License, histories.pending_approval).when(rejectProposal, { actorId: 'officer-1' }).then([proposalRejected]);
    });

    it('rejects a partner’s request', () => {
      given(License, histories.requested).when(rejectProposal).then([proposalRejected]);
    });

    refusesOutside(rejectProposal, ['pending_approval', 'requested']);
  });

  describe('SuspendLicense', () => {
    it('suspends an active license', () => {
      given(License, histories.active).when(suspend).then([suspended]);
    });

    it('suspends a license granted on approval, and a reinstated one', () => {
      given(License, [proposed, grantedOnApproval]).when(suspend).then([suspended]);
      given(License, [grantedDirectly, suspended, reinstated]).when(suspend).then([suspended]);
    });

    refusesOutside(suspend, ['active']);
  });

  describe('ReinstateLicense', () => {
    it('reinstates a suspended license', () => {
      given(License, histories.suspended).when(reinstate).then([reinstated]);
    });

    refusesOutside(reinstate, ['suspended']);
  });

  describe('AmendLicense', () => {
    it.each([['active'], ['suspended']] as const)('amends the conditions of a license that is %s, keeping its ids', (status) => {
      given(License, histories[status]).when(amend()).then([amended]);
    });

    it('amends again after an amendment', () => {
      given(License, [grantedDirectly, amended])
        .when(amend({ rateLimitPerMinute: 30 }))
        .then([{ type: 'LicenseAmended', data: { ...ids, ...amendedConditions, rateLimitPerMinute: 30, reason: 'new quota' } }]);
    });

    it.each([
      ['validFrom', { validFrom: 'soon' }],
      ['validUntil', { validUntil: 'later' }],
    ] as const)('refuses an unparseable %s', (field, data) => {
      given(License, histories.active).when(amend(data)).thenThrows('LICENSE.INVALID_DATE', { kind: 'invalid', details: { field } });
    });

    it.each([
      ['ends when it starts', { validUntil: amendedConditions.validFrom }],
      ['ends before it starts', { validUntil: '2026-01-01T00:00:00.000Z' }],
    ])('refuses an empty window: %s', (_case, data) => {
      given(License, histories.active).when(amend(data)).thenThrows('LICENSE.EMPTY_WINDOW', { kind: 'invalid', details: { field: 'validUntil' } });
    });

    it('checks the status before the window', () => {
      given(License, histories.revoked).when(amend({ validUntil: 'later' })).thenThrows('LICENSE.INVALID_TRANSITION');
    });

    refusesOutside(amend(), ['active', 'suspended']);
  });

  describe('RevokeLicense', () => {
    it.each([['active'], ['suspended'], ['pending_approval']] as const)('revokes a license that is %s', (status) => {
      given(License, histories[status]).when(revoke).then([revoked]);
    });

    refusesOutside(revoke, ['active', 'suspended', 'pending_approval']);
  });

  describe('ExpireLicense', () => {
    const atEnd = { now: new Date(terms.validUntil!) };

    it.each([['active'], ['suspended']] as const)('expires a license that is %s once validUntil has come', (status) => {
      given(License, histories[status]).when(expire, atEnd).then([expired]);
    });

    it('records nothing before validUntil (the timer may be early or stale)', () => {
      given(License, histories.active).when(expire, { now: new Date(Date.parse(terms.validUntil!) - 1) }).then([]);
    });

    it('follows an amendment that moved validUntil', () => {
      const extended: LicenseEvent = { type: 'LicenseAmended', data: { ...terms, validUntil: '2028-01-01T00:00:00.000Z', reason: 'renewed' } };
      given(License, [grantedDirectly, extended]).when(expire, atEnd).then([]);
      given(License, [grantedDirectly, extended]).when(expire, { now: new Date('2028-01-01T00:00:00.000Z') }).then([expired]);
    });

    it('never expires an open-ended license', () => {
      const openEnded: LicenseEvent = { type: 'LicenseGranted', data: { ...terms, validUntil: null, grantedBy: 'officer-1', approvedBy: null } };
      given(License, [openEnded]).when(expire, { now: new Date('2100-01-01T00:00:00.000Z') }).then([]);
    });

    it.each([['none'], ['requested'], ['pending_approval'], ['rejected'], ['revoked'], ['expired']] as const)(
      'records nothing for a license that is %s',
      (status) => {
        given(License, histories[status]).when(expire, atEnd).then([]);
      },
    );
  });

  describe('state', () => {
    const state = (events: LicenseEvent[]) => fold(License, events);

    it('reaches each status through its history', () => {
      for (const status of Object.keys(histories) as LicenseStatus[]) expect(state(histories[status]).status).toBe(status);
      expect(state([requested, proposalRejected]).status).toBe('rejected');
      expect(state([grantedDirectly, suspended, reinstated]).status).toBe('active');
    });

    it('starts empty', () => {
      expect(state([])).toEqual({ status: 'none', licenseId: null, partnerId: null, modelId: null, terms: null, proposedBy: null });
    });

    it('knows the ids, not yet the terms, of a request', () => {
      expect(state([requested])).toEqual({ status: 'requested', ...ids, terms: null, proposedBy: null });
    });

    it('keeps the proposed terms and the proposer', () => {
      expect(state([requested, proposed])).toEqual({ status: 'pending_approval', ...ids, terms, proposedBy: 'officer-1' });
    });

    it('keeps the granted terms (without grantedBy/approvedBy)', () => {
      expect(state([proposed, grantedOnApproval])).toEqual({ status: 'active', ...ids, terms, proposedBy: 'officer-1' });
      expect(state([grantedDirectly]).terms).toEqual(terms);
    });

    it('replaces the conditions on amendment (without the reason)', () => {
      expect(state([grantedDirectly, suspended, amended])).toEqual({ status: 'suspended', ...ids, terms: { ...ids, ...amendedConditions }, proposedBy: 'officer-1' });
    });
  });
});
