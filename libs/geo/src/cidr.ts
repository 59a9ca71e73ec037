import { parseIpv4, parseIpv6 } from './ip-address';
import { KeyRanges, unionRanges } from './key-ranges';

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
  ipv4: KeyRanges;
  ipv6: KeyRanges;
  lines: number;
  /** Lines that are neither blank, nor a comment, nor an address (or, where allowed, a network). */
  skipped: number;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 11 || c === 12;
}

/** Writes a 128-bit value as four words at key index `at` of `out`. */
export function bigIntToWords(value: bigint, out: Uint32Array, at = 0): void {
  out[4 * at] = Number(value >> 96n);
  out[4 * at + 1] = Number((value >> 64n) & 0xffffffffn);
  out[4 * at + 2] = Number((value >> 32n) & 0xffffffffn);
  out[4 * at + 3] = Number(value & 0xffffffffn);
}

/**
 * Reads a list with one address or CIDR network per line: blank lines and `#` comments (whole-line
 * or trailing) are ignored, surrounding white space too. With `networks: false` only single
 * addresses count (a Tor exit list).
 */
export function parseAddressList(text: string, options: { networks: boolean }): ParsedAddressList {
  const list: ParsedAddressList = { ipv4: new KeyRanges(1, 1024), ipv6: new KeyRanges(4, 16), lines: 0, skipped: 0 };
  const start6 = new Uint32Array(4);
  const end6 = new Uint32Array(4);
  let lineStart = 0;
  while (lineStart < text.length) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = text.length;
    let from = lineStart;
    let to = lineEnd;
    for (let i = from; i < to; i += 1) {
      if (text.charCodeAt(i) === 35 /* # */) {
        to = i;
        break;
      }
    }
    while (from < to && isSpace(text.charCodeAt(from))) from += 1;
    while (to > from && isSpace(text.charCodeAt(to - 1))) to -= 1;
    if (from < to) {
      const range = parseCidr(text, from, to);
      if (range === null || (!options.networks && range.start !== range.end)) list.skipped += 1;
      else {
        list.lines += 1;
        if (range.family === 4) list.ipv4.pushIpv4(range.start, range.end, 1);
        else {
          bigIntToWords(range.start, start6);
          bigIntToWords(range.end, end6);
          list.ipv6.push(start6, 0, end6, 0, 1);
        }
      }
    }
    lineStart = lineEnd + 1;
  }
  return list;
}

/** Several lists' networks as sorted, disjoint ranges per family. */
export function unionAddressLists(lists: ParsedAddressList[]): { ipv4: KeyRanges; ipv6: KeyRanges } {
  const all = { ipv4: new KeyRanges(1, 1024), ipv6: new KeyRanges(4, 16) };
  for (const list of lists) {
    for (const family of ['ipv4', 'ipv6'] as const) {
      const ranges = list[family];
      for (let i = 0; i < ranges.length; i += 1) all[family].push(ranges.starts, i, ranges.ends, i, 1);
    }
  }
  return { ipv4: unionRanges(all.ipv4), ipv6: unionRanges(all.ipv6) };
}
