import { DomainError } from '@app/domain';
import { parseAddressList, ParsedAddressList, unionAddressLists } from './cidr';
import { CountryCodes, parseIpv4CountryCsv, parseIpv6CountryCsv } from './country-csv';
import { KeyRanges, layerRanges, resolveOverlaps, Stride } from './key-ranges';
import { NON_PUBLIC_IPV4_NETWORKS, NON_PUBLIC_IPV6_NETWORKS } from './special-purpose-addresses';

export type Anonymizer = 'tor' | 'vpn' | 'datacenter';

/** What the data says about one caller address. */
export interface IpLookup {
  /** ISO 3166-1 alpha-2; null for non-public, unlisted and unparsable addresses. */
  readonly country: string | null;
  /** The strongest signal that the address hides its user: tor > vpn > datacenter. */
  readonly anonymizer: Anonymizer | null;
  /** Private, loopback, link-local, CGNAT, unique-local, documentation, multicast or reserved space. */
  readonly private: boolean;
}

/** The exact data behind every answer: record these with each decision. */
export interface GeoDataVersions {
  /** `<package>@<version> ipv4:<sha256 prefix> ipv6:<sha256 prefix>` (file names instead of the package for other files). */
  country: string;
  /** `<file> sha256:<prefix> lines:<networks>`, joined by `, ` for several files; null when none. */
  vpn: string | null;
  datacenter: string | null;
  /** `<file> sha256:<prefix> lines:<addresses>`, or null without a Tor exit list. */
  tor: string | null;
}

/** One input file, read and hashed by the loader. */
export interface GeoSourceFile {
  /** The file's base name. */
  name: string;
  /** Hex sha256 of the file's bytes. */
  sha256: string;
  text: string;
}

export interface GeoDataSources {
  country: {
    /** `<package>@<version>` when the CSVs are the package's, otherwise null. */
    package: string | null;
    ipv4: GeoSourceFile;
    ipv6: GeoSourceFile;
  };
  vpn: GeoSourceFile[];
  datacenter: GeoSourceFile[];
  tor: GeoSourceFile | null;
}

export type GeoSourceRole = 'countryIpv4' | 'countryIpv6' | 'vpn' | 'datacenter' | 'tor';

export interface GeoSourceSummary {
  role: GeoSourceRole;
  name: string;
  sha256: string;
  /** Rows, networks or addresses used. */
  lines: number;
  /** Lines that could not be read (blank lines and comments not counted). */
  skipped: number;
}

export interface GeoDataStats {
  countries: number;
  ipv4Intervals: number;
  ipv6Intervals: number;
  /** Country rows that overlapped another row and were cut so that the narrowest range wins. */
  overlappingCountryRows: { ipv4: number; ipv6: number };
  /** Tor exit addresses read, by family. */
  torExits: { ipv4: number; ipv6: number };
}

/**
 * Everything `lookupIp` reads, built once. Each family's address space is cut into consecutive
 * intervals (`starts[i]` up to the next start) with one code each: country index * 4 + anonymizer
 * (0 none, 1 datacenter, 2 vpn, 3 tor), or `privateCode` for non-public space. The country data,
 * the network lists, the Tor exits and the non-public ranges are all laid into that one table, so
 * a lookup is one binary search; the code indexes `results`, so it hands out a shared frozen
 * answer and allocates nothing.
 */
export interface GeoData {
  readonly versions: Readonly<GeoDataVersions>;
  readonly sources: readonly GeoSourceSummary[];
  readonly stats: GeoDataStats;
  readonly ipv4: {
    readonly starts: Uint32Array;
    readonly codes: Uint16Array;
    /** [h]: the interval holding h << 16, for h in 0..65536 (65536: the last interval). */
    readonly jump: Uint32Array;
  };
  readonly ipv6: {
    /** Four 32-bit words per interval start, most significant first. */
    readonly starts: Uint32Array;
    readonly codes: Uint16Array;
    /** [h]: the interval holding the first address whose top 16 bits are h. */
    readonly jump: Uint32Array;
  };
  readonly results: readonly IpLookup[];
  readonly privateCode: number;
}

