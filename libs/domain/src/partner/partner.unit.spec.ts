import { given } from '../shared/given-when-then';
import type { PartnerApplication, PartnerEvent } from './partner.events';
import { Partner, PartnerCommand } from './partner.decide';

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

const submitted: PartnerEvent = { type: 'ApplicationSubmitted', data: application };
const approved: PartnerEvent = { type: 'ApplicationApproved', data: { partnerId: 'acme', reason: 'KYC complete' } };
const rejected: PartnerEvent = { type: 'ApplicationRejected', data: { partnerId: 'acme', reason: 'ownership unclear' } };

const submit: PartnerCommand = { type: 'SubmitApplication', data: application };
const approve: PartnerCommand = { type: 'ApproveApplication', data: { partnerId: 'acme', reason: 'KYC complete' } };
const reject: PartnerCommand = { type: 'RejectApplication', data: { partnerId: 'acme', reason: 'ownership unclear' } };

const histories = {
  none: [] as PartnerEvent[],
  submitted: [submitted],
  approved: [submitted, approved],
  rejected: [submitted, rejected],
};

describe('Partner', () => {
  describe('SubmitApplication', () => {
    it('records the application of a new partner', () => {
      given(Partner, histories.none).when(submit).then([submitted]);
    });

    it.each(['submitted', 'approved', 'rejected'] as const)('refuses a second application (%s)', (currentStatus) => {
      given(Partner, histories[currentStatus]).when(submit).thenThrows('PARTNER.ALREADY_APPLIED', { kind: 'conflict', details: { currentStatus } });
    });
  });

  describe('ApproveApplication', () => {
    it('approves an application under review', () => {
      given(Partner, histories.submitted).when(approve).then([approved]);
    });

    it('refuses an unknown partner', () => {
      given(Partner, histories.none).when(approve).thenThrows('PARTNER.NOT_FOUND', { kind: 'not_found', details: {} });
    });

    it.each(['approved', 'rejected'] as const)('refuses an application that is already %s', (currentStatus) => {
      given(Partner, histories[currentStatus])
        .when(approve)
        .thenThrows('PARTNER.NOT_UNDER_REVIEW', { kind: 'conflict', details: { currentStatus } });
    });
  });

  describe('RejectApplication', () => {
    it('rejects an application under review', () => {
      given(Partner, histories.submitted).when(reject).then([rejected]);
    });

    it('refuses an unknown partner', () => {
      given(Partner, histories.none).when(reject).thenThrows('PARTNER.NOT_FOUND', { kind: 'not_found', details: {} });
    });

    it.each(['approved', 'rejected'] as const)('refuses an application that is already %s', (currentStatus) => {
      given(Partner, histories[currentStatus])
        .when(reject)
        .thenThrows('PARTNER.NOT_UNDER_REVIEW', { kind: 'conflict', details: { currentStatus } });
    });
  });

  describe('state', () => {
    it('keeps the application and the latest status', () => {
      const fold = (events: PartnerEvent[]) => events.reduce(Partner.evolve, Partner.initialState());
      expect(fold(histories.none)).toEqual({ status: 'none', application: null });
      expect(fold(histories.submitted)).toEqual({ status: 'submitted', application });
      expect(fold(histories.approved)).toEqual({ status: 'approved', application });
      expect(fold(histories.rejected)).toEqual({ status: 'rejected', application });
    });
  });
});
