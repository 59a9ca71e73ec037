import type { PartnerApplication, PartnerEvent, SuspensionCause } from './partner.events';

export type PartnerStatus =
  | 'none'
  | 'submitted'
  | 'under_review'
  | 'information_requested'
  | 'resubmitted'
  | 'approved'
  | 'rejected'
  | 'suspended'
  | 'offboarded';

/** Statuses in which a reviewer may still decide the application. */
export const DECIDABLE: readonly PartnerStatus[] = ['submitted', 'under_review', 'resubmitted'];

export interface PartnerState {
  status: PartnerStatus;
  application: PartnerApplication | null;
  informationRequest: { message: string; fields: string[] } | null;
  suspension: { reason: string; cause: SuspensionCause; reference: string | null } | null;
}

export const initialPartnerState = (): PartnerState => ({ status: 'none', application: null, informationRequest: null, suspension: null });

export function evolvePartner(state: PartnerState, event: PartnerEvent): PartnerState {
  switch (event.type) {
    case 'ApplicationSubmitted':
      return { ...state, status: 'submitted', application: event.data };
    case 'ApplicationUpdated':
      return { ...state, application: event.data };
    case 'ReviewStarted':
      return { ...state, status: 'under_review' };
    case 'InformationRequested':
      return { ...state, status: 'information_requested', informationRequest: { message: event.data.message, fields: event.data.fields } };
    case 'ApplicationResubmitted': {
      const { response: _response, ...application } = event.data;
      return { ...state, status: 'resubmitted', application, informationRequest: null };
    }
    case 'ApplicationApproved':
      return { ...state, status: 'approved' };
    case 'ApplicationRejected':
      return { ...state, status: 'rejected' };
    case 'PartnerSuspended':
      return { ...state, status: 'suspended', suspension: { reason: event.data.reason, cause: event.data.cause, reference: event.data.reference } };
    case 'PartnerReinstated':
      return { ...state, status: 'approved', suspension: null };
    case 'PartnerOffboarded':
      return { ...state, status: 'offboarded' };
  }
}
