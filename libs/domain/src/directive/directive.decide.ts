import type { Aggregate, DecisionContext } from '../shared/aggregate';
import { DomainError } from '../shared/domain-error';
import { isIsoTime, windowHasEnded } from '../shared/time-window';
import type { DirectiveEvent, DirectiveTerms } from './directive.events';

export interface DirectiveState {
  status: 'none' | 'issued' | 'lifted' | 'expired';
  terms: DirectiveTerms | null;
}

export type DirectiveCommand =
  | { type: 'IssueDirective'; data: DirectiveTerms }
  | { type: 'AmendDirective'; data: DirectiveTerms & { reason: string } }
  | { type: 'LiftDirective'; data: { liftedAt: string; reason: string } }
  | { type: 'ExpireDirective' };

export function evolveDirective(state: DirectiveState, event: DirectiveEvent): DirectiveState {
  switch (event.type) {
    case 'DirectiveIssued':
      return { status: 'issued', terms: event.data };
    case 'DirectiveAmended': {
      const { reason: _reason, ...terms } = event.data;
      return { ...state, terms };
    }
    case 'DirectiveLifted':
      return { ...state, status: 'lifted' };
    case 'DirectiveExpired':
      return { ...state, status: 'expired' };
  }
}

function requireTerms(terms: DirectiveTerms): void {
  for (const field of ['issuedAt', 'effectiveAt'] as const) {
    if (!isIsoTime(terms[field])) throw new DomainError('DIRECTIVE.INVALID_DATE', `${field} must be an ISO-8601 time.`, 'invalid', { field });
  }
  if (terms.expiresAt !== null && !isIsoTime(terms.expiresAt)) {
    throw new DomainError('DIRECTIVE.INVALID_DATE', 'expiresAt must be an ISO-8601 time.', 'invalid', { field: 'expiresAt' });
  }
  if (terms.expiresAt !== null && !(Date.parse(terms.expiresAt) > Date.parse(terms.effectiveAt))) {
    throw new DomainError('DIRECTIVE.EMPTY_WINDOW', 'expiresAt must be after effectiveAt.', 'invalid', { field: 'expiresAt' });
  }
  if (terms.scope.modelIds.length === 0 && terms.scope.families.length === 0) {
    throw new DomainError('DIRECTIVE.NO_SCOPE', 'A directive must cover at least one model or family.', 'invalid', { field: 'scope' });
  }
  if (!terms.restrictions.foreignNationals && terms.restrictions.forbiddenDestinations.length === 0) {
    throw new DomainError('DIRECTIVE.NO_RESTRICTION', 'A directive must restrict something.', 'invalid', { field: 'restrictions' });
  }
}

export function decideDirective(command: DirectiveCommand, state: DirectiveState, context: DecisionContext): DirectiveEvent[] {
  switch (command.type) {
    case 'IssueDirective':
      if (state.status !== 'none') throw new DomainError('DIRECTIVE.ALREADY_ISSUED', 'This directive is already issued.', 'conflict', { currentStatus: state.status });
      requireTerms(command.data);
      return [{ type: 'DirectiveIssued', data: command.data }];
    case 'AmendDirective':
      if (state.status === 'none') throw new DomainError('DIRECTIVE.NOT_FOUND', 'No such directive.', 'not_found');
      if (state.status !== 'issued') throw new DomainError('DIRECTIVE.INVALID_TRANSITION', `Cannot amend a directive that is ${state.status}.`, 'conflict', { currentStatus: state.status });
      requireTerms(command.data);
      return [{ type: 'DirectiveAmended', data: { ...command.data, directiveId: state.terms!.directiveId } }];
    case 'LiftDirective':
      if (state.status === 'none') throw new DomainError('DIRECTIVE.NOT_FOUND', 'No such directive.', 'not_found');
      if (state.status !== 'issued') throw new DomainError('DIRECTIVE.INVALID_TRANSITION', `Cannot lift a directive that is ${state.status}.`, 'conflict', { currentStatus: state.status });
      if (!isIsoTime(command.data.liftedAt)) throw new DomainError('DIRECTIVE.INVALID_DATE', 'liftedAt must be an ISO-8601 time.', 'invalid', { field: 'liftedAt' });
      return [{ type: 'DirectiveLifted', data: { directiveId: state.terms!.directiveId, ...command.data } }];
    case 'ExpireDirective':
      // Re-checked here, not trusted from the timer: an amendment may have moved expiresAt.
      if (state.status !== 'issued' || !windowHasEnded(state.terms!.expiresAt, context.now)) return [];
      return [{ type: 'DirectiveExpired', data: { directiveId: state.terms!.directiveId, expiredAt: state.terms!.expiresAt! } }];
  }
}

export const Directive: Aggregate<DirectiveState, DirectiveEvent, DirectiveCommand> = {
  streamPrefix: 'directive',
  initialState: () => ({ status: 'none', terms: null }),
  evolve: evolveDirective,
  decide: decideDirective,
};
