import type { PartnerStatus } from '../partner/partner.state';
import { given } from '../shared/given-when-then';
import { Credential, CredentialCommand } from './credential.decide';
import type { CredentialEvent, CredentialIssued } from './credential.events';

const issuedData: CredentialIssued['data'] = {
  credentialId: 'cred-1',
  partnerId: 'acme',
  label: 'production',
  secretHash: 'a'.repeat(64),
  prefix: 'mak_live_ab',
};

const issued: CredentialEvent = { type: 'CredentialIssued', data: issuedData };
const revoked: CredentialEvent = { type: 'CredentialRevoked', data: { credentialId: 'cred-1', partnerId: 'acme', reason: 'rotated' } };

const issue = (partnerStatus: PartnerStatus = 'approved'): CredentialCommand => ({ type: 'IssueCredential', data: issuedData, partnerStatus });
const revoke = (partnerId = 'acme', reason = 'rotated'): CredentialCommand => ({
  type: 'RevokeCredential',
  data: { credentialId: 'cred-1', partnerId, reason },
});

describe('Credential', () => {
  describe('IssueCredential', () => {
    it.each(['approved', 'submitted'] as const)('issues a credential to a partner whose application is %s', (partnerStatus) => {
      given(Credential, []).when(issue(partnerStatus)).then([issued]);
    });

    it('never puts a secret in the event: only its hash and prefix', () => {
      const [event] = given(Credential, []).when(issue()).then([issued]);
      expect(Object.keys(event.data).sort()).toEqual(['credentialId', 'label', 'partnerId', 'prefix', 'secretHash']);
    });

    it.each(['none', 'rejected'] as const)('refuses a partner whose application is %s', (partnerStatus) => {
      given(Credential, [])
        .when(issue(partnerStatus))
        .thenThrows('CREDENTIAL.PARTNER_NOT_ELIGIBLE', { kind: 'conflict', details: { partnerStatus } });
    });

    it.each([
      ['active', [issued]],
      ['revoked', [issued, revoked]],
    ] as const)('refuses an id that is already used (%s)', (_status, history) => {
      given(Credential, [...history])
        .when(issue())
        .thenThrows('CREDENTIAL.ALREADY_EXISTS', { kind: 'conflict', details: {} });
    });

    it('checks the id before the partner', () => {
      given(Credential, [issued]).when(issue('rejected')).thenThrows('CREDENTIAL.ALREADY_EXISTS');
    });
  });

  describe('RevokeCredential', () => {
    it('revokes an active credential of the partner', () => {
      given(Credential, [issued]).when(revoke()).then([revoked]);
      given(Credential, [issued])
        .when(revoke('acme', 'leaked'))
        .then([{ type: 'CredentialRevoked', data: { credentialId: 'cred-1', partnerId: 'acme', reason: 'leaked' } }]);
    });

    it('refuses an unknown credential', () => {
      given(Credential, []).when(revoke()).thenThrows('CREDENTIAL.NOT_FOUND', { kind: 'not_found', details: {} });
    });

    it("answers another partner's credential as not found (active or revoked: nothing leaks)", () => {
      given(Credential, [issued]).when(revoke('globex')).thenThrows('CREDENTIAL.NOT_FOUND', { kind: 'not_found', details: {} });
      given(Credential, [issued, revoked]).when(revoke('globex')).thenThrows('CREDENTIAL.NOT_FOUND', { kind: 'not_found', details: {} });
    });

    it('refuses to revoke twice', () => {
      given(Credential, [issued, revoked]).when(revoke()).thenThrows('CREDENTIAL.ALREADY_REVOKED', { kind: 'conflict' });
    });
  });

  describe('state', () => {
    it('keeps the owning partner and the status', () => {
      const fold = (events: CredentialEvent[]) => events.reduce(Credential.evolve, Credential.initialState());
      expect(fold([])).toEqual({ status: 'none', partnerId: null });
      expect(fold([issued])).toEqual({ status: 'active', partnerId: 'acme' });
      expect(fold([issued, revoked])).toEqual({ status: 'revoked', partnerId: 'acme' });
    });
  });
});
