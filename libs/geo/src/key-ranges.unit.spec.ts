import { KeyRanges, layerRanges, resolveOverlaps, unionRanges } from './key-ranges';

const ipv4Ranges = (rows: [number, number, number][]): KeyRanges => {
  const ranges = new KeyRanges(1, 2);
  for (const [start, end, value] of rows) ranges.pushIpv4(start, end, value);
  return ranges;
};
const ipv4Rows = (ranges: KeyRanges): [number, number, number][] =>
  Array.from({ length: ranges.length }, (_, i) => [ranges.starts[i], ranges.ends[i], ranges.values[i]]);

/** IPv6 ranges whose keys differ only in the last word (the other three fixed), to read easily. */
const HIGH = [0x20010db8, 0, 0xffffffff];
const ipv6Ranges = (rows: [number, number, number][]): KeyRanges => {
  const ranges = new KeyRanges(4, 2);
  for (const [start, end, value] of rows) ranges.push(Uint32Array.from([...HIGH, start]), 0, Uint32Array.from([...HIGH, end]), 0, value);
  return ranges;
};
const ipv6Rows = (ranges: KeyRanges): [number, number, number][] =>
  Array.from({ length: ranges.length }, (_, i) => {
    expect([...ranges.starts.subarray(4 * i, 4 * i + 3)]).toEqual(HIGH);
    return [ranges.starts[4 * i + 3], ranges.ends[4 * i + 3], ranges.values[i]];
  });

describe('resolveOverlaps', () => {
  it('keeps disjoint rows and joins touching rows of one value', () => {
    const { ranges, overlappingRows } = resolveOverlaps(ipv4Ranges([[0, 9, 1], [10, 19, 1], [30, 39, 2], [40, 49, 3]]));
    expect(ipv4Rows(ranges)).toEqual([[0, 19, 1], [30, 39, 2], [40, 49, 3]]);
    expect(overlappingRows).toBe(0);
  });

  it('gives each address the narrowest range holding it (a geofeed range inside a whois range)', () => {
    // As in the real ipv4 CSV: 2.58.196.0-2.58.197.255 DE, then 2.58.197.15 BE, 2.58.197.16-255 DE.
    const { ranges, overlappingRows } = resolveOverlaps(ipv4Ranges([[0, 511, 1], [271, 271, 2], [272, 511, 1]]));
    expect(ipv4Rows(ranges)).toEqual([[0, 270, 1], [271, 271, 2], [272, 511, 1]]);
    expect(overlappingRows).toBe(3);
  });

  it('lets inner ranges cover an outer one entirely', () => {
    const { ranges } = resolveOverlaps(ipv4Ranges([[0, 99, 1], [0, 49, 2], [50, 99, 3]]));
    expect(ipv4Rows(ranges)).toEqual([[0, 49, 2], [50, 99, 3]]);
  });

  it('cuts partial overlaps in favour of the narrower range, and of the later row between equal widths', () => {
    expect(ipv4Rows(resolveOverlaps(ipv4Ranges([[0, 99, 1], [90, 119, 2]])).ranges)).toEqual([[0, 89, 1], [90, 119, 2]]);
    expect(ipv4Rows(resolveOverlaps(ipv4Ranges([[0, 19, 1], [10, 99, 2]])).ranges)).toEqual([[0, 19, 1], [20, 99, 2]]);
    expect(ipv4Rows(resolveOverlaps(ipv4Ranges([[0, 19, 1], [10, 29, 2]])).ranges)).toEqual([[0, 9, 1], [10, 29, 2]]);
  });

  it('handles nesting several levels deep, with gaps between clusters', () => {
    const { ranges } = resolveOverlaps(ipv4Ranges([[100, 199, 1], [120, 179, 2], [130, 139, 3], [300, 309, 4]]));
    expect(ipv4Rows(ranges)).toEqual([[100, 119, 1], [120, 129, 2], [130, 139, 3], [140, 179, 2], [180, 199, 1], [300, 309, 4]]);
  });

  it('sorts rows that are out of order', () => {
    const { ranges } = resolveOverlaps(ipv4Ranges([[300, 309, 4], [100, 199, 1], [130, 139, 3]]));
    expect(ipv4Rows(ranges)).toEqual([[100, 129, 1], [130, 139, 3], [140, 199, 1], [300, 309, 4]]);
  });

  it('reaches the last address of the space', () => {
    const { ranges } = resolveOverlaps(ipv4Ranges([[0xffffff00, 0xffffffff, 1], [0xfffffff0, 0xffffffff, 2]]));
    expect(ipv4Rows(ranges)).toEqual([[0xffffff00, 0xffffffef, 1], [0xfffffff0, 0xffffffff, 2]]);
  });

  it('works the same on four-word IPv6 keys, carrying across words', () => {
    const { ranges } = resolveOverlaps(ipv6Ranges([[0, 0xffffffff, 1], [0x10, 0x1f, 2], [0xfffffff0, 0xffffffff, 3]]));
    expect(ipv6Rows(ranges)).toEqual([[0, 0xf, 1], [0x10, 0x1f, 2], [0x20, 0xffffffef, 1], [0xfffffff0, 0xffffffff, 3]]);

    const wide = new KeyRanges(4);
    wide.push(Uint32Array.from([1, 0, 0, 0]), 0, Uint32Array.from([1, 0xffffffff, 0xffffffff, 0xffffffff]), 0, 1);
    wide.push(Uint32Array.from([1, 0, 0xffffffff, 0xffffffff]), 0, Uint32Array.from([1, 1, 0, 0]), 0, 2);
    const resolved = resolveOverlaps(wide).ranges;
    expect(resolved.length).toBe(3);
    expect([...resolved.ends.subarray(0, 4)]).toEqual([1, 0, 0xffffffff, 0xfffffffe]);
    expect([...resolved.starts.subarray(8, 12)]).toEqual([1, 1, 0, 1]);
    expect([...resolved.values.subarray(0, resolved.length)]).toEqual([1, 2, 1]);
  });
});

