import { fold } from '../shared/aggregate';
import { given } from '../shared/given-when-then';
import { Directive, DirectiveCommand, DirectiveState } from './directive.decide';
import type { DirectiveEvent, DirectiveTerms } from './directive.events';

const terms: DirectiveTerms = {
  directiveId: 'dir-7',
  authority: 'BIS',
  reference: 'IFR 2026-01',
  title: 'Frontier model deemed exports',
  issuedAt: '2026-05-20T00:00:00.000Z',
  effectiveAt: '2026-06-15T00:00:00.000Z',
  expiresAt: '2027-06-15T00:00:00.000Z',
  scope: { modelIds: ['mythos-5'], families: ['mythos'] },
  restrictions: {
    foreignNationals: { allowedNationalities: ['US', 'GB'], allowPermanentResidents: true },
    forbiddenDestinations: ['CN', 'RU'],
  },
  exemptWithGovernmentApproval: true,
};
const amendedTerms: DirectiveTerms = { ...terms, expiresAt: null, restrictions: { foreignNationals: null, forbiddenDestinations: ['CN', 'RU', 'IR'] } };

type TermsPatch = Partial<DirectiveTerms>;

// Commands
const issue = (data: TermsPatch = {}): DirectiveCommand => ({ type: 'IssueDirective', data: { ...terms, ...data } });
const amend = (data: TermsPatch = {}): DirectiveCommand => ({ type: 'AmendDirective', data: { ...amendedTerms, ...data, reason: 'IR added' } });
const lift = (liftedAt = '2026-09-01T00:00:00.000Z'): DirectiveCommand => ({ type: 'LiftDirective', data: { liftedAt, reason: 'rescinded' } });

// Events
const issued: DirectiveEvent = { type: 'DirectiveIssued', data: terms };
const amended: DirectiveEvent = { type: 'DirectiveAmended', data: { ...amendedTerms, reason: 'IR added' } };
const lifted: DirectiveEvent = { type: 'DirectiveLifted', data: { directiveId: 'dir-7', liftedAt: '2026-09-01T00:00:00.000Z', reason: 'rescinded' } };
const expire: DirectiveCommand = { type: 'ExpireDirective' };
const expired: DirectiveEvent = { type: 'DirectiveExpired', data: { directiveId: 'dir-7', expiredAt: terms.expiresAt! } };
const atExpiry = { now: new Date(terms.expiresAt!) };

const histories: Record<DirectiveState['status'], DirectiveEvent[]> = {
  none: [],
  issued: [issued],
  lifted: [issued, lifted],
  expired: [issued, expired],
};

