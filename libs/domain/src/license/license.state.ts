import type { LicenseEvent, LicenseTerms } from './license.events';

export type LicenseStatus = 'none' | 'active' | 'revoked';

export interface LicenseState {
  status: LicenseStatus;
  terms: LicenseTerms | null;
}

export const initialLicenseState = (): LicenseState => ({ status: 'none', terms: null });

export function evolveLicense(state: LicenseState, event: LicenseEvent): LicenseState {
  switch (event.type) {
    case 'LicenseGranted': {
      const { grantedBy: _grantedBy, ...terms } = event.data;
      return { status: 'active', terms };
    }
    case 'LicenseRevoked':
      return { ...state, status: 'revoked' };
  }
}
