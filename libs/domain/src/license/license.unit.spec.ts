import type { ModelStatus } from '../model/model.state';
import type { PartnerStatus } from '../partner/partner.state';
import { given, TEST_NOW } from '../shared/given-when-then';
import { License, LicenseCommand } from './license.decide';
import type { LicenseEvent, LicenseTerms } from './license.events';

const terms: LicenseTerms = {
  licenseId: 'lic-1',
  partnerId: 'acme',
  modelId: 'mythos-5',
  validFrom: '2026-07-01T00:00:00.000Z',
  validUntil: '2027-07-01T00:00:00.000Z',
};

type GrantData = Extract<LicenseCommand, { type: 'GrantLicense' }>['data'];

function grant(
  data: Partial<GrantData> = {},
  partnerStatus: PartnerStatus = 'approved',
  modelStatus: ModelStatus = 'available',
): LicenseCommand {
  return { type: 'GrantLicense', data: { ...terms, ...data }, partnerStatus, modelStatus };
}

const granted: LicenseEvent = { type: 'LicenseGranted', data: { ...terms, grantedBy: 'officer-1' } };
const revoked: LicenseEvent = { type: 'LicenseRevoked', data: { licenseId: 'lic-1', partnerId: 'acme', modelId: 'mythos-5', reason: 'breach' } };
const revoke: LicenseCommand = { type: 'RevokeLicense', data: { licenseId: 'lic-1', reason: 'breach' } };

describe('License', () => {
  describe('GrantLicense', () => {
    it('grants the terms to an approved partner on an available model, granted by the acting officer', () => {
      given(License, []).when(grant()).then([granted]);
      given(License, [])
        .when(grant(), { actorId: 'officer-2' })
        .then([{ type: 'LicenseGranted', data: { ...terms, grantedBy: 'officer-2' } }]);
    });

    it('grants an open-ended license (validUntil null)', () => {
      given(License, [])
        .when(grant({ validUntil: null }))
        .then([{ type: 'LicenseGranted', data: { ...terms, validUntil: null, grantedBy: 'officer-1' } }]);
    });

    it('starts the license at context.now when validFrom is not given', () => {
      given(License, [])
        .when(grant({ validFrom: null }))
        .then([{ type: 'LicenseGranted', data: { ...terms, validFrom: TEST_NOW.toISOString(), grantedBy: 'officer-1' } }]);
      const now = new Date('2026-09-15T08:30:00.000Z');
      given(License, [])
        .when(grant({ validFrom: null, validUntil: null }), { now })
        .then([{ type: 'LicenseGranted', data: { ...terms, validFrom: '2026-09-15T08:30:00.000Z', validUntil: null, grantedBy: 'officer-1' } }]);
    });

    it('accepts a validFrom in the past (backdating is the officer’s call)', () => {
      given(License, [])
        .when(grant({ validFrom: '2025-01-01T00:00:00.000Z' }))
        .then([{ type: 'LicenseGranted', data: { ...terms, validFrom: '2025-01-01T00:00:00.000Z', grantedBy: 'officer-1' } }]);
    });

    it('grants a license on a suspended model (the check refuses it while suspended)', () => {
      given(License, []).when(grant({}, 'approved', 'suspended')).then([granted]);
    });

    it.each([
      ['active', [granted]],
      ['revoked', [granted, revoked]],
    ] as const)('refuses an id that is already used (%s)', (currentStatus, history) => {
      given(License, [...history])
        .when(grant())
        .thenThrows('LICENSE.ALREADY_EXISTS', { kind: 'conflict', details: { currentStatus } });
    });

    it('refuses an unknown partner', () => {
      given(License, []).when(grant({}, 'none')).thenThrows('PARTNER.NOT_FOUND', { kind: 'not_found' });
    });

    it.each(['submitted', 'rejected'] as const)('refuses a partner whose application is %s', (partnerStatus) => {
      given(License, [])
        .when(grant({}, partnerStatus))
        .thenThrows('LICENSE.PARTNER_NOT_APPROVED', { kind: 'conflict', details: { partnerStatus } });
    });

    it('refuses an unknown model', () => {
      given(License, []).when(grant({}, 'approved', 'unregistered')).thenThrows('MODEL.NOT_FOUND', { kind: 'not_found' });
    });

    it('refuses a retired model', () => {
      given(License, [])
        .when(grant({}, 'approved', 'retired'))
        .thenThrows('LICENSE.MODEL_RETIRED', { kind: 'conflict', details: { modelStatus: 'retired' } });
    });

    it.each([
      ['ends when it starts', { validUntil: terms.validFrom }],
      ['ends before it starts', { validUntil: '2026-06-30T23:59:59.999Z' }],
      ['ends before context.now when validFrom defaults to it', { validFrom: null, validUntil: '2026-06-01T11:59:59.000Z' }],
      ['ends exactly at context.now when validFrom defaults to it', { validFrom: null, validUntil: TEST_NOW.toISOString() }],
    ])('refuses an empty window: %s', (_case, data) => {
      given(License, [])
        .when(grant(data))
        .thenThrows('LICENSE.EMPTY_WINDOW', { kind: 'invalid', details: { field: 'validUntil' } });
    });

    it('checks the id first, then the partner, then the model, then the window', () => {
      given(License, [granted]).when(grant({ validUntil: terms.validFrom }, 'none', 'unregistered')).thenThrows('LICENSE.ALREADY_EXISTS');
      given(License, []).when(grant({ validUntil: terms.validFrom }, 'none', 'unregistered')).thenThrows('PARTNER.NOT_FOUND');
      given(License, []).when(grant({ validUntil: terms.validFrom }, 'rejected', 'retired')).thenThrows('LICENSE.PARTNER_NOT_APPROVED');
      given(License, []).when(grant({ validUntil: terms.validFrom }, 'approved', 'retired')).thenThrows('LICENSE.MODEL_RETIRED');
    });
  });

  describe('RevokeLicense', () => {
    it('revokes an active license, naming its partner and model from the granted terms', () => {
      given(License, [granted]).when(revoke).then([revoked]);
    });

    it('refuses an unknown license', () => {
      given(License, []).when(revoke).thenThrows('LICENSE.NOT_FOUND', { kind: 'not_found' });
    });

    it('refuses to revoke twice', () => {
      given(License, [granted, revoked])
        .when(revoke)
        .thenThrows('LICENSE.ALREADY_REVOKED', { kind: 'conflict', details: { currentStatus: 'revoked' } });
    });
  });

  describe('state', () => {
    it('keeps the terms (without grantedBy) and the status', () => {
      const fold = (events: LicenseEvent[]) => events.reduce(License.evolve, License.initialState());
      expect(fold([])).toEqual({ status: 'none', terms: null });
      expect(fold([granted])).toEqual({ status: 'active', terms });
      expect(fold([granted, revoked])).toEqual({ status: 'revoked', terms });
    });
  });
});
