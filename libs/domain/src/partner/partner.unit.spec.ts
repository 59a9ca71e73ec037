import { fold } from '../shared/aggregate';
import { given } from '../shared/given-when-then';
import type { PartnerApplication, PartnerEvent } from './partner.events';
import { ApprovalFacts, Partner, PartnerCommand } from './partner.decide';
import type { PartnerStatus } from './partner.state';

const application: PartnerApplication = {
  partnerId: 'acme',
  legalName: 'Acme Analytics GmbH',
  registrationNumber: 'HRB 12345',
  countryOfIncorporation: 'DE',
  addresses: ['Unter den Linden 1, 10117 Berlin'],
  beneficialOwners: [{ name: 'Ada Example', nationality: 'DE', ownershipPercent: 60 }],
  intendedUse: 'Document review for regulated customers',
  requestedModels: ['mythos-5'],
};
const updatedApplication: PartnerApplication = { ...application, addresses: ['Friedrichstraße 2, 10117 Berlin'] };
const resubmittedApplication: PartnerApplication = {
  ...application,
  beneficialOwners: [
    { name: 'Ada Example', nationality: 'DE', ownershipPercent: 60 },
    { name: 'Bob Example', nationality: 'FR', ownershipPercent: 40 },
  ],
};
const informationRequest = { partnerId: 'acme', message: 'Name every owner above 25%', fields: ['beneficialOwners'] };
const suspension = { partnerId: 'acme', reason: 'sanctions hit on owner', cause: 'screening_hit' as const, reference: 'screening-42' };

// Events
const submitted: PartnerEvent = { type: 'ApplicationSubmitted', data: application };
const updated: PartnerEvent = { type: 'ApplicationUpdated', data: updatedApplication };
const reviewStarted: PartnerEvent = { type: 'ReviewStarted', data: { partnerId: 'acme' } };
const informationRequested: PartnerEvent = { type: 'InformationRequested', data: informationRequest };
const resubmitted: PartnerEvent = { type: 'ApplicationResubmitted', data: { ...resubmittedApplication, response: 'Bob added' } };
const approved: PartnerEvent = { type: 'ApplicationApproved', data: { partnerId: 'acme', reason: 'KYB complete' } };
const rejected: PartnerEvent = { type: 'ApplicationRejected', data: { partnerId: 'acme', reason: 'ownership unclear' } };
const suspended: PartnerEvent = { type: 'PartnerSuspended', data: suspension };
const reinstated: PartnerEvent = { type: 'PartnerReinstated', data: { partnerId: 'acme', reason: 'hit cleared' } };
const offboarded: PartnerEvent = { type: 'PartnerOffboarded', data: { partnerId: 'acme', reason: 'contract ended' } };

// Commands
const verifiedFacts: ApprovalFacts = { organisationKyc: 'verified', organisationScreened: true, unresolvedScreenings: 0 };
const submit: PartnerCommand = { type: 'SubmitApplication', data: application };
const update: PartnerCommand = { type: 'UpdateApplication', data: updatedApplication };
const startReview: PartnerCommand = { type: 'StartReview', data: { partnerId: 'acme' } };
const requestInformation: PartnerCommand = { type: 'RequestInformation', data: informationRequest };
const resubmit: PartnerCommand = { type: 'ResubmitApplication', data: { ...resubmittedApplication, response: 'Bob added' } };
const approve = (facts: Partial<ApprovalFacts> = {}): PartnerCommand => ({
  type: 'ApproveApplication',
  data: { partnerId: 'acme', reason: 'KYB complete' },
  facts: { ...verifiedFacts, ...facts },
});
const reject: PartnerCommand = { type: 'RejectApplication', data: { partnerId: 'acme', reason: 'ownership unclear' } };
const suspend: PartnerCommand = { type: 'SuspendPartner', data: suspension };
const reinstate: PartnerCommand = { type: 'ReinstatePartner', data: { partnerId: 'acme', reason: 'hit cleared' } };
const offboard: PartnerCommand = { type: 'OffboardPartner', data: { partnerId: 'acme', reason: 'contract ended' } };

/** One history per status (the shortest that reaches it). */
const histories: Record<PartnerStatus, PartnerEvent[]> = {
  none: [],
  submitted: [submitted],
  under_review: [submitted, reviewStarted],
  information_requested: [submitted, informationRequested],
  resubmitted: [submitted, informationRequested, resubmitted],
  approved: [submitted, approved],
  rejected: [submitted, rejected],
  suspended: [submitted, approved, suspended],
  offboarded: [submitted, approved, offboarded],
};
const EXISTING: PartnerStatus[] = ['submitted', 'under_review', 'information_requested', 'resubmitted', 'approved', 'rejected', 'suspended', 'offboarded'];
const DECIDABLE_STATUSES: PartnerStatus[] = ['submitted', 'under_review', 'resubmitted'];

