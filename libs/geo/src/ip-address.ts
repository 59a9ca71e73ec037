// Hand-written address parsers for the hot path: one pass over the characters, no regex, no
// substrings, no allocation. Anything that is not a plain textual address is invalid.

/** The 32-bit value of a dotted-quad IPv4 address (`a.b.c.d`, decimal, no leading zeros), or -1. */
export function parseIpv4(text: string, from = 0, to = text.length): number {
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = from; i < to; i += 1) {
    const c = text.charCodeAt(i);
    if (c === 46 /* . */) {
      if (digits === 0 || dots === 3) return -1;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
      dots += 1;
    } else if (c >= 48 && c <= 57) {
      // A leading zero is refused: inet_aton reads `010` as octal, so such text has two meanings.
      if (digits === 1 && octet === 0) return -1;
      octet = octet * 10 + (c - 48);
      if (octet > 255) return -1;
      digits += 1;
    } else {
      return -1;
    }
  }
  if (dots !== 3 || digits === 0) return -1;
  return value * 256 + octet;
}

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const lower = c | 0x20;
  if (lower >= 97 && lower <= 102) return lower - 87;
  return -1;
}

const hextets = new Uint16Array(8);

/**
 * Parses a textual IPv6 address (RFC 4291: hex groups, one `::`, an optional dotted-quad tail, and
 * an optional `%zone`, which is ignored) into four 32-bit words, most significant first, written to
 * `out`. Returns false, leaving `out` unspecified, for anything else (brackets and ports included).
 */
export function parseIpv6(text: string, out: Uint32Array, from = 0, to = text.length): boolean {
  let i = from;
  let count = 0;
  let gap = -1;
  if (to - i >= 2 && text.charCodeAt(i) === 58 && text.charCodeAt(i + 1) === 58) {
    gap = 0;
    i += 2;
  }
  while (i < to) {
    const groupStart = i;
    let value = 0;
    let digits = 0;
    let c = 0;
    while (i < to) {
      c = text.charCodeAt(i);
      const d = hexDigit(c);
      if (d < 0) break;
      value = value * 16 + d;
      digits += 1;
      i += 1;
    }
    if (i < to && c === 46 /* . */) {
      // The last 32 bits written as a dotted quad, up to the end or a zone.
      if (count > 6) return false;
      let end = i;
      while (end < to && text.charCodeAt(end) !== 37 /* % */) end += 1;
      const v4 = parseIpv4(text, groupStart, end);
      if (v4 < 0 || end === to - 1) return false;
      hextets[count] = v4 >>> 16;
      hextets[count + 1] = v4 & 0xffff;
      count += 2;
      break;
    }
    if (digits === 0 || digits > 4 || count === 8) return false;
    hextets[count] = value;
    count += 1;
    if (i === to) break;
    if (c === 37 /* % */) {
      // A zone (fe80::1%eth0): ignored, but not empty.
      if (i === to - 1) return false;
      break;
    }
    if (c !== 58 /* : */) return false;
    i += 1;
    if (i < to && text.charCodeAt(i) === 58) {
      if (gap >= 0) return false;
      gap = count;
      i += 1;
      if (i < to && text.charCodeAt(i) === 37) {
        if (i === to - 1) return false;
        break;
      }
    } else if (i === to) {
      return false;
    }
  }
  if (gap < 0) {
    if (count !== 8) return false;
  } else {
    if (count > 7) return false;
    const moved = count - gap;
    for (let k = 1; k <= moved; k += 1) hextets[8 - k] = hextets[count - k];
    for (let k = gap; k < 8 - moved; k += 1) hextets[k] = 0;
  }
  out[0] = hextets[0] * 65536 + hextets[1];
  out[1] = hextets[2] * 65536 + hextets[3];
  out[2] = hextets[4] * 65536 + hextets[5];
  out[3] = hextets[6] * 65536 + hextets[7];
  return true;
}

/** The dotted-quad text of a 32-bit value. */
export function formatIpv4(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}