/** The term checks shared by Issue and Amend. */
function validatesTerms(command: (data: TermsPatch) => DirectiveCommand, history: DirectiveEvent[], event: (data: TermsPatch) => DirectiveEvent) {
  it.each([
    ['issuedAt', { issuedAt: 'yesterday' }],
    ['effectiveAt', { effectiveAt: '' }],
  ] as const)('refuses an unparseable %s', (field, data) => {
    given(Directive, history).when(command(data)).thenThrows('DIRECTIVE.INVALID_DATE', { kind: 'invalid', details: { field } });
  });

  // An unparseable expiresAt is a bad date, as for issuedAt/effectiveAt; today it is reported as an empty window.
  it('refuses an unparseable expiresAt as an invalid date', () => {
    given(Directive, history).when(command({ expiresAt: 'never' })).thenThrows('DIRECTIVE.INVALID_DATE', { kind: 'invalid', details: { field: 'expiresAt' } });
  });

  // Date.parse is laxer than the ISO-8601 the message promises: '1' is read as 2001-01-01.
  it('refuses an issuedAt that is not an ISO-8601 time ("1")', () => {
    given(Directive, history).when(command({ issuedAt: '1' })).thenThrows('DIRECTIVE.INVALID_DATE', { kind: 'invalid', details: { field: 'issuedAt' } });
  });

  it.each([
    ['expires when it takes effect', { expiresAt: terms.effectiveAt }],
    ['expires before it takes effect', { expiresAt: '2026-06-14T23:59:59.000Z' }],
  ])('refuses an empty window: %s', (_case, data) => {
    given(Directive, history).when(command(data)).thenThrows('DIRECTIVE.EMPTY_WINDOW', { kind: 'invalid', details: { field: 'expiresAt' } });
  });

  it('accepts a directive without expiry, or taking effect before it was issued (retroactive)', () => {
    given(Directive, history).when(command({ expiresAt: null })).then([event({ expiresAt: null })]);
    given(Directive, history).when(command({ effectiveAt: '2026-05-01T00:00:00.000Z' })).then([event({ effectiveAt: '2026-05-01T00:00:00.000Z' })]);
  });

  it('refuses an empty scope', () => {
    given(Directive, history)
      .when(command({ scope: { modelIds: [], families: [] } }))
      .thenThrows('DIRECTIVE.NO_SCOPE', { kind: 'invalid', details: { field: 'scope' } });
  });

  it.each([
    ['only model ids', { modelIds: ['mythos-5'], families: [] }],
    ['only families', { modelIds: [], families: ['mythos'] }],
  ])('accepts a scope of %s', (_case, scope) => {
    given(Directive, history).when(command({ scope })).then([event({ scope })]);
  });

  it('refuses a directive that restricts nothing', () => {
    given(Directive, history)
      .when(command({ restrictions: { foreignNationals: null, forbiddenDestinations: [] } }))
      .thenThrows('DIRECTIVE.NO_RESTRICTION', { kind: 'invalid', details: { field: 'restrictions' } });
  });

  it.each([
    ['only foreign nationals', { foreignNationals: { allowedNationalities: ['US'], allowPermanentResidents: false }, forbiddenDestinations: [] }],
    ['only destinations', { foreignNationals: null, forbiddenDestinations: ['KP'] }],
  ])('accepts restrictions on %s', (_case, restrictions) => {
    given(Directive, history).when(command({ restrictions })).then([event({ restrictions })]);
  });

  it('checks dates, then window, then scope, then restrictions', () => {
    const nothing = { scope: { modelIds: [], families: [] }, restrictions: { foreignNationals: null, forbiddenDestinations: [] } };
    given(Directive, history).when(command({ ...nothing, issuedAt: 'x', expiresAt: terms.effectiveAt })).thenThrows('DIRECTIVE.INVALID_DATE');
    given(Directive, history).when(command({ ...nothing, expiresAt: terms.effectiveAt })).thenThrows('DIRECTIVE.EMPTY_WINDOW');
    given(Directive, history).when(command(nothing)).thenThrows('DIRECTIVE.NO_SCOPE');
  });
}

