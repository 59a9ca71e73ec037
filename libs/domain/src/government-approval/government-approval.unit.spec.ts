import { fold } from '../shared/aggregate';
import { given } from '../shared/given-when-then';
import { GovernmentApproval, GovernmentApprovalCommand, GovernmentApprovalStatus } from './government-approval.decide';
import type { GovernmentApprovalEvent, GovernmentApprovalTerms } from './government-approval.events';

const requestData = { approvalId: 'ga-1', partnerId: 'acme', models: ['mythos-5'], authority: 'BIS', justification: 'Research partner in DE' };
const terms: GovernmentApprovalTerms = {
  approvalId: 'ga-1',
  partnerId: 'acme',
  models: ['mythos-5', 'mythos'],
  authority: 'BIS',
  reference: 'D123456',
  conditions: 'No re-export',
  validFrom: '2026-06-01T00:00:00.000Z',
  validUntil: '2027-06-01T00:00:00.000Z',
};
const amendedTerms: GovernmentApprovalTerms = { ...terms, models: ['mythos-5'], conditions: 'No re-export; quarterly report', validUntil: null };

// Commands
const requestApproval: GovernmentApprovalCommand = { type: 'RequestGovernmentApproval', data: requestData };
const record = (data: Partial<GovernmentApprovalTerms> = {}, partnerExists = true): GovernmentApprovalCommand => ({
  type: 'RecordGovernmentApproval',
  data: { ...terms, ...data },
  partnerExists,
});
const amend = (data: Partial<GovernmentApprovalTerms> = {}): GovernmentApprovalCommand => ({
  type: 'AmendGovernmentApproval',
  data: { ...amendedTerms, ...data, reason: 'conditions tightened' },
});
const revoke: GovernmentApprovalCommand = { type: 'RevokeGovernmentApproval', data: { reason: 'withdrawn by BIS' } };
const expire: GovernmentApprovalCommand = { type: 'ExpireGovernmentApproval' };

// Events
const requested: GovernmentApprovalEvent = { type: 'GovernmentApprovalRequested', data: requestData };
const granted: GovernmentApprovalEvent = { type: 'GovernmentApprovalGranted', data: terms };
const amended: GovernmentApprovalEvent = { type: 'GovernmentApprovalAmended', data: { ...amendedTerms, reason: 'conditions tightened' } };
const revoked: GovernmentApprovalEvent = { type: 'GovernmentApprovalRevoked', data: { approvalId: 'ga-1', partnerId: 'acme', reason: 'withdrawn by BIS' } };
const expired: GovernmentApprovalEvent = { type: 'GovernmentApprovalExpired', data: { approvalId: 'ga-1', partnerId: 'acme' } };

const histories: Record<GovernmentApprovalStatus, GovernmentApprovalEvent[]> = {
  none: [],
  requested: [requested],
  granted: [requested, granted],
  revoked: [granted, revoked],
  expired: [granted, expired],
};
const EXISTING: GovernmentApprovalStatus[] = ['requested', 'granted', 'revoked', 'expired'];
const cases = (statuses: GovernmentApprovalStatus[]) => statuses.map((status) => [status] as const);

/** Asserts INVALID_TRANSITION from every existing status but granted, and NOT_FOUND for an unknown approval. */
function refusesUnlessGranted(command: GovernmentApprovalCommand) {
  it.each(cases(['requested', 'revoked', 'expired']))('refuses an approval that is %s', (currentStatus) => {
    given(GovernmentApproval, histories[currentStatus])
      .when(command)
      .thenThrows('GOVERNMENT_APPROVAL.INVALID_TRANSITION', { kind: 'conflict', details: { currentStatus } });
  });

  it('refuses an unknown approval', () => {
    given(GovernmentApproval, []).when(command).thenThrows('GOVERNMENT_APPROVAL.NOT_FOUND', { kind: 'not_found', details: {} });
  });
}