/** The existing statuses from which a command is refused, each with its history. */
const refusedFrom = (allowed: PartnerStatus[]) => EXISTING.filter((status) => !allowed.includes(status)).map((status) => [status] as const);

/** Asserts the command is refused as an invalid transition from every existing status outside `allowed`, and NOT_FOUND for an unknown partner. */
function refusesOutside(command: PartnerCommand, allowed: PartnerStatus[]) {
  it.each(refusedFrom(allowed))('refuses a partner whose application is %s (INVALID_TRANSITION)', (currentStatus) => {
    given(Partner, histories[currentStatus])
      .when(command)
      .thenThrows('PARTNER.INVALID_TRANSITION', { kind: 'conflict', details: { currentStatus, allowedFrom: allowed } });
  });

  it('refuses an unknown partner (NOT_FOUND)', () => {
    given(Partner, histories.none).when(command).thenThrows('PARTNER.NOT_FOUND', { kind: 'not_found', details: {} });
  });
}

describe('Partner', () => {
  describe('SubmitApplication', () => {
    it('records the application of a new partner', () => {
      given(Partner, histories.none).when(submit).then([submitted]);
    });

    it.each(EXISTING.map((status) => [status] as const))('refuses a second application (%s)', (currentStatus) => {
      given(Partner, histories[currentStatus]).when(submit).thenThrows('PARTNER.ALREADY_APPLIED', { kind: 'conflict', details: { currentStatus } });
    });
  });

  describe('UpdateApplication', () => {
    it.each([['submitted'], ['information_requested'], ['resubmitted']] as const)('updates an application that is %s', (status) => {
      given(Partner, histories[status]).when(update).then([updated]);
    });

    it('updates a submitted application more than once', () => {
      given(Partner, [submitted, updated]).when({ type: 'UpdateApplication', data: application }).then([{ type: 'ApplicationUpdated', data: application }]);
    });

    refusesOutside(update, ['submitted', 'information_requested', 'resubmitted']);
  });

  describe('StartReview', () => {
    it.each([['submitted'], ['resubmitted']] as const)('starts reviewing an application that is %s', (status) => {
      given(Partner, histories[status]).when(startReview).then([reviewStarted]);
    });

    refusesOutside(startReview, ['submitted', 'resubmitted']);
  });

  describe('RequestInformation', () => {
    it.each(DECIDABLE_STATUSES.map((status) => [status] as const))('asks a partner whose application is %s for more information', (status) => {
      given(Partner, histories[status]).when(requestInformation).then([informationRequested]);
    });

    refusesOutside(requestInformation, DECIDABLE_STATUSES);
  });

  describe('ResubmitApplication', () => {
    it('resubmits an application after information was requested', () => {
      given(Partner, histories.information_requested).when(resubmit).then([resubmitted]);
    });

    it('resubmits after information was requested during a review', () => {
      given(Partner, [submitted, reviewStarted, informationRequested]).when(resubmit).then([resubmitted]);
    });

    refusesOutside(resubmit, ['information_requested']);
  });

  describe('ApproveApplication', () => {
    it.each(DECIDABLE_STATUSES.map((status) => [status] as const))('approves an application that is %s when KYB is verified, the organisation screened and no screening open', (status) => {
      given(Partner, histories[status]).when(approve()).then([approved]);
    });

    it.each([['missing'], ['pending'], ['failed'], ['needs_review'], ['expired']] as const)(
      'refuses while the organisation KYB is %s (KYB_NOT_VERIFIED)',
      (organisationKyc) => {
        given(Partner, histories.under_review)
          .when(approve({ organisationKyc }))
          .thenThrows('PARTNER.KYB_NOT_VERIFIED', { kind: 'conflict', details: { currentStatus: 'under_review', organisationKyc } });
      },
    );

    it.each([[1], [3]])('refuses while %s screening(s) are unresolved (SCREENING_UNRESOLVED)', (unresolvedScreenings) => {
      given(Partner, histories.submitted)
        .when(approve({ unresolvedScreenings }))
        .thenThrows('PARTNER.SCREENING_UNRESOLVED', { kind: 'conflict', details: { currentStatus: 'submitted', unresolvedScreenings } });
    });

    it('refuses while the organisation has never been screened (NOT_SCREENED)', () => {
      given(Partner, histories.under_review)
        .when(approve({ organisationScreened: false }))
        .thenThrows('PARTNER.NOT_SCREENED', { kind: 'conflict', details: { currentStatus: 'under_review' } });
    });

    it('checks KYB, then that the organisation was screened, then open screenings', () => {
      given(Partner, histories.resubmitted)
        .when(approve({ organisationKyc: 'pending', organisationScreened: false, unresolvedScreenings: 2 }))
        .thenThrows('PARTNER.KYB_NOT_VERIFIED', { details: { currentStatus: 'resubmitted', organisationKyc: 'pending' } });
      given(Partner, histories.resubmitted)
        .when(approve({ organisationScreened: false, unresolvedScreenings: 2 }))
        .thenThrows('PARTNER.NOT_SCREENED', { details: { currentStatus: 'resubmitted' } });
    });

    it('checks the status before the facts', () => {
      const badFacts: ApprovalFacts = { organisationKyc: 'failed', organisationScreened: false, unresolvedScreenings: 5 };
      given(Partner, histories.none).when(approve(badFacts)).thenThrows('PARTNER.NOT_FOUND', { kind: 'not_found' });
      given(Partner, histories.approved)
        .when(approve(badFacts))
        .thenThrows('PARTNER.INVALID_TRANSITION', { details: { currentStatus: 'approved', allowedFrom: DECIDABLE_STATUSES } });
    });

    refusesOutside(approve(), DECIDABLE_STATUSES);
  });

  describe('RejectApplication', () => {
    it.each(DECIDABLE_STATUSES.map((status) => [status] as const))('rejects an application that is %s', (status) => {
      given(Partner, histories[status]).when(reject).then([rejected]);
    });

    refusesOutside(reject, DECIDABLE_STATUSES);
  });

  describe('SuspendPartner', () => {
    it('suspends an approved partner, with cause and reference', () => {
      given(Partner, histories.approved).when(suspend).then([suspended]);
    });

    it('suspends a reinstated partner again', () => {
      given(Partner, [...histories.suspended, reinstated]).when(suspend).then([suspended]);
    });

    it('records a manual suspension without reference', () => {
      const data = { partnerId: 'acme', reason: 'audit', cause: 'manual' as const, reference: null };
      given(Partner, histories.approved).when({ type: 'SuspendPartner', data }).then([{ type: 'PartnerSuspended', data }]);
    });

    refusesOutside(suspend, ['approved']);
  });

  describe('ReinstatePartner', () => {
    it('reinstates a suspended partner', () => {
      given(Partner, histories.suspended).when(reinstate).then([reinstated]);
    });

    refusesOutside(reinstate, ['suspended']);
  });

  describe('OffboardPartner', () => {
    it.each([['approved'], ['suspended']] as const)('offboards a partner that is %s', (status) => {
      given(Partner, histories[status]).when(offboard).then([offboarded]);
    });

    refusesOutside(offboard, ['approved', 'suspended']);
  });

  describe('state', () => {
    const state = (events: PartnerEvent[]) => fold(Partner, events);

    it('reaches each status through its history', () => {
      for (const status of Object.keys(histories) as PartnerStatus[]) expect(state(histories[status]).status).toBe(status);
      expect(state([...histories.suspended, reinstated]).status).toBe('approved');
      expect(state([submitted, reviewStarted, informationRequested]).status).toBe('information_requested');
    });

    it('starts empty', () => {
      expect(state([])).toEqual({ status: 'none', application: null, informationRequest: null, suspension: null });
    });

    it('keeps the latest application: submitted, then updated', () => {
      expect(state([submitted]).application).toEqual(application);
      expect(state([submitted, updated])).toEqual({ status: 'submitted', application: updatedApplication, informationRequest: null, suspension: null });
    });

    it('keeps the open information request until the resubmission clears it, without the response in the application', () => {
      expect(state(histories.information_requested).informationRequest).toEqual({ message: informationRequest.message, fields: informationRequest.fields });
      expect(state(histories.resubmitted)).toEqual({ status: 'resubmitted', application: resubmittedApplication, informationRequest: null, suspension: null });
    });

    it('keeps the suspension while suspended and clears it on reinstatement', () => {
      expect(state(histories.suspended).suspension).toEqual({ reason: suspension.reason, cause: 'screening_hit', reference: 'screening-42' });
      expect(state([...histories.suspended, reinstated]).suspension).toBeNull();
    });
  });
});