describe('Directive', () => {
  describe('IssueDirective', () => {
    it('issues a directive', () => {
      given(Directive, []).when(issue()).then([issued]);
    });

    it.each([['issued'], ['lifted']] as const)('refuses a directive that is already %s', (currentStatus) => {
      given(Directive, histories[currentStatus]).when(issue()).thenThrows('DIRECTIVE.ALREADY_ISSUED', { kind: 'conflict', details: { currentStatus } });
    });

    it('checks the status before the terms', () => {
      given(Directive, histories.issued).when(issue({ issuedAt: 'x' })).thenThrows('DIRECTIVE.ALREADY_ISSUED');
    });

    validatesTerms(issue, [], (data) => ({ type: 'DirectiveIssued', data: { ...terms, ...data } }));
  });

  describe('AmendDirective', () => {
    it('amends an issued directive', () => {
      given(Directive, histories.issued).when(amend()).then([amended]);
      given(Directive, [issued, amended]).when(amend({ title: 'v3' })).then([{ type: 'DirectiveAmended', data: { ...amendedTerms, title: 'v3', reason: 'IR added' } }]);
    });

    it('keeps the directive’s id when the amendment names another', () => {
      given(Directive, histories.issued).when(amend({ directiveId: 'dir-8' })).then([amended]);
    });

    it('refuses an unknown directive', () => {
      given(Directive, []).when(amend()).thenThrows('DIRECTIVE.NOT_FOUND', { kind: 'not_found', details: {} });
    });

    it('refuses a lifted directive', () => {
      given(Directive, histories.lifted).when(amend()).thenThrows('DIRECTIVE.INVALID_TRANSITION', { kind: 'conflict', details: { currentStatus: 'lifted' } });
    });

    it('checks the status before the terms', () => {
      given(Directive, histories.lifted).when(amend({ scope: { modelIds: [], families: [] } })).thenThrows('DIRECTIVE.INVALID_TRANSITION');
    });

    validatesTerms(amend, histories.issued, (data) => ({ type: 'DirectiveAmended', data: { ...amendedTerms, ...data, reason: 'IR added' } }));
  });

  describe('LiftDirective', () => {
    it('lifts an issued directive', () => {
      given(Directive, histories.issued).when(lift()).then([lifted]);
      given(Directive, [issued, amended]).when(lift()).then([lifted]);
    });

    it('refuses an unparseable liftedAt', () => {
      given(Directive, histories.issued).when(lift('soon')).thenThrows('DIRECTIVE.INVALID_DATE', { kind: 'invalid', details: { field: 'liftedAt' } });
    });

    it('refuses an unknown directive', () => {
      given(Directive, []).when(lift()).thenThrows('DIRECTIVE.NOT_FOUND', { kind: 'not_found', details: {} });
    });

    it('refuses a directive that is already lifted', () => {
      given(Directive, histories.lifted).when(lift()).thenThrows('DIRECTIVE.INVALID_TRANSITION', { kind: 'conflict', details: { currentStatus: 'lifted' } });
    });

    it('checks the status before the date', () => {
      given(Directive, histories.lifted).when(lift('soon')).thenThrows('DIRECTIVE.INVALID_TRANSITION');
    });
  });

  describe('ExpireDirective', () => {
    it('expires an issued directive once its expiresAt has come', () => {
      given(Directive, histories.issued).when(expire, atExpiry).then([expired]);
    });

    it('records nothing before expiresAt (the timer may be early or stale)', () => {
      given(Directive, histories.issued).when(expire, { now: new Date(Date.parse(terms.expiresAt!) - 1) }).then([]);
    });

    it('records nothing when an amendment removed the end (expiresAt null)', () => {
      given(Directive, [issued, amended]).when(expire, atExpiry).then([]);
    });

    it('follows an amendment that moved expiresAt later', () => {
      const later = '2028-01-01T00:00:00.000Z';
      const movedLater: DirectiveEvent = { type: 'DirectiveAmended', data: { ...terms, expiresAt: later, reason: 'extended' } };
      given(Directive, [issued, movedLater]).when(expire, atExpiry).then([]);
      given(Directive, [issued, movedLater]).when(expire, { now: new Date(later) }).then([{ type: 'DirectiveExpired', data: { directiveId: 'dir-7', expiredAt: later } }]);
    });

    it.each([['none'], ['lifted'], ['expired']] as const)('records nothing for a directive that is %s', (status) => {
      given(Directive, histories[status]).when(expire, atExpiry).then([]);
    });
  });

  describe('state', () => {
    const state = (events: DirectiveEvent[]) => fold(Directive, events);

    it('is expired after DirectiveExpired', () => {
      expect(state(histories.expired)).toEqual({ status: 'expired', terms });
    });

    it('keeps the current terms (without the amendment’s reason) and the status', () => {
      expect(state([])).toEqual({ status: 'none', terms: null });
      expect(state([issued])).toEqual({ status: 'issued', terms });
      expect(state([issued, amended])).toEqual({ status: 'issued', terms: amendedTerms });
      expect(state([issued, amended, lifted])).toEqual({ status: 'lifted', terms: amendedTerms });
    });
  });
});
