import { directiveCoversLicense, partnerViewOf, PARTNER_WEBHOOK_EVENT_TYPES, recipientsOf } from './partner-notifications';

const families = new Map([
  ['mythos-5', 'mythos'],
  ['mythos-preview', 'mythos'],
  ['fable-5', 'fable'],
]);

describe('partner notifications', () => {
  it('sends application decisions and license changes to the partner they name', () => {
    for (const type of ['ApplicationApproved', 'ApplicationRejected', 'LicenseGranted', 'LicenseSuspended', 'LicenseReinstated', 'LicenseRevoked', 'LicenseExpired']) {
      expect(recipientsOf(type, { partnerId: 'p-1', licenseId: 'lic-1' })).toEqual({ kind: 'partner', partnerId: 'p-1' });
    }
  });

  it('sends directives to holders of covered licenses, and nothing else to anyone', () => {
    expect(recipientsOf('DirectiveIssued', { directiveId: 'dir-1' })).toEqual({ kind: 'directive', directiveId: 'dir-1' });
    expect(recipientsOf('DirectiveLifted', { directiveId: 'dir-1' })).toEqual({ kind: 'directive', directiveId: 'dir-1' });
    for (const type of ['ApplicationSubmitted', 'CredentialIssued', 'WebhookEndpointRegistered', 'ScreeningRecorded', 'LicenseProposed']) {
      expect(recipientsOf(type, { partnerId: 'p-1' })).toEqual({ kind: 'nobody' });
      expect(PARTNER_WEBHOOK_EVENT_TYPES).not.toContain(type);
    }
  });

  it.each([
    ['an exact model named', { modelIds: ['mythos-5'], families: [] }, 'mythos-5', true],
    ['another model', { modelIds: ['fable-5'], families: [] }, 'mythos-5', false],
    ["the licensed model's family", { modelIds: [], families: ['mythos'] }, 'mythos-preview', true],
    ['a member of a licensed family', { modelIds: ['mythos-5'], families: [] }, 'mythos', true],
    ['the licensed family itself', { modelIds: [], families: ['fable'] }, 'fable', true],
    ['another family', { modelIds: [], families: ['fable'] }, 'mythos', false],
  ])('a directive naming %s covers the license: %s', (_what, scope, licensed, covered) => {
    expect(directiveCoversLicense(scope, licensed, families)).toBe(covered);
  });

  it('shows a license change without staff identities', () => {
    const view = partnerViewOf('LicenseGranted', {
      licenseId: 'lic-1', partnerId: 'p-1', modelId: 'mythos-5', validFrom: '2026-06-09T00:00:00.000Z', validUntil: null,
      allowedDestinations: ['US'], requireEndUserIdentification: true, monthlyTokenQuota: null, rateLimitPerMinute: 60,
      grantedBy: 'officer-1', approvedBy: 'officer-2',
    });
    expect(view).toEqual({
      partnerId: 'p-1', licenseId: 'lic-1', modelId: 'mythos-5', validFrom: '2026-06-09T00:00:00.000Z', validUntil: null,
      allowedDestinations: ['US'], requireEndUserIdentification: true, monthlyTokenQuota: null, rateLimitPerMinute: 60, status: 'active',
    });
    expect(partnerViewOf('LicenseRevoked', { licenseId: 'lic-1', partnerId: 'p-1', modelId: 'mythos-5', reason: 'internal note' })).toEqual({
      partnerId: 'p-1', licenseId: 'lic-1', modelId: 'mythos-5', status: 'revoked',
    });
  });

  it('shows an application decision with its reason, and a directive with the models of this partner it covers', () => {
    expect(partnerViewOf('ApplicationRejected', { partnerId: 'p-1', reason: 'incomplete' })).toEqual({ partnerId: 'p-1', decision: 'rejected', reason: 'incomplete' });
    expect(partnerViewOf('DirectiveLifted', { directiveId: 'dir-1', liftedAt: '2026-06-26T00:00:00.000Z', reason: 'relief' }, ['mythos-5'])).toEqual({
      directiveId: 'dir-1', liftedAt: '2026-06-26T00:00:00.000Z', reason: 'relief', affectedModels: ['mythos-5'],
    });
    expect(() => partnerViewOf('CredentialIssued', {})).toThrow(RangeError);
  });
});
