// Build-time range algebra, one implementation for both address families: IPv4 keys are plain
// numbers (exact up to 2^32), IPv6 keys are bigints. Only the loader's build step runs this; the
// lookup reads the typed arrays it ends in.

/** How to compare and step the keys of one address family. */
export interface KeyOps<K> {
  readonly zero: K;
  readonly max: K;
  compare(a: K, b: K): number;
  next(key: K): K;
  prev(key: K): K;
  /** end - start: how many addresses a range holds, less one. */
  width(start: K, end: K): K;
}

export const IPV4_KEYS: KeyOps<number> = {
  zero: 0,
  max: 0xffffffff,
  compare: (a, b) => a - b,
  next: (key) => key + 1,
  prev: (key) => key - 1,
  width: (start, end) => end - start,
};

export const IPV6_KEYS: KeyOps<bigint> = {
  zero: 0n,
  max: (1n << 128n) - 1n,
  compare: (a, b) => (a < b ? -1 : a > b ? 1 : 0),
  next: (key) => key + 1n,
  prev: (key) => key - 1n,
  width: (start, end) => end - start,
};

/** Inclusive ranges, each with a value (> 0). */
export interface RangeList<K> {
  starts: K[];
  ends: K[];
  values: number[];
}

export const emptyRanges = <K>(): RangeList<K> => ({ starts: [], ends: [], values: [] });

function push<K>(list: RangeList<K>, start: K, end: K, value: number, keys: KeyOps<K>): void {
  const last = list.starts.length - 1;
  // Adjacent or overlapping with the same value: one range.
  if (last >= 0 && list.values[last] === value && keys.compare(keys.next(list.ends[last]), start) >= 0) {
    if (keys.compare(end, list.ends[last]) > 0) list.ends[last] = end;
    return;
  }
  list.starts.push(start);
  list.ends.push(end);
  list.values.push(value);
}

/** Row indices ordered by start, in file order among equal starts; null when already in order. */
function orderByStart<K>(starts: K[], keys: KeyOps<K>): number[] | null {
  let sorted = true;
  for (let i = 1; i < starts.length && sorted; i += 1) sorted = keys.compare(starts[i - 1], starts[i]) <= 0;
  if (sorted) return null;
  const order = Array.from(starts, (_, i) => i);
  return order.sort((a, b) => keys.compare(starts[a], starts[b]) || a - b);
}

export interface ResolvedRanges<K> extends RangeList<K> {
  /** Input rows that overlapped another row and so were cut by the most-specific rule. */
  overlappingRows: number;
}

/**
 * Turns ranges that may overlap (as the country CSVs do: a coarse whois or ASN range with more
 * specific geofeed ranges inside it, and a few partial overlaps) into sorted, disjoint ranges.
 * Every address takes the value of the narrowest range holding it; between ranges of one width,
 * the later row wins. Adjacent ranges with one value are joined.
 */
export function resolveOverlaps<K>(rows: RangeList<K>, keys: KeyOps<K>): ResolvedRanges<K> {
  const { starts, ends, values } = rows;
  const order = orderByStart(starts, keys);
  const row = (i: number): number => (order === null ? i : order[i]);
  const out: ResolvedRanges<K> = { ...emptyRanges<K>(), overlappingRows: 0 };
  const n = starts.length;
  let i = 0;
  while (i < n) {
    // A cluster: rows chained by overlap, in start order.
    const first = row(i);
    let maxEnd = ends[first];
    let j = i + 1;
    while (j < n && keys.compare(starts[row(j)], maxEnd) <= 0) {
      if (keys.compare(ends[row(j)], maxEnd) > 0) maxEnd = ends[row(j)];
      j += 1;
    }
    if (j === i + 1) push(out, starts[first], ends[first], values[first], keys);
    else resolveCluster(rows, Array.from({ length: j - i }, (_, k) => row(i + k)), out, keys);
    if (j > i + 1) out.overlappingRows += j - i;
    i = j;
  }
  return out;
}

