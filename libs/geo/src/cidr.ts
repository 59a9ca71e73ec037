import { parseIpv4, parseIpv6 } from './ip-address';
import { IPV4_KEYS, IPV6_KEYS, RangeList, unionRanges } from './range-table';

/** One network (or one address) of a text list: inclusive bounds, IPv4 as numbers, IPv6 as bigints. */
export type AddressRange = { family: 4; start: number; end: number } | { family: 6; start: bigint; end: bigint };

const words = new Uint32Array(4);

export function wordsToBigInt(w: ArrayLike<number>): bigint {
  return (BigInt(w[0]) << 96n) | (BigInt(w[1]) << 64n) | (BigInt(w[2]) << 32n) | BigInt(w[3]);
}

/** The 128-bit value of an IPv6 address text, or null. */
export function ipv6ToBigInt(text: string, from = 0, to = text.length): bigint | null {
  return parseIpv6(text, words, from, to) ? wordsToBigInt(words) : null;
}

function parsePrefixLength(text: string, from: number, to: number, max: number): number {
  if (from >= to || to - from > 3) return -1;
  let value = 0;
  for (let i = from; i < to; i += 1) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
    value = value * 10 + (c - 48);
  }
  return value <= max ? value : -1;
}

/**
 * `a.b.c.d/n`, `x:y::/n`, or a bare address (one address), within `text[from, to)`. Bits set past
 * the prefix are ignored (the network is what the prefix says). Null for anything else.
 */
export function parseCidr(text: string, from = 0, to = text.length): AddressRange | null {
  let slash = -1;
  for (let i = from; i < to; i += 1) {
    if (text.charCodeAt(i) === 47 /* / */) {
      slash = i;
      break;
    }
  }
  const addressEnd = slash < 0 ? to : slash;
  const v4 = parseIpv4(text, from, addressEnd);
  if (v4 >= 0) {
    const prefix = slash < 0 ? 32 : parsePrefixLength(text, slash + 1, to, 32);
    if (prefix < 0) return null;
    const size = 2 ** (32 - prefix);
    const start = v4 - (v4 % size);
    return { family: 4, start, end: start + size - 1 };
  }
  const v6 = ipv6ToBigInt(text, from, addressEnd);
  if (v6 === null) return null;
  const prefix = slash < 0 ? 128 : parsePrefixLength(text, slash + 1, to, 128);
  if (prefix < 0) return null;
  if (prefix >= 96 && v6 >> 32n === 0xffffn) {
    // An IPv4-mapped network (::ffff:a.b.c.d/n) is the IPv4 network it maps: lookups see it so.
    const size = 2 ** (128 - prefix);
    const v4mapped = Number(v6 & 0xffffffffn);
    const start = v4mapped - (v4mapped % size);
    return { family: 4, start, end: start + size - 1 };
  }
  const hostBits = (1n << BigInt(128 - prefix)) - 1n;
  const start = v6 & ~hostBits;
  return { family: 6, start, end: start | hostBits };
}

/** The networks of one text list, by family, plus how many lines were used and skipped. */
export interface ParsedAddressList {
  ipv4: { starts: number[]; ends: number[] };
  ipv6: { starts: bigint[]; ends: bigint[] };
  lines: number;
  /** Lines that are neither blank, nor a comment, nor an address or network. */
  skipped: number;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 11 || c === 12;
}

/**
 * Reads a list with one address or CIDR network per line: blank lines and `#` comments (whole-line
 * or trailing) are ignored, surrounding white space too.
 */
export function parseAddressList(text: string, options: { networks: boolean }): ParsedAddressList {
  const list: ParsedAddressList = { ipv4: { starts: [], ends: [] }, ipv6: { starts: [], ends: [] }, lines: 0, skipped: 0 };
  let lineStart = 0;
  while (lineStart < text.length) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = text.length;
    let from = lineStart;
    let to = lineEnd;
    const hash = text.indexOf('#', from);
    if (hash >= 0 && hash < to) to = hash;
    while (from < to && isSpace(text.charCodeAt(from))) from += 1;
    while (to > from && isSpace(text.charCodeAt(to - 1))) to -= 1;
    if (from < to) {
      const range = parseCidr(text, from, to);
      const single = range !== null && (options.networks || range.start === range.end);
      if (range === null || !single) list.skipped += 1;
      else {
        list.lines += 1;
        if (range.family === 4) {
          list.ipv4.starts.push(range.start);
          list.ipv4.ends.push(range.end);
        } else {
          list.ipv6.starts.push(range.start);
          list.ipv6.ends.push(range.end);
        }
      }
    }
    lineStart = lineEnd + 1;
  }
  return list;
}

/** Several lists' networks as sorted, disjoint ranges per family. */
export function unionAddressLists(lists: ParsedAddressList[]): { ipv4: RangeList<number>; ipv6: RangeList<bigint> } {
  return {
    ipv4: unionRanges(
      lists.flatMap((l) => l.ipv4.starts),
      lists.flatMap((l) => l.ipv4.ends),
      IPV4_KEYS,
    ),
    ipv6: unionRanges(
      lists.flatMap((l) => l.ipv6.starts),
      lists.flatMap((l) => l.ipv6.ends),
      IPV6_KEYS,
    ),
  };
}
