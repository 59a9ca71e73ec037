/**
 * Caller-geography benchmark: loads the country CSVs of @ip-location-db/geo-whois-asn-country, the
 * VPN and datacenter lists and a Tor exit list, reports load time and memory, then looks up
 * 1,000,000 seeded random public IPv4 addresses and 100,000 IPv6 addresses, next to a same-run
 * baseline loop that only parses the same strings. Not a jest test: built by `npm run build` and
 * run with node (`--expose-gc` makes the memory figures exact).
 *
 * GEO_LISTS_DIR names the folder holding vpn-ipv4.txt and datacenter-ipv4.txt (default:
 * ../shared/data/ip-reputation from the working directory, which npm sets to the repo root).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { seeded } from '../support/prng';
import { formatIpv4, GeoData, loadGeoData, lookupIp, NON_PUBLIC_IPV4_NETWORKS, parseCidr, parseIpv4, parseIpv6 } from '../../libs/geo/src';

const LISTS_DIR = process.env.GEO_LISTS_DIR ?? join(process.cwd(), '../shared/data/ip-reputation');
const IPV4_LOOKUPS = 1_000_000;
const IPV6_LOOKUPS = 100_000;
const ROUNDS = 5;
const BATCH = 1_000;
const SEED = 20260822;

// ---- measuring -----------------------------------------------------------------------------

const now = (): number => Number(process.hrtime.bigint()) / 1e6;
const int = (x: number): string => Math.round(x).toLocaleString('en-US');
const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const gc = (): void => (globalThis as { gc?: () => void }).gc?.();

function progress(line: string): void {
  process.stderr.write(`  .. ${line}\n`);
}

/** Nearest-rank percentile of an ascending list. */
function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

// ---- the addresses looked up ---------------------------------------------------------------

/** Seeded 32-bit words, so every run looks up the same addresses (exact: the fraction is the word / 2^32). */
const fraction = seeded(SEED);
const random = (): number => fraction() * 4294967296;

const NON_PUBLIC_IPV4 = NON_PUBLIC_IPV4_NETWORKS.map((cidr) => parseCidr(cidr) as { start: number; end: number });

function randomPublicIpv4(): string {
  for (;;) {
    const value = random();
    if (!NON_PUBLIC_IPV4.some((range) => value >= range.start && value <= range.end)) return formatIpv4(value);
  }
}