/** Sweeps one cluster's elementary pieces, keeping a heap of the ranges open at each piece. */
function resolveCluster<K>(rows: RangeList<K>, cluster: number[], out: RangeList<K>, keys: KeyOps<K>): void {
  const { starts, ends, values } = rows;
  const widths = new Map<number, K>(cluster.map((r) => [r, keys.width(starts[r], ends[r])]));
  // Narrower first; later row first among equal widths.
  const before = (a: number, b: number): boolean => {
    const c = keys.compare(widths.get(a) as K, widths.get(b) as K);
    return c < 0 || (c === 0 && a > b);
  };
  const heap: number[] = [];
  const heapPush = (r: number): void => {
    heap.push(r);
    let k = heap.length - 1;
    while (k > 0) {
      const parent = (k - 1) >> 1;
      if (!before(heap[k], heap[parent])) break;
      [heap[k], heap[parent]] = [heap[parent], heap[k]];
      k = parent;
    }
  };
  const heapPop = (): void => {
    const last = heap.pop() as number;
    if (heap.length === 0) return;
    heap[0] = last;
    let k = 0;
    for (;;) {
      const l = 2 * k + 1;
      const r = l + 1;
      let best = k;
      if (l < heap.length && before(heap[l], heap[best])) best = l;
      if (r < heap.length && before(heap[r], heap[best])) best = r;
      if (best === k) break;
      [heap[k], heap[best]] = [heap[best], heap[k]];
      k = best;
    }
  };

  const points = cluster.flatMap((r) => [starts[r], keys.next(ends[r])]).sort(keys.compare);
  let next = 0;
  for (let p = 0; p < points.length - 1; p += 1) {
    const at = points[p];
    if (keys.compare(at, points[p + 1]) === 0) continue;
    while (next < cluster.length && keys.compare(starts[cluster[next]], at) <= 0) heapPush(cluster[next++]);
    while (heap.length > 0 && keys.compare(ends[heap[0]], at) < 0) heapPop();
    if (heap.length > 0) push(out, at, keys.prev(points[p + 1]), values[heap[0]], keys);
  }
}

/** Sorted, disjoint ranges covering every address of `starts`/`ends` (value 1). */
export function unionRanges<K>(starts: K[], ends: K[], keys: KeyOps<K>): RangeList<K> {
  const order = orderByStart(starts, keys);
  const out = emptyRanges<K>();
  for (let i = 0; i < starts.length; i += 1) {
    const r = order === null ? i : order[i];
    push(out, starts[r], ends[r], 1, keys);
  }
  return out;
}

/** The whole key space as consecutive intervals: `starts[i]` up to `starts[i + 1] - 1` has `codes[i]`. */
export interface BoundaryTable<K> {
  starts: K[];
  codes: number[];
}

/**
 * Lays sorted, disjoint range lists over each other: each interval of the result has one value per
 * layer (0 where the layer has no range), and `encode` turns those values into the interval's code.
 * Neighbouring intervals with one code are joined.
 */
export function layerRanges<K>(layers: RangeList<K>[], encode: (values: Int32Array) => number, keys: KeyOps<K>): BoundaryTable<K> {
  const at = new Int32Array(layers.length);
  const current = new Int32Array(layers.length);
  const table: BoundaryTable<K> = { starts: [], codes: [] };
  let point = keys.zero;
  for (;;) {
    for (let l = 0; l < layers.length; l += 1) {
      const layer = layers[l];
      let k = at[l];
      while (k < layer.starts.length && keys.compare(layer.ends[k], point) < 0) k += 1;
      at[l] = k;
      current[l] = k < layer.starts.length && keys.compare(layer.starts[k], point) <= 0 ? layer.values[k] : 0;
    }
    const code = encode(current);
    if (table.codes.length === 0 || table.codes[table.codes.length - 1] !== code) {
      table.starts.push(point);
      table.codes.push(code);
    }
    let following: K | null = null;
    for (let l = 0; l < layers.length; l += 1) {
      const layer = layers[l];
      const k = at[l];
      if (k >= layer.starts.length) continue;
      const boundary = keys.compare(layer.starts[k], point) <= 0 ? keys.next(layer.ends[k]) : layer.starts[k];
      if (following === null || keys.compare(boundary, following) < 0) following = boundary;
    }
    if (following === null || keys.compare(following, keys.max) > 0) return table;
    point = following;
  }
}
