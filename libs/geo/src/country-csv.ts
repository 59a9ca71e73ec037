import { ipv6ToBigInt } from './cidr';
import { parseIpv4 } from './ip-address';
import { RangeList, emptyRanges } from './range-table';

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

export interface CountryCsvRows<K> {
  rows: RangeList<K>;
  /** Rows read. */
  lines: number;
  /** Lines that are not `start,end,country` (a header line, if any, counts here). */
  skipped: number;
}

/** Decimal digits only, at most `maxDigits` of them. */
function allDigits(text: string, from: number, to: number, maxDigits: number): boolean {
  if (from >= to || to - from > maxDigits) return false;
  for (let i = from; i < to; i += 1) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function decimal(text: string, from: number, to: number): number {
  let value = 0;
  for (let i = from; i < to; i += 1) value = value * 10 + (text.charCodeAt(i) - 48);
  return value;
}

/**
 * Walks the `start,end,country` lines of an ip-location-db country CSV, calling `row` with the
 * bounds of each field; bounds are either decimal numbers (the `-num` files) or address text.
 */
function eachRow(text: string, row: (startFrom: number, startTo: number, endTo: number, lineEnd: number) => boolean): { lines: number; skipped: number } {
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
export function parseIpv4CountryCsv(text: string, countries: CountryCodes): CountryCsvRows<number> {
  const rows = emptyRanges<number>();
  const bound = (from: number, to: number): number => {
    if (allDigits(text, from, to, 10)) {
      const value = decimal(text, from, to);
      return value <= 0xffffffff ? value : -1;
    }
    return parseIpv4(text, from, to);
  };
  const counts = eachRow(text, (startFrom, comma1, comma2, to) => {
    const start = bound(startFrom, comma1);
    const end = bound(comma1 + 1, comma2);
    const country = to - comma2 === 3 ? countries.indexAt(text, comma2 + 1) : -1;
    if (start < 0 || end < start || country < 0) return false;
    rows.starts.push(start);
    rows.ends.push(end);
    rows.values.push(country);
    return true;
  });
  return { rows, ...counts };
}

/** Rows of `geo-whois-asn-country-ipv6-num.csv` (or its address-text twin, `-ipv6.csv`). */
export function parseIpv6CountryCsv(text: string, countries: CountryCodes): CountryCsvRows<bigint> {
  const rows = emptyRanges<bigint>();
  const max = (1n << 128n) - 1n;
  const bound = (from: number, to: number): bigint | null => {
    if (allDigits(text, from, to, 39)) {
      const value = BigInt(text.slice(from, to));
      return value <= max ? value : null;
    }
    return ipv6ToBigInt(text, from, to);
  };
  const counts = eachRow(text, (startFrom, comma1, comma2, to) => {
    const start = bound(startFrom, comma1);
    const end = bound(comma1 + 1, comma2);
    const country = to - comma2 === 3 ? countries.indexAt(text, comma2 + 1) : -1;
    if (start === null || end === null || end < start || country < 0) return false;
    rows.starts.push(start);
    rows.ends.push(end);
    rows.values.push(country);
    return true;
  });
  return { rows, ...counts };
}
