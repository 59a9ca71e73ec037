import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadGeoData } from './geo-data.loader';
import { lookupIp } from './lookup-ip';

describe('loadGeoData with files of its own', () => {
  let dir: string;
  const path = (name: string): string => join(dir, name);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'geo-loader-'));
    writeFileSync(path('v4.csv'), '1.0.0.0,1.0.0.255,AU\n');
    writeFileSync(path('v6.csv'), '2001:4860::,2001:4860:ffff:ffff:ffff:ffff:ffff:ffff,US\n');
    writeFileSync(path('dc.txt'), '1.0.0.0/24\n');
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('names files that are not the package by their own names, and lists left out as null', async () => {
    const data = await loadGeoData({ countryIpv4Csv: path('v4.csv'), countryIpv6Csv: path('v6.csv'), datacenterCidrs: [path('dc.txt')] });
    expect(data.versions.country).toMatch(/^v4\.csv,v6\.csv ipv4:[0-9a-f]{12} ipv6:[0-9a-f]{12}$/);
    expect(data.versions.datacenter).toMatch(/^dc\.txt sha256:[0-9a-f]{12} lines:1$/);
    expect(data.versions.vpn).toBeNull();
    expect(data.versions.tor).toBeNull();
    expect(lookupIp(data, '1.0.0.9')).toEqual({ country: 'AU', anonymizer: 'datacenter', private: false });
    expect(lookupIp(data, '2001:4860::1')).toEqual({ country: 'US', anonymizer: null, private: false });
  });

  it('fails when a file is missing, rather than answer from partial data', async () => {
    await expect(loadGeoData({ countryIpv4Csv: path('v4.csv'), countryIpv6Csv: path('v6.csv'), vpnCidrs: [path('missing.txt')] })).rejects.toThrow(/ENOENT/);
  });
});