const ANONYMIZERS: (Anonymizer | null)[] = [null, 'datacenter', 'vpn', 'tor'];

/** The answer for text that is not an address. */
export const UNPARSABLE_IP: IpLookup = Object.freeze({ country: null, anonymizer: null, private: false });

const SHA256_PREFIX = 12;
const shortHash = (file: GeoSourceFile): string => file.sha256.slice(0, SHA256_PREFIX);

function listVersion(files: GeoSourceFile[], parsed: ParsedAddressList[]): string | null {
  if (files.length === 0) return null;
  return files.map((file, i) => `${file.name} sha256:${shortHash(file)} lines:${parsed[i].lines}`).join(', ');
}

function networkRanges(networks: readonly string[]): { ipv4: KeyRanges; ipv6: KeyRanges } {
  const list = parseAddressList(networks.join('\n'), { networks: true });
  if (list.skipped > 0) throw new Error('geo: a built-in special-purpose network does not parse');
  return unionAddressLists([list]);
}

interface FamilyTable {
  starts: Uint32Array;
  codes: Uint16Array;
  jump: Uint32Array;
}

/**
 * One family's lookup table from its layers (country, datacenter, vpn, tor, non-public), with a jump
 * table on the top 16 bits: jump[h] is the interval holding the first address whose top 16 bits
 * are h, so a lookup searches only between jump[h] and jump[h + 1].
 */
function familyTable(layers: KeyRanges[], privateCode: number, stride: Stride): FamilyTable {
  // Non-public space first, then tor > vpn > datacenter.
  const table = layerRanges(layers, (v) => (v[4] !== 0 ? privateCode : v[0] * 4 + (v[3] !== 0 ? 3 : v[2] !== 0 ? 2 : v[1] !== 0 ? 1 : 0)), stride);
  const { starts, length } = table;
  const jump = new Uint32Array(65537);
  let i = 0;
  for (let h = 0; h < 65536; h += 1) {
    // Advance while interval i + 1 starts at or before the first address whose top 16 bits are h.
    const first = h * 65536;
    for (;;) {
      if (i + 1 >= length) break;
      const at = (i + 1) * stride;
      const w = starts[at];
      if (w > first) break;
      if (w === first && stride === 4 && (starts[at + 1] !== 0 || starts[at + 2] !== 0 || starts[at + 3] !== 0)) break;
      i += 1;
    }
    jump[h] = i;
  }
  jump[65536] = length - 1;
  return { starts, codes: table.codes, jump };
}

function results(countries: string[], privateCode: number): IpLookup[] {
  const table: IpLookup[] = [];
  for (let country = 0; country < countries.length; country += 1) {
    for (let anonymizer = 0; anonymizer < 4; anonymizer += 1) {
      table.push(Object.freeze({ country: country === 0 ? null : countries[country], anonymizer: ANONYMIZERS[anonymizer], private: false }));
    }
  }
  table[privateCode] = Object.freeze({ country: null, anonymizer: null, private: true });
  return table;
}

/**
 * A file that yields nothing is the wrong file (an error page saved as a list, a renamed column),
 * not an empty list: answering from it would silently drop the signal.
 */
function requireUsable(role: GeoSourceRole, file: GeoSourceFile, parsed: { lines: number; skipped: number }, mayBeEmpty: boolean): void {
  if (parsed.lines > 0 || (mayBeEmpty && parsed.skipped === 0)) return;
  throw new DomainError('GEO.SOURCE_UNUSABLE', `${file.name}: no usable line`, 'invalid', { role, name: file.name, skipped: parsed.skipped });
}

/**
 * Builds the lookup tables from the files' contents. Pure: the loader does the reading and hashing.
 * Throws GEO.SOURCE_UNUSABLE for a country CSV without rows, or a list whose every line is unreadable.
 */
