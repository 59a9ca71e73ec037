import type { LicenseEvent, LicenseTerms } from './license.events';

export type LicenseStatus = 'none' | 'requested' | 'pending_approval' | 'rejected' | 'active' | 'suspended' | 'revoked' | 'expired';

export interface LicenseState {
  status: LicenseStatus;
  licenseId: string | null;
  partnerId: string | null;
  modelId: string | null;
  terms: LicenseTerms | null;
  proposedBy: string | null;
}

export const initialLicenseState = (): LicenseState => ({ status: 'none', licenseId: null, partnerId: null, modelId: null, terms: null, proposedBy: null });

export function evolveLicense(state: LicenseState, event: LicenseEvent): LicenseState {
  switch (event.type) {
    case 'LicenseRequested':
      return { ...state, status: 'requested', licenseId: event.data.licenseId, partnerId: event.data.partnerId, modelId: event.data.modelId };
    case 'LicenseProposed': {
      const { proposedBy, ...terms } = event.data;
      return { status: 'pending_approval', licenseId: terms.licenseId, partnerId: terms.partnerId, modelId: terms.modelId, terms, proposedBy };
    }
    case 'LicenseProposalRejected':
      return { ...state, status: 'rejected' };
    case 'LicenseGranted': {
      const { grantedBy, approvedBy: _approvedBy, ...terms } = event.data;
      return { status: 'active', licenseId: terms.licenseId, partnerId: terms.partnerId, modelId: terms.modelId, terms, proposedBy: grantedBy };
    }
    case 'LicenseSuspended':
      return { ...state, status: 'suspended' };
    case 'LicenseReinstated':
      return { ...state, status: 'active' };
    case 'LicenseAmended': {
      const { reason: _reason, ...terms } = event.data;
      return { ...state, terms };
    }
    case 'LicenseRevoked':
      return { ...state, status: 'revoked' };
    case 'LicenseExpired':
      return { ...state, status: 'expired' };
  }
}
