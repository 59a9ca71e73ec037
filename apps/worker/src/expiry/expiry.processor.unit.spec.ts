import { expiringThingOf } from './expiry.processor';

describe('expiringThingOf', () => {
  it('names the aggregate each timer expires and the window end it was set for', () => {
    expect(expiringThingOf({ name: 'expiry.license', data: { licenseId: 'lic-1', partnerId: 'p', validUntil: '2027-01-01T00:00:00.000Z' } }, 365)).toEqual({
      thing: { kind: 'license', licenseId: 'lic-1' },
      id: 'lic-1',
      windowEnd: '2027-01-01T00:00:00.000Z',
    });
    expect(expiringThingOf({ name: 'expiry.government-approval', data: { approvalId: 'ga-1', partnerId: 'p', validUntil: '2027-01-01T00:00:00.000Z' } }, 365).thing).toEqual({
      kind: 'government-approval',
      approvalId: 'ga-1',
    });
    expect(expiringThingOf({ name: 'expiry.directive', data: { directiveId: 'd-1', expiresAt: '2027-01-01T00:00:00.000Z' } }, 365).thing).toEqual({ kind: 'directive', directiveId: 'd-1' });
  });

  it('lets the KYC case judge its validity by the configured days, not by the timer', () => {
    expect(expiringThingOf({ name: 'expiry.kyc', data: { caseId: 'kyc-1', partnerId: 'p', expiresAt: '2027-01-01T00:00:00.000Z' } }, 90).thing).toEqual({
      kind: 'kyc',
      caseId: 'kyc-1',
      validForDays: 90,
    });
  });
});
