import type { PartnerStatus } from '../partner/partner.state';
import { fold, streamIdOf } from '../shared/aggregate';
import { given } from '../shared/given-when-then';
import { EndUser, EndUserCommand, EndUserEvent, endUserKey, UserEnrolled } from './end-user.decide';

const enrolment: UserEnrolled['data'] = { partnerId: 'acme', userId: 'u-7', name: 'Ada Example', email: 'ada@acme.example' };
const removal = { partnerId: 'acme', userId: 'u-7', reason: 'left the company' };

// Commands
const enrol = (partnerStatus: PartnerStatus = 'approved', data: Partial<typeof enrolment> = {}): EndUserCommand => ({
  type: 'EnrolUser',
  data: { ...enrolment, ...data },
  partnerStatus,
});
const remove: EndUserCommand = { type: 'RemoveUser', data: removal };

// Events
const enrolled: EndUserEvent = { type: 'UserEnrolled', data: enrolment };
const removed: EndUserEvent = { type: 'UserRemoved', data: removal };

const ELIGIBLE: PartnerStatus[] = ['submitted', 'under_review', 'information_requested', 'resubmitted', 'approved', 'suspended'];
const NOT_ELIGIBLE: PartnerStatus[] = ['none', 'rejected', 'offboarded'];

describe('EndUser', () => {
  describe('EnrolUser', () => {
    it.each(ELIGIBLE.map((status) => [status] as const))('enrols a user of a partner whose application is %s', (partnerStatus) => {
      given(EndUser, []).when(enrol(partnerStatus)).then([enrolled]);
    });

    it('enrols a user without an email', () => {
      given(EndUser, [])
        .when(enrol('approved', { email: null }))
        .then([{ type: 'UserEnrolled', data: { ...enrolment, email: null } }]);
    });

    it.each(NOT_ELIGIBLE.map((status) => [status] as const))('refuses a partner whose application is %s', (partnerStatus) => {
      given(EndUser, []).when(enrol(partnerStatus)).thenThrows('USER.PARTNER_NOT_ELIGIBLE', { kind: 'conflict', details: { partnerStatus } });
    });

    it('refuses to enrol the same user twice', () => {
      given(EndUser, [enrolled]).when(enrol()).thenThrows('USER.ALREADY_ENROLLED', { kind: 'conflict', details: { currentStatus: 'enrolled' } });
    });

    it('checks the enrolment before the partner', () => {
      given(EndUser, [enrolled]).when(enrol('offboarded')).thenThrows('USER.ALREADY_ENROLLED');
    });

    it('enrols a removed user again', () => {
      given(EndUser, [enrolled, removed]).when(enrol()).then([enrolled]);
      given(EndUser, [enrolled, removed]).when(enrol('rejected')).thenThrows('USER.PARTNER_NOT_ELIGIBLE', { details: { partnerStatus: 'rejected' } });
    });
  });

  describe('RemoveUser', () => {
    it('removes an enrolled user', () => {
      given(EndUser, [enrolled]).when(remove).then([removed]);
      given(EndUser, [enrolled, removed, enrolled]).when(remove).then([removed]);
    });

    it('refuses an unknown user', () => {
      given(EndUser, []).when(remove).thenThrows('USER.NOT_FOUND', { kind: 'not_found', details: {} });
    });

    it('refuses a user who was already removed', () => {
      given(EndUser, [enrolled, removed]).when(remove).thenThrows('USER.NOT_FOUND', { kind: 'not_found', details: {} });
    });
  });

  describe('endUserKey', () => {
    it('joins partner and user with "~", one stream per partner and user', () => {
      expect(endUserKey('acme', 'u-7')).toBe('acme~u-7');
      expect(streamIdOf(EndUser, endUserKey('acme', 'u-7'))).toBe('user-acme~u-7');
    });

    it('keeps two partners’ users with the same id apart', () => {
      expect(endUserKey('acme', 'u-7')).not.toBe(endUserKey('globex', 'u-7'));
      expect(endUserKey('acme-u', '7')).not.toBe(endUserKey('acme', 'u-7'));
    });
  });

  describe('state', () => {
    it('keeps the status and the name', () => {
      expect(fold(EndUser, [])).toEqual({ status: 'none', name: null });
      expect(fold(EndUser, [enrolled])).toEqual({ status: 'enrolled', name: 'Ada Example' });
      expect(fold(EndUser, [enrolled, removed])).toEqual({ status: 'removed', name: 'Ada Example' });
    });
  });
});
