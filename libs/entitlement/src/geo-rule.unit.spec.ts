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
    const strict = new EntitlementIndex({ embargoedCountries: new Set(['RU']), deniedAnonymizers: new Set(['tor', 'vpn', 'datacenter']) });
    expect(geoReasons(strict, { country: 'RU' }).reasons).toEqual([ReasonCode.GEO_EMBARGOED]);
    expect(geoReasons(strict, { country: 'IR' }).reasons).toEqual([]);
    expect(geoReasons(strict, { country: 'US', anonymizer: 'datacenter' }).reasons).toEqual([ReasonCode.ANONYMIZER_DETECTED]);
  });
});
