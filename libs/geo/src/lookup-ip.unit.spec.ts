import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { GeoData, IpLookup } from './geo-data';
import { loadGeoData } from './geo-data.loader';
import { lookupIp } from './lookup-ip';

// The real data: the installed country package and the list snapshot of ../shared/data/README.md.
const LISTS = join(__dirname, '../../../../shared/data/ip-reputation');
const VPN = join(LISTS, 'vpn-ipv4.txt');
const DATACENTER = join(LISTS, 'datacenter-ipv4.txt');
const COUNTRY_PACKAGE = dirname(require.resolve('@ip-location-db/geo-whois-asn-country/package.json'));

const sha256Prefix = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex').slice(0, 12);
const networkLines = (path: string): string[] =>
  readFileSync(path, 'latin1')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');

describe('lookupIp on the real data', () => {
  let data: GeoData;
  let dir: string;
  let torList: string;
  const lookup = (ip: string): IpLookup => lookupIp(data, ip);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'geo-'));
    torList = join(dir, 'tor-exits.txt');
    // 185.220.101.1 is also on the VPN and datacenter lists; 2a0b:f4c2::1 on neither.
    writeFileSync(torList, '# Tor exit addresses\n185.220.101.1\n2a0b:f4c2::1\n\nnot an address\n');
    data = await loadGeoData({ vpnCidrs: [VPN], datacenterCidrs: [DATACENTER], torExitList: torList });
  }, 60_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  describe('country', () => {
    it.each([
      ['8.8.8.8', 'US'], // Google public DNS
      ['1.1.1.1', 'AU'], // Cloudflare's 1.1.1.0/24, registered through APNIC (Australia) in this data
      ['9.9.9.9', 'US'],
      ['80.128.0.1', 'DE'], // Deutsche Telekom 80.128.0.0/11
      ['91.0.0.1', 'DE'], // Deutsche Telekom
      ['217.0.0.1', 'DE'], // Deutsche Telekom
      ['2001:4860:4860::8888', 'US'], // Google public DNS over IPv6
      ['2003::1', 'DE'], // Deutsche Telekom 2003::/19
      ['::ffff:8.8.8.8', 'US'],
      ['::FFFF:80.128.0.1', 'DE'],
    ])('%s is in %s', (ip, country) => {
      expect(lookup(ip)).toMatchObject({ country, private: false });
    });

    it('takes the narrowest of overlapping rows, as the CSVs list geofeed ranges inside whois ranges', () => {
      // 2.58.196.0-2.58.197.255 DE, then 2.58.197.15 BE and 2.58.197.16-2.58.197.255 DE.
      expect(lookup('2.58.197.14').country).toBe('DE');
      expect(lookup('2.58.197.15').country).toBe('BE');
      expect(lookup('2.58.197.16').country).toBe('DE');
      // 5.61.192.0-5.61.199.255 FR, entirely covered by four /23s (SK, NL, CZ, GB).
      expect(lookup('5.61.192.1').country).toBe('SK');
      expect(lookup('5.61.199.255').country).toBe('GB');
      // 2003:8:1800:8000::-2003:8:1800:8000::1 US inside Deutsche Telekom's 2003::/19.
      expect(lookup('2003:8:1800:8000::1').country).toBe('US');
      expect(lookup('2003:8:1800:8000::2').country).toBe('DE');
      expect(data.stats.overlappingCountryRows.ipv4).toBeGreaterThan(0);
    });
  });

  describe('anonymizer', () => {
    it('finds the first and last address of a listed VPN network', () => {
      expect(networkLines(VPN)[0]).toBe('2.26.157.0/24');
      expect(lookup('2.26.157.0')).toEqual({ country: 'US', anonymizer: 'vpn', private: false });
      expect(lookup('2.26.157.255')).toEqual({ country: 'US', anonymizer: 'vpn', private: false });
      expect(lookup('2.27.224.0')).toMatchObject({ anonymizer: 'vpn' }); // 2.27.224.0/22
      expect(lookup('2.27.227.255')).toMatchObject({ anonymizer: 'vpn' });
      expect(lookup('2.27.228.0')).toEqual({ country: 'US', anonymizer: null, private: false });
      expect(lookup('::ffff:2.26.157.1')).toMatchObject({ anonymizer: 'vpn' });
    });

    it('finds the last network of the VPN list', () => {
      expect(networkLines(VPN).at(-1)).toBe('220.158.199.176/32');
      expect(lookup('220.158.199.176')).toEqual({ country: 'AU', anonymizer: 'vpn', private: false });
      expect(lookup('220.158.199.177').anonymizer).not.toBe('vpn');
    });

    it('finds a VPN network that is not on the datacenter list', () => {
      expect(lookup('140.248.0.0')).toEqual({ country: 'US', anonymizer: 'vpn', private: false }); // 140.248.0.0/23
      expect(lookup('140.248.1.255')).toEqual({ country: 'US', anonymizer: 'vpn', private: false });
    });

    it('finds a datacenter-only network', () => {
      expect(networkLines(DATACENTER)[0]).toBe('1.12.0.0/14');
      expect(lookup('1.12.0.0')).toEqual({ country: 'CN', anonymizer: 'datacenter', private: false });
      expect(lookup('1.15.255.255')).toEqual({ country: 'CN', anonymizer: 'datacenter', private: false });
      expect(lookup('8.8.8.8')).toEqual({ country: 'US', anonymizer: 'datacenter', private: false });
    });

    it('ranks a Tor exit above the VPN and datacenter lists', () => {
      expect(lookup('185.220.101.1')).toEqual({ country: 'DE', anonymizer: 'tor', private: false });
      expect(lookup('::ffff:185.220.101.1')).toEqual({ country: 'DE', anonymizer: 'tor', private: false });
      expect(lookup('185.220.101.2')).toEqual({ country: 'DE', anonymizer: 'vpn', private: false });
      expect(lookup('2a0b:f4c2::1')).toEqual({ country: 'DE', anonymizer: 'tor', private: false });
      expect(lookup('2a0b:f4c2::2')).toEqual({ country: 'DE', anonymizer: null, private: false });
    });

    it('leaves an unlisted address alone', () => {
      expect(lookup('1.1.1.1').anonymizer).toBeNull();
      expect(lookup('80.128.0.1').anonymizer).toBeNull();
      expect(lookup('2001:4860:4860::8888').anonymizer).toBeNull();
    });
  });

  describe('private and reserved space', () => {
    it.each([
      ['10.0.0.0'],
      ['10.255.255.255'],
      ['172.16.0.0'],
      ['172.31.255.255'],
      ['192.168.0.1'],
      ['192.168.255.255'],
      ['127.0.0.1'],
      ['127.255.255.254'],
      ['169.254.0.1'],
      ['169.254.169.254'],
      ['100.64.0.0'],
      ['100.127.255.255'],
      ['0.0.0.0'],
      ['192.0.2.1'],
      ['198.51.100.7'],
      ['203.0.113.9'],
      ['198.18.0.1'],
      ['224.0.0.1'],
      ['255.255.255.255'],
      ['::1'],
      ['::'],
      ['fc00::'],
      ['fd12:3456:789a::1'],
      ['fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'],
      ['fe80::1'],
      ['fe80::1%eth0'],
      ['febf:ffff::1'],
      ['fec0::1'], // deprecated site-local
      ['ff02::1'],
      ['2001:db8::1'],
      ['::ffff:192.168.1.1'],
      ['::ffff:127.0.0.1'],
      ['64:ff9b::10.0.0.1'],
    ])('%s is private', (ip) => {
      expect(lookup(ip)).toEqual({ country: null, anonymizer: null, private: true });
    });

    it.each([['172.15.255.255'], ['172.32.0.0'], ['100.63.255.255'], ['100.128.0.0'], ['169.253.255.255'], ['11.0.0.0'], ['2000::1'], ['::ffff:8.8.8.8']])(
      '%s, next to private space, is public',
      (ip) => {
        expect(lookup(ip).private).toBe(false);
      },
    );
  });

  describe('malformed input', () => {
    it.each(['', '1.2.3', '256.1.1.1', 'abc', '1.2.3.4.5', '::ffff:999.1.1.1', '1.2.3.4/24', ' 8.8.8.8', '8.8.8.8:443', '[2001:4860:4860::8888]', '2001:4860:4860::8888::1', '010.0.0.1'])(
      '%j gets no country, no anonymizer, and is not private',
      (ip) => {
        expect(lookup(ip)).toEqual({ country: null, anonymizer: null, private: false });
      },
    );
  });

  describe('versions', () => {
    it('names the package version and every file by hash and line count', () => {
      const { name, version } = JSON.parse(readFileSync(join(COUNTRY_PACKAGE, 'package.json'), 'utf8')) as { name: string; version: string };
      expect(name).toBe('@ip-location-db/geo-whois-asn-country');
      const ipv4Csv = join(COUNTRY_PACKAGE, 'geo-whois-asn-country-ipv4-num.csv');
      const ipv6Csv = join(COUNTRY_PACKAGE, 'geo-whois-asn-country-ipv6-num.csv');
      expect(data.versions).toEqual({
        country: `${name}@${version} ipv4:${sha256Prefix(ipv4Csv)} ipv6:${sha256Prefix(ipv6Csv)}`,
        vpn: `vpn-ipv4.txt sha256:${sha256Prefix(VPN)} lines:${networkLines(VPN).length}`,
        datacenter: `datacenter-ipv4.txt sha256:${sha256Prefix(DATACENTER)} lines:${networkLines(DATACENTER).length}`,
        tor: `tor-exits.txt sha256:${sha256Prefix(torList)} lines:2`,
      });
    });

    it('reads every row and network of the real files', () => {
      const rows = (path: string): number => networkLines(path).length;
      expect(data.sources.map(({ role, lines, skipped }) => [role, lines, skipped])).toEqual([
        ['countryIpv4', rows(join(COUNTRY_PACKAGE, 'geo-whois-asn-country-ipv4-num.csv')), 0],
        ['countryIpv6', rows(join(COUNTRY_PACKAGE, 'geo-whois-asn-country-ipv6-num.csv')), 0],
        ['vpn', rows(VPN), 0],
        ['datacenter', rows(DATACENTER), 0],
        ['tor', 2, 1],
      ]);
      expect(data.sources.every((source) => /^[0-9a-f]{64}$/.test(source.sha256))).toBe(true);
    });
  });
});