/** RFC 5952 text: lower case, no leading zeros, the longest run of two or more zero groups as `::`. */
function formatIpv6(words: ArrayLike<number>): string {
  const groups: number[] = [];
  for (let w = 0; w < 4; w += 1) groups.push(words[w] >>> 16, words[w] & 0xffff);
  let bestAt = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i += 1;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j += 1;
    if (j - i > bestLength) {
      bestAt = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = (from: number, to: number): string => groups.slice(from, to).map((g) => g.toString(16)).join(':');
  return bestAt < 0 ? hex(0, 8) : `${hex(0, bestAt)}::${hex(bestAt + bestLength, 8)}`;
}

/**
 * Half uniformly random global unicast (2000::/3, mostly unallocated space), half inside a random
 * interval of the country table that has a country, with random low bits where the interval allows.
 */
function randomIpv6(data: GeoData): string {
  const words = new Uint32Array(4);
  if (random() % 2 === 0) {
    words[0] = (0x20000000 | (random() & 0x1fffffff)) >>> 0;
    words[1] = random();
    words[2] = random();
    words[3] = random();
    return formatIpv6(words);
  }
  const { starts, codes } = data.ipv6;
  const intervals = codes.length;
  for (;;) {
    const i = random() % (intervals - 1);
    const code = codes[i];
    if (code === data.privateCode || code < 4) continue;
    words.set(starts.subarray(4 * i, 4 * i + 4));
    const nextSameHigh = starts[4 * i + 4] === words[0] && starts[4 * i + 5] === words[1];
    if (!nextSameHigh) {
      // The interval spans at least the rest of this /64: randomise the interface identifier.
      words[2] = random();
      words[3] = random();
    }
    return formatIpv6(words);
  }
}

// ---- the loops -----------------------------------------------------------------------------

interface LoopResult {
  nsPerOp: number[];
  /** Process CPU time per op: what the rounds cost when other processes compete for the cores. */
  cpuNsPerOp: number[];
  batchNs: Float64Array;
  checksum: number;
}

/** ROUNDS timed passes over `addresses` (after one untimed pass), plus per-batch times of the last. */
function timeLoop(addresses: string[], body: (ip: string) => number): LoopResult {
  let checksum = 0;
  for (const ip of addresses) checksum += body(ip);
  const nsPerOp: number[] = [];
  const cpuNsPerOp: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    const cpu = process.cpuUsage();
    const started = now();
    for (let i = 0; i < addresses.length; i += 1) checksum += body(addresses[i]);
    nsPerOp.push(((now() - started) * 1e6) / addresses.length);
    const used = process.cpuUsage(cpu);
    cpuNsPerOp.push(((used.user + used.system) * 1e3) / addresses.length);
  }
  const batchNs = new Float64Array(Math.floor(addresses.length / BATCH));
  for (let b = 0; b < batchNs.length; b += 1) {
    const started = now();
    for (let i = b * BATCH; i < (b + 1) * BATCH; i += 1) checksum += body(addresses[i]);
    batchNs[b] = ((now() - started) * 1e6) / BATCH;
  }
  batchNs.sort();
  return { nsPerOp, cpuNsPerOp, batchNs, checksum };
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function report(label: string, result: LoopResult): string {
  const wall = median(result.nsPerOp);
  return (
    `${label.padEnd(38)} ${wall.toFixed(1).padStart(6)} ns/op (best ${Math.min(...result.nsPerOp).toFixed(1)}, cpu ${median(result.cpuNsPerOp).toFixed(1)}), ` +
    `${int(1e9 / wall).padStart(10)}/s; per-${BATCH} batches p50 ${percentile(result.batchNs, 50).toFixed(1)} p99 ${percentile(result.batchNs, 99).toFixed(1)} ns/op`
  );
}

// ---- the run -------------------------------------------------------------------------------

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'geo-bench-'));
  const torList = join(dir, 'tor-exits.txt');
  // A Tor exit list of realistic size (about 1,200 addresses): seeded random public addresses.
  writeFileSync(torList, `# seeded sample\n${Array.from({ length: 1200 }, randomPublicIpv4).join('\n')}\n2a0b:f4c2::1\n`);
  const options = {
    vpnCidrs: [join(LISTS_DIR, 'vpn-ipv4.txt')],
    datacenterCidrs: [join(LISTS_DIR, 'datacenter-ipv4.txt')],
    torExitList: torList,
  };

  gc();
  const before = process.memoryUsage();
  progress('loading (cold)');
  let started = now();
  const data = await loadGeoData(options);
  const coldMs = now() - started;
  gc();
  const after = process.memoryUsage();
  progress('loading again (warm JIT)');
  started = now();
  await loadGeoData(options);
  const warmMs = now() - started;
  rmSync(dir, { recursive: true, force: true });
  const tableBytes = [data.ipv4.starts, data.ipv4.codes, data.ipv4.jump, data.ipv6.starts, data.ipv6.codes, data.ipv6.jump].reduce(
    (sum, array) => sum + array.byteLength,
    0,
  );

  progress(`making ${int(IPV4_LOOKUPS)} IPv4 and ${int(IPV6_LOOKUPS)} IPv6 addresses`);
  // Flat strings, as a server gets them from a parsed request (string concatenation leaves ropes,
  // which every character read would have to unwrap).
  const flat = (addresses: string[]): string[] => JSON.parse(JSON.stringify(addresses)) as string[];
  const ipv4 = flat(Array.from({ length: IPV4_LOOKUPS }, randomPublicIpv4));
  const ipv6 = flat(Array.from({ length: IPV6_LOOKUPS }, () => randomIpv6(data)));

  const words = new Uint32Array(4);
  const parseOnly4 = (ip: string): number => parseIpv4(ip) & 1;
  const parseOnly6 = (ip: string): number => (parseIpv6(ip, words) ? words[3] & 1 : 0);
  const lookup = (ip: string): number => {
    const answer = lookupIp(data, ip);
    return (answer.country === null ? 0 : 1) + (answer.anonymizer === null ? 0 : 2);
  };

  progress('IPv4 loops');
  const base4 = timeLoop(ipv4, parseOnly4);
  const look4 = timeLoop(ipv4, lookup);
  progress('IPv6 loops');
  const base6 = timeLoop(ipv6, parseOnly6);
  const look6 = timeLoop(ipv6, lookup);

  const mix = (addresses: string[]): string => {
    const counts = { country: 0, noCountry: 0, tor: 0, vpn: 0, datacenter: 0, private: 0 };
    for (const ip of addresses) {
      const answer = lookupIp(data, ip);
      if (answer.private) counts.private += 1;
      else if (answer.country === null) counts.noCountry += 1;
      else counts.country += 1;
      if (answer.anonymizer) counts[answer.anonymizer] += 1;
    }
    return Object.entries(counts)
      .map(([k, v]) => `${k} ${((100 * v) / addresses.length).toFixed(1)}%`)
      .join(', ');
  };

  console.log('Caller-geography benchmark (libs/geo)');
  console.log(`node ${process.version}, ${process.platform}/${process.arch}, ${cpus().length} cpus, load average ${loadavg()[0].toFixed(2)}, gc exposed: ${typeof (globalThis as { gc?: unknown }).gc === 'function'}`);
  console.log(`versions: country ${data.versions.country}`);
  console.log(`          vpn ${data.versions.vpn}`);
  console.log(`          datacenter ${data.versions.datacenter}`);
  console.log(`          tor ${data.versions.tor}`);
  console.log(`sources: ${data.sources.map((s) => `${s.name} ${int(s.lines)}${s.skipped ? ` (+${s.skipped} skipped)` : ''}`).join(', ')}`);
  console.log(
    `tables: ${int(data.stats.ipv4Intervals)} IPv4 intervals, ${int(data.stats.ipv6Intervals)} IPv6 intervals, ${data.stats.countries} countries; ` +
      `overlapping country rows resolved: ${int(data.stats.overlappingCountryRows.ipv4)} IPv4, ${int(data.stats.overlappingCountryRows.ipv6)} IPv6`,
  );
  console.log(`load (read + hash + parse + build): ${coldMs.toFixed(0)} ms cold, ${warmMs.toFixed(0)} ms second load in the same process`);
  console.log(
    `memory: lookup tables ${mib(tableBytes)} of typed arrays; after load heapUsed +${mib(after.heapUsed - before.heapUsed)}, ` +
      `arrayBuffers +${mib(after.arrayBuffers - before.arrayBuffers)}, rss +${mib(after.rss - before.rss)}`,
  );
  console.log(`lookups: ${ROUNDS} timed rounds each after one untimed round; median wall-clock ns/op, best round, median process-CPU ns/op`);
  console.log(report(`IPv4 x ${int(IPV4_LOOKUPS)}: parse only (baseline)`, base4));
  console.log(report(`IPv4 x ${int(IPV4_LOOKUPS)}: lookupIp`, look4));
  console.log(report(`IPv6 x ${int(IPV6_LOOKUPS)}: parse only (baseline)`, base6));
  console.log(report(`IPv6 x ${int(IPV6_LOOKUPS)}: lookupIp`, look6));
  console.log(`IPv4 answers: ${mix(ipv4)}`);
  console.log(`IPv6 answers: ${mix(ipv6)}`);
  console.log(`(checksums ${base4.checksum + look4.checksum + base6.checksum + look6.checksum})`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