/** Window checks shared by Record and Amend. */
function validatesWindow(command: (data: Partial<GovernmentApprovalTerms>) => GovernmentApprovalCommand, history: GovernmentApprovalEvent[]) {
  it.each([
    ['validFrom', { validFrom: 'not a date' }],
    ['validUntil', { validUntil: 'next year' }],
  ] as const)('refuses an unparseable %s', (field, data) => {
    given(GovernmentApproval, history).when(command(data)).thenThrows('GOVERNMENT_APPROVAL.INVALID_DATE', { kind: 'invalid', details: { field } });
  });

  it.each([
    ['ends when it starts', { validUntil: terms.validFrom }],
    ['ends before it starts', { validUntil: '2026-05-31T23:59:59.000Z' }],
  ])('refuses an empty window: %s', (_case, data) => {
    given(GovernmentApproval, history).when(command(data)).thenThrows('GOVERNMENT_APPROVAL.EMPTY_WINDOW', { kind: 'invalid', details: { field: 'validUntil' } });
  });

  // Date.parse is laxer than the ISO-8601 the message promises: '1' is read as 2001-01-01.
  it('refuses a validFrom that is not an ISO-8601 time ("1")', () => {
    given(GovernmentApproval, history)
      .when(command({ validFrom: '1', validUntil: null }))
      .thenThrows('GOVERNMENT_APPROVAL.INVALID_DATE', { kind: 'invalid', details: { field: 'validFrom' } });
  });
}