describe('unionRanges', () => {
  it('merges overlapping, contained and adjacent networks, in any order', () => {
    const union = unionRanges(ipv4Ranges([[50, 59, 1], [0, 9, 1], [5, 14, 1], [15, 19, 1], [2, 3, 1], [40, 45, 1]]));
    expect(ipv4Rows(union)).toEqual([[0, 19, 1], [40, 45, 1], [50, 59, 1]]);
  });
});

describe('layerRanges', () => {
  it('cuts the whole key space into intervals with one code each', () => {
    const country = ipv4Ranges([[100, 199, 7], [200, 299, 8]]);
    const datacenter = ipv4Ranges([[150, 249, 1]]);
    const table = layerRanges([country, datacenter], (v) => v[0] * 4 + v[1], 1);
    expect([...table.starts]).toEqual([0, 100, 150, 200, 250, 300]);
    expect([...table.codes]).toEqual([0, 28, 29, 33, 32, 0]);
  });

  it('joins neighbouring intervals with one code and stops at the last address', () => {
    const a = ipv4Ranges([[0, 9, 1]]);
    const b = ipv4Ranges([[5, 0xffffffff, 1]]);
    const table = layerRanges([a, b], (v) => (v[0] || v[1] ? 1 : 0), 1);
    expect([...table.starts]).toEqual([0]);
    expect([...table.codes]).toEqual([1]);
  });

  it('works on IPv6 keys', () => {
    const table = layerRanges([ipv6Ranges([[0x10, 0x1f, 3]])], (v) => v[0], 4);
    expect(table.length).toBe(3);
    expect([...table.codes]).toEqual([0, 3, 0]);
    expect([...table.starts]).toEqual([0, 0, 0, 0, ...HIGH, 0x10, ...HIGH, 0x20]);
  });
});
