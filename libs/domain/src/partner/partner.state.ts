import type { PartnerApplication, PartnerEvent } from './partner.events';

export type PartnerStatus = 'none' | 'submitted' | 'approved' | 'rejected';

export interface PartnerState {
  status: PartnerStatus;
  application: PartnerApplication | null;
}

export const initialPartnerState = (): PartnerState => ({ status: 'none', application: null });

export function evolvePartner(state: PartnerState, event: PartnerEvent): PartnerState {
  switch (event.type) {
    case 'ApplicationSubmitted':
      return { status: 'submitted', application: event.data };
    case 'ApplicationApproved':
      return { ...state, status: 'approved' };
    case 'ApplicationRejected':
      return { ...state, status: 'rejected' };
  }
}
