import { parseIpv4, parseIpv6 } from './ip-address';
import { KeyRanges } from './key-ranges';

/** Country codes met while parsing, numbered from 1 in order of appearance (0: no country). */
export class CountryCodes {
  /** Index -> ISO 3166-1 alpha-2 code; index 0 is unused. */
  readonly codes: string[] = [''];
  private readonly indexOfCode = new Uint16Array(26 * 26);

  /** The index of the two letters at `text[at]`, `text[at + 1]` (either case), or -1. */
  indexAt(text: string, at: number): number {
    const a = text.charCodeAt(at) | 0x20;
    const b = text.charCodeAt(at + 1) | 0x20;
    if (a < 97 || a > 122 || b < 97 || b > 122) return -1;
    const key = (a - 97) * 26 + (b - 97);
    let index = this.indexOfCode[key];
    if (index === 0) {
      index = this.codes.length;
      this.codes.push(String.fromCharCode(a - 32, b - 32));
      this.indexOfCode[key] = index;
    }
    return index;
  }
}

export interface CountryCsvRows {
  /** In file order; they may overlap. */
  rows: KeyRanges;
  /** Rows read. */
  lines: number;
  /** Non-blank lines that are not `start,end,country` (a header line, if any, counts here). */
  skipped: number;
}

/** An IPv4 bound: decimal (the `-num` CSV) or a dotted quad (the other CSV); -1 if neither. */
function ipv4Bound(text: string, from: number, to: number): number {
  if (from >= to || to - from > 10) return parseIpv4(text, from, to);
  let value = 0;
  for (let i = from; i < to; i += 1) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return parseIpv4(text, from, to);
    value = value * 10 + digit;
  }
  return value <= 0xffffffff ? value : -1;
}

const limbs = new Int32Array(8);

/** A decimal of 1 to 39 digits as four words at `out[0..3]`; false for anything else or past 2^128 - 1. */
function decimalToWords(text: string, from: number, to: number, out: Uint32Array): boolean {
  if (from >= to || to - from > 39) return false;
  for (let k = 0; k < 8; k += 1) limbs[k] = 0;
  let i = from;
  while (i < to) {
    // Four digits at a time into sixteen-bit limbs: every step is small-integer arithmetic
    // (65535 * 10^4 + carry < 2^31), which V8 keeps fast whatever the context (jest's included).
    const chunkEnd = to < i + 4 ? to : i + 4;
    let carry = 0;
    let scale = 1;
    for (; i < chunkEnd; i += 1) {
      const digit = text.charCodeAt(i) - 48;
      if (digit < 0 || digit > 9) return false;
      carry = carry * 10 + digit;
      scale *= 10;
    }
    for (let k = 7; k >= 0; k -= 1) {
      const x = limbs[k] * scale + carry;
      limbs[k] = x & 0xffff;
      carry = x >>> 16;
    }
    if (carry !== 0) return false;
  }
  for (let w = 0; w < 4; w += 1) out[w] = limbs[2 * w] * 65536 + limbs[2 * w + 1];
  return true;
}

/** An IPv6 bound: decimal (the `-num` CSV) or address text (the other CSV), into `out[0..3]`. */
function ipv6Bound(text: string, from: number, to: number, out: Uint32Array): boolean {
  return decimalToWords(text, from, to, out) || parseIpv6(text, out, from, to);
}

/**
 * Walks the `start,end,country` lines of an ip-location-db country CSV; `row` gets each line's
 * field bounds and says whether it could use the line.
 */
function eachLine(text: string, row: (from: number, comma1: number, comma2: number, to: number) => boolean): { lines: number; skipped: number } {
  let lines = 0;
  let skipped = 0;
  let lineStart = 0;
  while (lineStart < text.length) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = text.length;
    let to = lineEnd;
    if (to > lineStart && text.charCodeAt(to - 1) === 13) to -= 1;
    if (to > lineStart) {
      const comma1 = text.indexOf(',', lineStart);
      const comma2 = comma1 < 0 || comma1 >= to ? -1 : text.indexOf(',', comma1 + 1);
      if (comma2 >= 0 && comma2 < to && row(lineStart, comma1, comma2, to)) lines += 1;
      else skipped += 1;
    }
    lineStart = lineEnd + 1;
  }
  return { lines, skipped };
}

/** Rows of `geo-whois-asn-country-ipv4-num.csv` (or its dotted-quad twin, `-ipv4.csv`). */
export function parseIpv4CountryCsv(text: string, countries: CountryCodes): CountryCsvRows {
  const rows = new KeyRanges(1, 1 << 16);
  const counts = eachLine(text, (from, comma1, comma2, to) => {
    const start = ipv4Bound(text, from, comma1);
    const end = ipv4Bound(text, comma1 + 1, comma2);
    const country = to - comma2 === 3 ? countries.indexAt(text, comma2 + 1) : -1;
    if (start < 0 || end < start || country < 0) return false;
    rows.pushIpv4(start, end, country);
    return true;
  });
  return { rows, ...counts };
}

/** Rows of `geo-whois-asn-country-ipv6-num.csv` (or its address-text twin, `-ipv6.csv`). */
export function parseIpv6CountryCsv(text: string, countries: CountryCodes): CountryCsvRows {
  const rows = new KeyRanges(4, 1 << 16);
  const start = new Uint32Array(4);
  const end = new Uint32Array(4);
  const counts = eachLine(text, (from, comma1, comma2, to) => {
    if (!ipv6Bound(text, from, comma1, start) || !ipv6Bound(text, comma1 + 1, comma2, end)) return false;
    const country = to - comma2 === 3 ? countries.indexAt(text, comma2 + 1) : -1;
    let ordered = true;
    for (let w = 0; w < 4; w += 1) {
      if (start[w] !== end[w]) {
        ordered = start[w] < end[w];
        break;
      }
    }
    if (!ordered || country < 0) return false;
    rows.push(start, 0, end, 0, country);
    return true;
  });
  return { rows, ...counts };
}