describe('GovernmentApproval', () => {
  describe('RequestGovernmentApproval', () => {
    it('records the request', () => {
      given(GovernmentApproval, []).when(requestApproval).then([requested]);
    });

    it.each(cases(EXISTING))('refuses an approval that already exists (%s)', (currentStatus) => {
      given(GovernmentApproval, histories[currentStatus])
        .when(requestApproval)
        .thenThrows('GOVERNMENT_APPROVAL.ALREADY_EXISTS', { kind: 'conflict', details: { currentStatus } });
    });
  });

  describe('RecordGovernmentApproval', () => {
    it('records an approval nobody asked us to request', () => {
      given(GovernmentApproval, []).when(record()).then([granted]);
    });

    it('records the answer to a request of the same partner', () => {
      given(GovernmentApproval, histories.requested).when(record()).then([granted]);
    });

    it('records an open-ended approval (validUntil null)', () => {
      given(GovernmentApproval, [])
        .when(record({ validUntil: null }))
        .then([{ type: 'GovernmentApprovalGranted', data: { ...terms, validUntil: null } }]);
    });

    it.each(cases(['granted', 'revoked', 'expired']))('refuses an approval that is already %s', (currentStatus) => {
      given(GovernmentApproval, histories[currentStatus])
        .when(record())
        .thenThrows('GOVERNMENT_APPROVAL.ALREADY_EXISTS', { kind: 'conflict', details: { currentStatus } });
    });

    it('refuses an unknown partner', () => {
      given(GovernmentApproval, []).when(record({}, false)).thenThrows('PARTNER.NOT_FOUND', { kind: 'not_found', details: {} });
      given(GovernmentApproval, histories.requested).when(record({}, false)).thenThrows('PARTNER.NOT_FOUND', { kind: 'not_found' });
    });

    it('refuses to record, for another partner, an approval that was requested by one', () => {
      given(GovernmentApproval, histories.requested)
        .when(record({ partnerId: 'globex' }))
        .thenThrows('GOVERNMENT_APPROVAL.PARTNER_MISMATCH', { kind: 'invalid', details: { field: 'partnerId' } });
    });

    validatesWindow(record, []);

    it('checks status, then partner, then the request, then the window', () => {
      const bad = { partnerId: 'globex', validUntil: terms.validFrom };
      given(GovernmentApproval, histories.granted).when(record(bad, false)).thenThrows('GOVERNMENT_APPROVAL.ALREADY_EXISTS');
      given(GovernmentApproval, histories.requested).when(record(bad, false)).thenThrows('PARTNER.NOT_FOUND');
      given(GovernmentApproval, histories.requested).when(record(bad)).thenThrows('GOVERNMENT_APPROVAL.PARTNER_MISMATCH');
      given(GovernmentApproval, histories.requested).when(record({ validUntil: terms.validFrom })).thenThrows('GOVERNMENT_APPROVAL.EMPTY_WINDOW');
    });
  });

  describe('AmendGovernmentApproval', () => {
    it('amends a granted approval', () => {
      given(GovernmentApproval, histories.granted).when(amend()).then([amended]);
    });

    it('amends an amended approval again', () => {
      given(GovernmentApproval, [...histories.granted, amended])
        .when(amend({ conditions: 'none' }))
        .then([{ type: 'GovernmentApprovalAmended', data: { ...amendedTerms, conditions: 'none', reason: 'conditions tightened' } }]);
    });

    it('cannot move an approval to another partner', () => {
      given(GovernmentApproval, histories.granted)
        .when(amend({ partnerId: 'globex' }))
        .thenThrows('GOVERNMENT_APPROVAL.PARTNER_MISMATCH', { kind: 'invalid', details: { field: 'partnerId' } });
    });

    // The stream is one approval: like AmendDirective, which pins directiveId to the stream's, an amendment must not
    // rename it (else the next GovernmentApprovalRevoked/Expired would carry the new id).
    it('keeps the stream’s approval id when an amendment names another', () => {
      given(GovernmentApproval, histories.granted).when(amend({ approvalId: 'ga-2' })).then([amended]);
    });

    validatesWindow(amend, histories.granted);

    it('checks the status before the partner and window', () => {
      given(GovernmentApproval, histories.revoked).when(amend({ partnerId: 'globex', validUntil: 'never' })).thenThrows('GOVERNMENT_APPROVAL.INVALID_TRANSITION');
      given(GovernmentApproval, histories.granted).when(amend({ partnerId: 'globex', validUntil: 'never' })).thenThrows('GOVERNMENT_APPROVAL.PARTNER_MISMATCH');
    });

    refusesUnlessGranted(amend());
  });

  describe('RevokeGovernmentApproval', () => {
    it('revokes a granted approval', () => {
      given(GovernmentApproval, histories.granted).when(revoke).then([revoked]);
      given(GovernmentApproval, [...histories.granted, amended]).when(revoke).then([revoked]);
    });

    refusesUnlessGranted(revoke);
  });

  describe('ExpireGovernmentApproval', () => {
    const atEnd = { now: new Date(terms.validUntil!) };

    it('expires a granted approval once validUntil has come', () => {
      given(GovernmentApproval, histories.granted).when(expire, atEnd).then([expired]);
    });

    it('records nothing before validUntil (the timer may be early or stale)', () => {
      given(GovernmentApproval, histories.granted).when(expire, { now: new Date(Date.parse(terms.validUntil!) - 1) }).then([]);
    });

    it('never expires an approval amended to be open-ended', () => {
      given(GovernmentApproval, [...histories.granted, amended]).when(expire, atEnd).then([]);
    });

    it.each(cases(['none', 'requested', 'revoked', 'expired']))('records nothing for an approval that is %s', (status) => {
      given(GovernmentApproval, histories[status]).when(expire, atEnd).then([]);
    });
  });

  describe('state', () => {
    const state = (events: GovernmentApprovalEvent[]) => fold(GovernmentApproval, events);

    it('reaches each status through its history', () => {
      for (const status of Object.keys(histories) as GovernmentApprovalStatus[]) expect(state(histories[status]).status).toBe(status);
    });

    it('knows the partner of a request, the terms once granted, and the amended terms (without reason)', () => {
      expect(state([])).toEqual({ status: 'none', partnerId: null, terms: null });
      expect(state([requested])).toEqual({ status: 'requested', partnerId: 'acme', terms: null });
      expect(state(histories.granted)).toEqual({ status: 'granted', partnerId: 'acme', terms });
      expect(state([...histories.granted, amended])).toEqual({ status: 'granted', partnerId: 'acme', terms: amendedTerms });
      expect(state([...histories.granted, amended, revoked])).toEqual({ status: 'revoked', partnerId: 'acme', terms: amendedTerms });
    });
  });
});
