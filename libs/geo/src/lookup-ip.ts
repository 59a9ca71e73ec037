import { GeoData, IpLookup, UNPARSABLE_IP } from './geo-data';
import { parseIpv4, parseIpv6 } from './ip-address';

const NAT64_WELL_KNOWN_PREFIX = 0x0064ff9b; // 64:ff9b::/96 (RFC 6052)

const words = new Uint32Array(4);

/**
 * Country, anonymizer and address class of a caller's address (IPv4 dotted quad or IPv6 text).
 * Never throws: text that is not an address gets no country, no anonymizer and `private: false`.
 * IPv4-mapped (::ffff:a.b.c.d) and NAT64 well-known-prefix (64:ff9b::a.b.c.d) addresses are
 * answered as the IPv4 address they carry. Allocates nothing: answers are shared frozen objects.
 */
export function lookupIp(data: GeoData, ip: string): IpLookup {
  if (typeof ip !== 'string') return UNPARSABLE_IP;
  const v4 = parseIpv4(ip);
  if (v4 >= 0) return lookupIpv4(data, v4);
  if (!parseIpv6(ip, words)) return UNPARSABLE_IP;
  const w0 = words[0];
  const w1 = words[1];
  const w2 = words[2];
  const w3 = words[3];
  if (w1 === 0 && ((w0 === 0 && w2 === 0xffff) || (w0 === NAT64_WELL_KNOWN_PREFIX && w2 === 0))) return lookupIpv4(data, w3);
  return lookupIpv6(data, w0, w1, w2, w3);
}

/** `lookupIp` for an IPv4 address already parsed to its 32-bit value. */
export function lookupIpv4(data: GeoData, ip: number): IpLookup {
  const { starts, codes, jump } = data.ipv4;
  const high = ip >>> 16;
  let lo = jump[high];
  let hi = jump[high + 1];
  // The last interval starting at or before ip; starts[lo] <= ip always holds.
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (starts[mid] <= ip) lo = mid;
    else hi = mid - 1;
  }
  return data.results[codes[lo]];
}

/** Is the interval start at word offset `at` at or before (w0, w1, w2, w3)? */
function startsAtOrBefore(starts: Uint32Array, at: number, w0: number, w1: number, w2: number, w3: number): boolean {
  let s = starts[at];
  if (s !== w0) return s < w0;
  s = starts[at + 1];
  if (s !== w1) return s < w1;
  s = starts[at + 2];
  if (s !== w2) return s < w2;
  return starts[at + 3] <= w3;
}

/** `lookupIp` for an IPv6 address as four 32-bit words, most significant first (no IPv4 unwrapping). */
export function lookupIpv6(data: GeoData, w0: number, w1: number, w2: number, w3: number): IpLookup {
  const { starts, codes, jump } = data.ipv6;
  const high = w0 >>> 16;
  let lo = jump[high];
  let hi = jump[high + 1];
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (startsAtOrBefore(starts, mid * 4, w0, w1, w2, w3)) lo = mid;
    else hi = mid - 1;
  }
  return data.results[codes[lo]];
}
