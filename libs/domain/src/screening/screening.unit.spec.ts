import { fold } from '../shared/aggregate';
import { given } from '../shared/given-when-then';
import { Screening, ScreeningCommand, ScreeningStatus, STATUS_OF_BAND } from './screening.decide';
import type { ScreeningBand, ScreeningEvent, ScreeningEvidence, ScreeningSubject } from './screening.events';

const subject: ScreeningSubject = { kind: 'beneficial_owner', ref: '0', name: 'Ada Example', country: 'DE' };
const evidenceFor = (band: ScreeningBand): ScreeningEvidence => ({
  query: 'Ada Example',
  normalisedQuery: 'ada example',
  band,
  topScore: band === 'clear' ? 0.41 : band === 'review' ? 0.86 : 0.97,
  candidates:
    band === 'clear'
      ? []
      : [{ listId: 'ofac-sdn', source: 'OFAC SDN', entryId: 'sdn-1234', name: 'Ada EXAMPLE', matchedName: 'ada example', score: band === 'review' ? 0.86 : 0.97 }],
  listVersion: '2026-05-31',
  thresholds: { reviewThreshold: 0.85, blockThreshold: 0.95 },
});
const recordedData = (band: ScreeningBand) => ({ screeningId: 'scr-1', partnerId: 'acme', subject, evidence: evidenceFor(band), trigger: 'application_submitted' });

// Commands
const record = (band: ScreeningBand): ScreeningCommand => ({ type: 'RecordScreening', data: recordedData(band) });
const clearHit: ScreeningCommand = { type: 'ClearScreeningHit', data: { reason: 'different date of birth' } };
const confirmHit: ScreeningCommand = { type: 'ConfirmScreeningHit', data: { reason: 'same person' } };

// Events
const recorded = (band: ScreeningBand): ScreeningEvent => ({ type: 'ScreeningRecorded', data: recordedData(band) });
const decision = { screeningId: 'scr-1', partnerId: 'acme', subject };
const cleared: ScreeningEvent = { type: 'ScreeningHitCleared', data: { ...decision, reason: 'different date of birth' } };
const confirmed: ScreeningEvent = { type: 'ScreeningHitConfirmed', data: { ...decision, reason: 'same person' } };

const histories: Record<ScreeningStatus, ScreeningEvent[]> = {
  none: [],
  clear: [recorded('clear')],
  needs_review: [recorded('review')],
  blocked: [recorded('block')],
  cleared: [recorded('review'), cleared],
  confirmed: [recorded('block'), confirmed],
};
const EXISTING: ScreeningStatus[] = ['clear', 'needs_review', 'blocked', 'cleared', 'confirmed'];
const AWAITING_REVIEW: ScreeningStatus[] = ['needs_review', 'blocked'];
const NOT_AWAITING_REVIEW = EXISTING.filter((status) => !AWAITING_REVIEW.includes(status)).map((status) => [status] as const);

describe('Screening', () => {
  describe('RecordScreening', () => {
    it.each([
      ['clear', 'clear'],
      ['review', 'needs_review'],
      ['block', 'blocked'],
    ] as const)('records a screening in band %s, leaving it %s', (band, status) => {
      given(Screening, []).when(record(band)).then([recorded(band)]);
      expect(fold(Screening, [recorded(band)]).status).toBe(status);
      expect(STATUS_OF_BAND[band]).toBe(status);
    });

    it.each(EXISTING.map((status) => [status] as const))('refuses to record the same screening twice (%s)', (currentStatus) => {
      given(Screening, histories[currentStatus])
        .when(record('clear'))
        .thenThrows('SCREENING.ALREADY_RECORDED', { kind: 'conflict', details: { currentStatus } });
    });
  });

  describe.each([
    ['ClearScreeningHit', clearHit, cleared],
    ['ConfirmScreeningHit', confirmHit, confirmed],
  ] as const)('%s', (_name, command, event) => {
    it.each(AWAITING_REVIEW.map((status) => [status] as const))('decides a screening that is %s, naming it from the stream', (status) => {
      given(Screening, histories[status]).when(command).then([event]);
    });

    it.each(NOT_AWAITING_REVIEW)('refuses a screening that is %s', (currentStatus) => {
      given(Screening, histories[currentStatus])
        .when(command)
        .thenThrows('SCREENING.NOT_AWAITING_REVIEW', { kind: 'conflict', details: { currentStatus } });
    });

    it('refuses an unknown screening', () => {
      given(Screening, []).when(command).thenThrows('SCREENING.NOT_FOUND', { kind: 'not_found', details: {} });
    });
  });

  describe('state', () => {
    it('reaches each status through its history', () => {
      for (const status of Object.keys(histories) as ScreeningStatus[]) expect(fold(Screening, histories[status]).status).toBe(status);
      expect(fold(Screening, [recorded('block'), cleared]).status).toBe('cleared');
      expect(fold(Screening, [recorded('review'), confirmed]).status).toBe('confirmed');
    });

    it('starts empty and keeps who was screened', () => {
      expect(fold(Screening, [])).toEqual({ status: 'none', screeningId: null, partnerId: null, subject: null });
      expect(fold(Screening, histories.cleared)).toEqual({ status: 'cleared', screeningId: 'scr-1', partnerId: 'acme', subject });
    });
  });
});
