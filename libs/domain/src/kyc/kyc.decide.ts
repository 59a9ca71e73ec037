import type { Aggregate, DecisionContext } from '../shared/aggregate';
import { DomainError } from '../shared/domain-error';
import type { KycEvent, KycStatus, KycSubject, ProviderEvidence, VerifiedIdentity } from './kyc.events';

export interface KycState {
  status: KycStatus | 'none';
  caseId: string | null;
  partnerId: string | null;
  subject: KycSubject | null;
  identity: VerifiedIdentity | null;
  /** When the current verification was received (ISO-8601); its validity runs from here. */
  verifiedAt: string | null;
}

/** A provider's word on a case, after the adapter has translated it into our terms. */
export interface ProviderUpdate {
  status: 'pending' | 'verified' | 'failed' | 'needs_review';
  identity?: VerifiedIdentity;
  reason?: string;
  evidence: ProviderEvidence;
}

export type KycCommand =
  | { type: 'OpenKycCase'; data: { caseId: string; partnerId: string; subject: KycSubject; provider: string; providerRef: string; declaredName: string } }
  | { type: 'ApplyProviderUpdate'; data: ProviderUpdate }
  | { type: 'ReviewKyc'; data: { outcome: 'verified' | 'failed'; reason: string; identity?: VerifiedIdentity; reviewerId: string } }
  /** A verification holds `validForDays`; the case expires once that has passed (re-checked here, so a re-verification wins). */
  | { type: 'ExpireKyc'; data: { validForDays: number } };

const DAY_MS = 86_400_000;

export function evolveKyc(state: KycState, event: KycEvent): KycState {
  switch (event.type) {
    case 'KycCaseOpened':
      return { status: 'started', caseId: event.data.caseId, partnerId: event.data.partnerId, subject: event.data.subject, identity: null, verifiedAt: null };
    case 'KycPending':
      return { ...state, status: 'pending' };
    case 'KycVerified':
      return { ...state, status: 'verified', identity: event.data.identity, verifiedAt: event.data.evidence.receivedAt };
    case 'KycFailed':
      return { ...state, status: 'failed', identity: null, verifiedAt: null };
    case 'KycNeedsReview':
      return { ...state, status: 'needs_review' };
    case 'KycExpired':
      return { ...state, status: 'expired' };
  }
}

function requireCase(state: KycState): asserts state is KycState & { caseId: string; partnerId: string; subject: KycSubject } {
  if (state.status === 'none') throw new DomainError('KYC.NOT_FOUND', 'No such KYC case.', 'not_found');
}

/**
 * Providers are believed in any order and may reverse themselves (a pass turned into a fail);
 * only an expired case is closed. Repeating the current status records nothing.
 */
export function decideKyc(command: KycCommand, state: KycState, context: DecisionContext): KycEvent[] {
  switch (command.type) {
    case 'OpenKycCase':
      if (state.status !== 'none') throw new DomainError('KYC.ALREADY_OPEN', 'This KYC case already exists.', 'conflict', { currentStatus: state.status });
      return [{ type: 'KycCaseOpened', data: command.data }];
    case 'ApplyProviderUpdate': {
      requireCase(state);
      if (state.status === 'expired') throw new DomainError('KYC.CASE_CLOSED', 'This KYC case has expired; open a new one.', 'conflict', { currentStatus: state.status });
      const { status, evidence } = command.data;
      const base = { caseId: state.caseId, partnerId: state.partnerId };
      if (status === state.status && status !== 'verified') return [];
      switch (status) {
        case 'pending':
          return state.status === 'started' ? [{ type: 'KycPending', data: { ...base, evidence } }] : [];
        case 'verified':
          if (!command.data.identity) throw new DomainError('KYC.IDENTITY_MISSING', 'A verification must state the verified identity.', 'invalid', { field: 'identity' });
          return [{ type: 'KycVerified', data: { ...base, subject: state.subject, identity: command.data.identity, evidence, reviewedBy: null } }];
        case 'failed':
          return [{ type: 'KycFailed', data: { ...base, subject: state.subject, reason: command.data.reason ?? 'failed by provider', evidence, reviewedBy: null } }];
        case 'needs_review':
          return [{ type: 'KycNeedsReview', data: { ...base, subject: state.subject, reason: command.data.reason ?? 'provider asks for manual review', evidence } }];
      }
      return [];
    }
    case 'ReviewKyc': {
      requireCase(state);
      if (state.status !== 'needs_review') {
        throw new DomainError('KYC.NOT_AWAITING_REVIEW', `Only a case that needs review can be reviewed; this one is ${state.status}.`, 'conflict', {
          currentStatus: state.status,
        });
      }
      const evidence: ProviderEvidence = { provider: 'manual-review', providerEventId: null, rawPayload: null, receivedAt: context.now.toISOString() };
      const base = { caseId: state.caseId, partnerId: state.partnerId, subject: state.subject, evidence, reviewedBy: command.data.reviewerId };
      if (command.data.outcome === 'verified') {
        const identity = command.data.identity ?? { citizenships: [], permanentResidencies: [], usPerson: false };
        return [{ type: 'KycVerified', data: { ...base, identity } }];
      }
      return [{ type: 'KycFailed', data: { ...base, reason: command.data.reason } }];
    }
    case 'ExpireKyc': {
      requireCase(state);
      if (state.status !== 'verified' || state.verifiedAt === null) return [];
      if (context.now.getTime() < Date.parse(state.verifiedAt) + command.data.validForDays * DAY_MS) return [];
      return [{ type: 'KycExpired', data: { caseId: state.caseId, partnerId: state.partnerId, subject: state.subject } }];
    }
  }
}

export const KycCase: Aggregate<KycState, KycEvent, KycCommand> = {
  streamPrefix: 'kyc',
  initialState: () => ({ status: 'none', caseId: null, partnerId: null, subject: null, identity: null, verifiedAt: null }),
  evolve: evolveKyc,
  decide: decideKyc,
};
