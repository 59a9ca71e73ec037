import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { buildGeoData, GeoData, GeoSourceFile } from './geo-data';

/**
 * The offline country data read by default. The package says CC0-1.0; its README and NRO_LICENSE
 * say the RIR data inside is CC BY 4.0 by the NRO, to be attributed to nro.net.
 */
export const COUNTRY_DATA_PACKAGE = '@ip-location-db/geo-whois-asn-country';

export interface LoadGeoDataOptions {
  /** `start,end,country` CSV (decimal or dotted-quad bounds). Default: the package's ipv4-num CSV. */
  countryIpv4Csv?: string;
  /** `start,end,country` CSV (decimal or address-text bounds). Default: the package's ipv6-num CSV. */
  countryIpv6Csv?: string;
  /** Files of VPN provider networks, one IPv4 or IPv6 CIDR (or address) a line. Default: none. */
  vpnCidrs?: string[];
  /** Files of datacenter (not-an-eyeball) networks, same format. Default: none. */
  datacenterCidrs?: string[];
  /** A Tor exit list: one address a line, `#` comments. Default: none. */
  torExitList?: string;
}

function countryPackageDir(): string {
  // From this file first; from the working directory for a build placed outside the repo.
  return dirname(require.resolve(`${COUNTRY_DATA_PACKAGE}/package.json`, { paths: [__dirname, process.cwd()] }));
}

async function readSource(path: string): Promise<GeoSourceFile & { path: string }> {
  const bytes = await readFile(path);
  return { path, name: basename(path), sha256: createHash('sha256').update(bytes).digest('hex'), text: bytes.toString('latin1') };
}

const isInside = (dir: string, path: string): boolean => {
  const rel = relative(dir, resolve(path));
  return rel !== '' && !rel.startsWith('..');
};

/**
 * Reads the country CSVs, the VPN and datacenter network lists and the Tor exit list, hashes each
 * file, and builds the in-memory tables `lookupIp` reads. The only code of this lib that does I/O.
 */
export async function loadGeoData(options: LoadGeoDataOptions = {}): Promise<GeoData> {
  const packageDir = countryPackageDir();
  const ipv4Path = options.countryIpv4Csv ?? join(packageDir, 'geo-whois-asn-country-ipv4-num.csv');
  const ipv6Path = options.countryIpv6Csv ?? join(packageDir, 'geo-whois-asn-country-ipv6-num.csv');
  const [ipv4, ipv6, vpn, datacenter, tor, packageJson] = await Promise.all([
    readSource(ipv4Path),
    readSource(ipv6Path),
    Promise.all((options.vpnCidrs ?? []).map(readSource)),
    Promise.all((options.datacenterCidrs ?? []).map(readSource)),
    options.torExitList === undefined ? null : readSource(options.torExitList),
    readFile(join(packageDir, 'package.json'), 'utf8'),
  ]);
  const { name, version } = JSON.parse(packageJson) as { name: string; version: string };
  const fromPackage = isInside(packageDir, ipv4Path) && isInside(packageDir, ipv6Path);
  return buildGeoData({
    country: { package: fromPackage ? `${name}@${version}` : null, ipv4, ipv6 },
    vpn,
    datacenter,
    tor,
  });
}