export function buildGeoData(sources: GeoDataSources): GeoData {
  const countries = new CountryCodes();
  const countryIpv4 = parseIpv4CountryCsv(sources.country.ipv4.text, countries);
  const countryIpv6 = parseIpv6CountryCsv(sources.country.ipv6.text, countries);
  requireUsable('countryIpv4', sources.country.ipv4, countryIpv4, false);
  requireUsable('countryIpv6', sources.country.ipv6, countryIpv6, false);
  const countryRangesIpv4 = resolveOverlaps(countryIpv4.rows);
  const countryRangesIpv6 = resolveOverlaps(countryIpv6.rows);

  const vpnLists = sources.vpn.map((file) => parseAddressList(file.text, { networks: true }));
  const datacenterLists = sources.datacenter.map((file) => parseAddressList(file.text, { networks: true }));
  sources.vpn.forEach((file, i) => requireUsable('vpn', file, vpnLists[i], true));
  sources.datacenter.forEach((file, i) => requireUsable('datacenter', file, datacenterLists[i], true));
  const vpn = unionAddressLists(vpnLists);
  const datacenter = unionAddressLists(datacenterLists);
  const nonPublic = { ipv4: networkRanges(NON_PUBLIC_IPV4_NETWORKS).ipv4, ipv6: networkRanges(NON_PUBLIC_IPV6_NETWORKS).ipv6 };

  const torList = sources.tor ? parseAddressList(sources.tor.text, { networks: false }) : null;
  if (sources.tor && torList) requireUsable('tor', sources.tor, torList, true);
  const tor = unionAddressLists(torList ? [torList] : []);

  const privateCode = countries.codes.length * 4;
  const ipv4 = familyTable([countryRangesIpv4.ranges, datacenter.ipv4, vpn.ipv4, tor.ipv4, nonPublic.ipv4], privateCode, 1);
  const ipv6 = familyTable([countryRangesIpv6.ranges, datacenter.ipv6, vpn.ipv6, tor.ipv6, nonPublic.ipv6], privateCode, 4);

  const { country } = sources;
  const summary = (role: GeoSourceRole, file: GeoSourceFile, lines: number, skipped: number): GeoSourceSummary => ({
    role,
    name: file.name,
    sha256: file.sha256,
    lines,
    skipped,
  });
  return {
    versions: Object.freeze({
      country: `${country.package ?? `${country.ipv4.name},${country.ipv6.name}`} ipv4:${shortHash(country.ipv4)} ipv6:${shortHash(country.ipv6)}`,
      vpn: listVersion(sources.vpn, vpnLists),
      datacenter: listVersion(sources.datacenter, datacenterLists),
      tor: sources.tor && torList ? listVersion([sources.tor], [torList]) : null,
    }),
    sources: [
      summary('countryIpv4', country.ipv4, countryIpv4.lines, countryIpv4.skipped),
      summary('countryIpv6', country.ipv6, countryIpv6.lines, countryIpv6.skipped),
      ...sources.vpn.map((file, i) => summary('vpn', file, vpnLists[i].lines, vpnLists[i].skipped)),
      ...sources.datacenter.map((file, i) => summary('datacenter', file, datacenterLists[i].lines, datacenterLists[i].skipped)),
      ...(sources.tor && torList ? [summary('tor', sources.tor, torList.lines, torList.skipped)] : []),
    ],
    stats: {
      countries: countries.codes.length - 1,
      ipv4Intervals: ipv4.codes.length,
      ipv6Intervals: ipv6.codes.length,
      overlappingCountryRows: { ipv4: countryRangesIpv4.overlappingRows, ipv6: countryRangesIpv6.overlappingRows },
      torExits: { ipv4: torList?.ipv4.length ?? 0, ipv6: torList?.ipv6.length ?? 0 },
    },
    ipv4,
    ipv6,
    results: Object.freeze(results(countries.codes, privateCode)),
    privateCode,
  };
}
