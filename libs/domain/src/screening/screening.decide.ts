import type { Aggregate } from '../shared/aggregate';
import { DomainError } from '../shared/domain-error';
import type { ScreeningEvent, ScreeningEvidence, ScreeningSubject } from './screening.events';

/**
 * clear: nothing close; needs_review: a possible match a human must look at; blocked: a strong match,
 * access denied until a reviewer clears it; cleared: a false positive; confirmed: a true hit.
 */
export type ScreeningStatus = 'none' | 'clear' | 'needs_review' | 'blocked' | 'cleared' | 'confirmed';

export interface ScreeningState {
  status: ScreeningStatus;
  screeningId: string | null;
  partnerId: string | null;
  subject: ScreeningSubject | null;
}

export const STATUS_OF_BAND = { clear: 'clear', review: 'needs_review', block: 'blocked' } as const;

export type ScreeningCommand =
  | { type: 'RecordScreening'; data: { screeningId: string; partnerId: string; subject: ScreeningSubject; evidence: ScreeningEvidence; trigger: string } }
  | { type: 'ClearScreeningHit'; data: { reason: string } }
  | { type: 'ConfirmScreeningHit'; data: { reason: string } };

export function evolveScreening(state: ScreeningState, event: ScreeningEvent): ScreeningState {
  switch (event.type) {
    case 'ScreeningRecorded':
      return { status: STATUS_OF_BAND[event.data.evidence.band], screeningId: event.data.screeningId, partnerId: event.data.partnerId, subject: event.data.subject };
    case 'ScreeningHitCleared':
      return { ...state, status: 'cleared' };
    case 'ScreeningHitConfirmed':
      return { ...state, status: 'confirmed' };
  }
}

export function decideScreening(command: ScreeningCommand, state: ScreeningState): ScreeningEvent[] {
  if (command.type === 'RecordScreening') {
    if (state.status !== 'none') throw new DomainError('SCREENING.ALREADY_RECORDED', 'This screening is already recorded.', 'conflict', { currentStatus: state.status });
    return [{ type: 'ScreeningRecorded', data: command.data }];
  }
  if (state.status === 'none') throw new DomainError('SCREENING.NOT_FOUND', 'No such screening.', 'not_found');
  if (state.status !== 'needs_review' && state.status !== 'blocked') {
    throw new DomainError('SCREENING.NOT_AWAITING_REVIEW', `Only a possible or blocking match can be decided; this screening is ${state.status}.`, 'conflict', {
      currentStatus: state.status,
    });
  }
  const data = { screeningId: state.screeningId!, partnerId: state.partnerId!, subject: state.subject!, reason: command.data.reason };
  return command.type === 'ClearScreeningHit' ? [{ type: 'ScreeningHitCleared', data }] : [{ type: 'ScreeningHitConfirmed', data }];
}

export const Screening: Aggregate<ScreeningState, ScreeningEvent, ScreeningCommand> = {
  streamPrefix: 'screening',
  initialState: () => ({ status: 'none', screeningId: null, partnerId: null, subject: null }),
  evolve: evolveScreening,
  decide: decideScreening,
};
