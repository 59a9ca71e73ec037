import { DomainError } from '@app/domain';
import { buildGeoData, GeoDataSources, GeoSourceFile, UNPARSABLE_IP } from './geo-data';
import { lookupIp } from './lookup-ip';

// Small in-memory files: the lookup rules on data small enough to read at a glance.
const file = (name: string, text: string, hashDigit: string): GeoSourceFile => ({ name, sha256: hashDigit.repeat(64), text });

const SOURCES: GeoDataSources = {
  country: {
    package: '@ip-location-db/geo-whois-asn-country@0.0.1',
    ipv4: file(
      'v4.csv',
      [
        'ip_range_start,ip_range_end,country_code', // a header: skipped
        '16777216,16777471,AU', // 1.0.0.0/24
        '134744064,134744319,us', // 8.8.8.0/24, lower case
        '9.9.9.0,9.9.9.255,CH', // the dotted-quad CSV's form
        '167772160,167772415,DE', // 10.0.0.0/24: private space wins over any country
        '',
      ].join('\n'),
      'a',
    ),
    ipv6: file('v6.csv', '2001:4860::,2001:4860:ffff:ffff:ffff:ffff:ffff:ffff,US\r\n42541956101370907050197289607612071936,42541956101370907050197289607612071936,FR\r\n', 'b'),
  },
  vpn: [file('vpn.txt', '1.0.0.0/25\n2001:4860:4860::/48\n', 'c')],
  datacenter: [file('dc-a.txt', '1.0.0.0/24\n', 'd'), file('dc-b.txt', '# more\n8.8.8.0/24\nnonsense\n', 'e')],
  tor: file('tor.txt', '# exits\n1.0.0.1\n8.8.8.8\n2001:4860:4860::8888\n::ffff:9.9.9.9\n10.0.0.1\n1.2.3.0/24\n', 'f'),
};

describe('buildGeoData and lookupIp', () => {
  const data = buildGeoData(SOURCES);
  const lookup = (ip: string): [string | null, string | null, boolean] => {
    const { country, anonymizer, private: isPrivate } = lookupIp(data, ip);
    return [country, anonymizer, isPrivate];
  };

  it.each([
    ['1.0.0.1', 'AU', 'tor'], // tor, vpn and datacenter: tor
    ['1.0.0.2', 'AU', 'vpn'], // vpn and datacenter: vpn
    ['1.0.0.127', 'AU', 'vpn'],
    ['1.0.0.128', 'AU', 'datacenter'],
    ['1.0.0.255', 'AU', 'datacenter'],
    ['1.0.1.0', null, null],
    ['8.8.8.8', 'US', 'tor'],
    ['8.8.8.9', 'US', 'datacenter'],
    ['9.9.9.9', 'CH', 'tor'], // listed as ::ffff:9.9.9.9
    ['9.9.9.10', 'CH', null],
    ['2001:4860:4860::8888', 'US', 'tor'],
    ['2001:4860:4860::1', 'US', 'vpn'],
    ['2001:4860:1::1', 'US', null],
    ['2001:4860::', 'FR', null], // the narrower row
    ['2001:4861::', null, null],
    ['::ffff:1.0.0.2', 'AU', 'vpn'],
    ['::ffff:8.8.8.8', 'US', 'tor'],
    ['64:ff9b::1.0.0.2', 'AU', 'vpn'],
  ])('%s: %s, %s', (ip, country, anonymizer) => {
    expect(lookup(ip)).toEqual([country, anonymizer, false]);
  });

  it('answers private space as private, with no country and no anonymizer, whatever the lists say', () => {
    expect(lookup('10.0.0.1')).toEqual([null, null, true]);
    expect(lookup('::ffff:10.0.0.1')).toEqual([null, null, true]);
  });

  it('answers unparsable input without throwing', () => {
    for (const ip of ['', 'abc', '1.0.0.1 ', '[::1]', undefined, null, 42] as unknown as string[]) expect(lookupIp(data, ip)).toBe(UNPARSABLE_IP);
  });

  it('hands out shared frozen answers', () => {
    const answer = lookupIp(data, '1.0.0.2');
    expect(lookupIp(data, '1.0.0.3')).toBe(answer);
    expect(lookupIp(data, '::ffff:1.0.0.4')).toBe(answer);
    expect(Object.isFrozen(answer)).toBe(true);
    expect(Object.isFrozen(UNPARSABLE_IP)).toBe(true);
  });

  it('names every file in the versions', () => {
    expect(data.versions).toEqual({
      country: '@ip-location-db/geo-whois-asn-country@0.0.1 ipv4:aaaaaaaaaaaa ipv6:bbbbbbbbbbbb',
      vpn: 'vpn.txt sha256:cccccccccccc lines:2',
      datacenter: 'dc-a.txt sha256:dddddddddddd lines:1, dc-b.txt sha256:eeeeeeeeeeee lines:1',
      tor: 'tor.txt sha256:ffffffffffff lines:5',
    });
  });

  it('reports what it read and skipped', () => {
    expect(data.sources.map(({ role, name, lines, skipped }) => [role, name, lines, skipped])).toEqual([
      ['countryIpv4', 'v4.csv', 4, 1],
      ['countryIpv6', 'v6.csv', 2, 0],
      ['vpn', 'vpn.txt', 2, 0],
      ['datacenter', 'dc-a.txt', 1, 0],
      ['datacenter', 'dc-b.txt', 1, 1],
      ['tor', 'tor.txt', 5, 1],
    ]);
    expect(data.stats).toMatchObject({ countries: 5, overlappingCountryRows: { ipv4: 0, ipv6: 2 }, torExits: { ipv4: 4, ipv6: 1 } });
  });

  it('names the country files when they are not the package', () => {
    const other = buildGeoData({ ...SOURCES, country: { ...SOURCES.country, package: null }, vpn: [], datacenter: [], tor: null });
    expect(other.versions).toEqual({ country: 'v4.csv,v6.csv ipv4:aaaaaaaaaaaa ipv6:bbbbbbbbbbbb', vpn: null, datacenter: null, tor: null });
    expect(lookupIp(other, '1.0.0.1')).toMatchObject({ country: 'AU', anonymizer: null });
  });

  it('refuses a file that yields nothing, rather than answer without its signal', () => {
    const unusable = (change: Partial<GeoDataSources>): unknown => {
      try {
        buildGeoData({ ...SOURCES, ...change });
      } catch (error) {
        return error instanceof DomainError ? [error.code, error.details] : error;
      }
      return 'built';
    };
    expect(unusable({ country: { ...SOURCES.country, ipv6: file('v6.csv', 'start,end,country\n', 'b') } })).toEqual([
      'GEO.SOURCE_UNUSABLE',
      { role: 'countryIpv6', name: 'v6.csv', skipped: 1 },
    ]);
    expect(unusable({ vpn: [file('vpn.txt', '<html>Not found</html>\n', 'c')] })).toEqual(['GEO.SOURCE_UNUSABLE', { role: 'vpn', name: 'vpn.txt', skipped: 1 }]);
    expect(unusable({ tor: file('tor.txt', '# no exits right now\n', 'f') })).toBe('built');
    expect(unusable({ datacenter: [file('dc.txt', '', 'd')] })).toBe('built');
  });
});
