import { decide } from './decide';
import { EntitlementIndex } from './entitlement-index';
import { ReasonCode } from './reason-codes';

/** The geo rule alone: it needs no partner, so an empty index shows it without other reasons' noise. */
describe('decide: geofencing', () => {
  const NOW = Date.parse('2026-06-13T10:00:00Z');
  const geoReasons = (index: EntitlementIndex, request: { country?: string | null; anonymizer?: 'tor' | 'vpn' | 'datacenter' | null }) =>
    decide(index, { partnerId: 'nobody', model: 'm', ...request }, NOW, true).trace!.find((t) => t.rule === 'geo')!;

  it.each([
    [{ country: 'US' }, []],
    [{ country: 'ir' }, [ReasonCode.GEO_EMBARGOED]],
    [{ country: 'KP', anonymizer: 'tor' as const }, [ReasonCode.GEO_EMBARGOED, ReasonCode.ANONYMIZER_DETECTED]],
    [{ country: 'DE', anonymizer: 'vpn' as const }, [ReasonCode.ANONYMIZER_DETECTED]],
    [{ country: 'DE', anonymizer: 'datacenter' as const }, []],
    [{ country: null }, []],
  ])('by the default policy: %j -> %j', (request, reasons) => {
    expect(geoReasons(new EntitlementIndex(), request).reasons).toEqual(reasons);
  });

  it('follows the configured policy', () => {
    const strict = new EntitlementIndex({ embargoedCountries: new Set(['RU']), deniedAnonymizers: new Set(['tor', 'vpn', 'datacenter']), unknownCountry: 'deny' });
    expect(geoReasons(strict, { country: 'RU' }).reasons).toEqual([ReasonCode.GEO_EMBARGOED]);
    expect(geoReasons(strict, { country: 'IR' }).reasons).toEqual([]);
    expect(geoReasons(strict, { country: 'US', anonymizer: 'datacenter' }).reasons).toEqual([ReasonCode.ANONYMIZER_DETECTED]);
  });
});

describe('decide: unknown country policy', () => {
  const NOW = Date.parse('2026-06-13T10:00:00Z');
  const withDestinations = (unknownCountry: 'deny' | 'allow') => {
    const index = new EntitlementIndex({ embargoedCountries: new Set(), deniedAnonymizers: new Set(), unknownCountry });
    let position = 0;
    const apply = (type: string, data: unknown) => index.apply({ type, data, globalPosition: ++position });
    apply('ModelRegistered', { modelId: 'm', family: 'm', provider: 'p', name: 'm', version: '1', classification: 'EAR99', openWeights: true });
    apply('ApplicationSubmitted', { partnerId: 'p', legalName: 'P', registrationNumber: '1', countryOfIncorporation: 'US', addresses: [], beneficialOwners: [], intendedUse: 'x', requestedModels: ['m'] });
    apply('ApplicationApproved', { partnerId: 'p', reason: 'ok' });
    apply('KycCaseOpened', { caseId: 'k', partnerId: 'p', subject: { kind: 'organisation' }, provider: 'sandbox', providerRef: 'r', declaredName: 'P' });
    apply('KycVerified', { caseId: 'k', partnerId: 'p', subject: { kind: 'organisation' }, identity: { citizenships: [], permanentResidencies: [], usPerson: false }, evidence: {}, reviewedBy: null });
    apply('LicenseGranted', {
      licenseId: 'l', partnerId: 'p', modelId: 'm', validFrom: '2026-01-01T00:00:00Z', validUntil: null, allowedDestinations: ['US'],
      requireEndUserIdentification: false, monthlyTokenQuota: null, rateLimitPerMinute: null, grantedBy: 'o', approvedBy: null,
    });
    return index;
  };

  it('denies GEO_UNKNOWN by default where a license needs the country', () => {
    expect(decide(withDestinations('deny'), { partnerId: 'p', model: 'm', country: null }, NOW).reasons).toEqual([ReasonCode.GEO_UNKNOWN]);
  });

  it('lets an unknown country pass when configured to, but never a known disallowed one', () => {
    expect(decide(withDestinations('allow'), { partnerId: 'p', model: 'm', country: null }, NOW)).toMatchObject({ allow: true });
    expect(decide(withDestinations('allow'), { partnerId: 'p', model: 'm', country: 'DE' }, NOW).reasons).toEqual([ReasonCode.GEO_EMBARGOED]);
  });
});
