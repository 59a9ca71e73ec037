// Build-time range algebra over addresses held as 32-bit words in typed arrays, one implementation
// for both families: an IPv4 key is one word, an IPv6 key four, most significant first. Only the
// build step runs this; the lookup reads the arrays it ends in.

export type Stride = 1 | 4;

/** Compares key `ai` of `a` with key `bi` of `b` (key indices, not word offsets). */
export function compareKeys(a: Uint32Array, ai: number, b: Uint32Array, bi: number, stride: Stride): number {
  const ao = ai * stride;
  const bo = bi * stride;
  for (let k = 0; k < stride; k += 1) {
    const x = a[ao + k];
    const y = b[bo + k];
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

function copyKey(src: Uint32Array, si: number, dst: Uint32Array, di: number, stride: Stride): void {
  for (let k = 0; k < stride; k += 1) dst[di * stride + k] = src[si * stride + k];
}

/** dst = src + 1; false (dst then all zero) when src is the last address. */
function increment(src: Uint32Array, si: number, dst: Uint32Array, di: number, stride: Stride): boolean {
  copyKey(src, si, dst, di, stride);
  for (let k = di * stride + stride - 1; k >= di * stride; k -= 1) {
    if (dst[k] !== 0xffffffff) {
      dst[k] += 1;
      return true;
    }
    dst[k] = 0;
  }
  return false;
}

/** dst = src - 1, for src > 0. */
function decrement(src: Uint32Array, si: number, dst: Uint32Array, di: number, stride: Stride): void {
  copyKey(src, si, dst, di, stride);
  for (let k = di * stride + stride - 1; k >= di * stride; k -= 1) {
    if (dst[k] !== 0) {
      dst[k] -= 1;
      return;
    }
    dst[k] = 0xffffffff;
  }
}

/** dst = b - a, for a <= b. */
function subtract(b: Uint32Array, bi: number, a: Uint32Array, ai: number, dst: Uint32Array, di: number, stride: Stride): void {
  let borrow = 0;
  for (let k = stride - 1; k >= 0; k -= 1) {
    let x = b[bi * stride + k] - a[ai * stride + k] - borrow;
    borrow = x < 0 ? 1 : 0;
    if (x < 0) x += 0x100000000;
    dst[di * stride + k] = x;
  }
}

/** Inclusive ranges with a value each (> 0), in growable typed arrays. */
export class KeyRanges {
  starts: Uint32Array;
  ends: Uint32Array;
  values: Uint16Array;
  length = 0;
  private readonly scratch: Uint32Array;

  constructor(
    readonly stride: Stride,
    capacity = 256,
  ) {
    this.starts = new Uint32Array(capacity * stride);
    this.ends = new Uint32Array(capacity * stride);
    this.values = new Uint16Array(capacity);
    this.scratch = new Uint32Array(stride);
  }

  private reserve(): void {
    if (this.length < this.values.length) return;
    const grow = <T extends Uint32Array | Uint16Array>(old: T, size: number): T => {
      const next = new (old.constructor as new (n: number) => T)(size);
      next.set(old);
      return next;
    };
    const capacity = this.values.length * 2;
    this.starts = grow(this.starts, capacity * this.stride);
    this.ends = grow(this.ends, capacity * this.stride);
    this.values = grow(this.values, capacity);
  }

  /** Appends a range (no joining). */
  push(starts: Uint32Array, si: number, ends: Uint32Array, ei: number, value: number): void {
    this.reserve();
    copyKey(starts, si, this.starts, this.length, this.stride);
    copyKey(ends, ei, this.ends, this.length, this.stride);
    this.values[this.length] = value;
    this.length += 1;
  }

  /** Appends an IPv4 range (stride 1). */
  pushIpv4(start: number, end: number, value: number): void {
    this.reserve();
    this.starts[this.length] = start;
    this.ends[this.length] = end;
    this.values[this.length] = value;
    this.length += 1;
  }

  /**
   * Appends a range that starts at or after the last one's start, joining it to the last range when
   * they have one value and touch or overlap.
   */
  append(starts: Uint32Array, si: number, ends: Uint32Array, ei: number, value: number): void {
    const last = this.length - 1;
    if (last >= 0 && this.values[last] === value) {
      const touches =
        compareKeys(starts, si, this.ends, last, this.stride) <= 0 ||
        (increment(this.ends, last, this.scratch, 0, this.stride) && compareKeys(this.scratch, 0, starts, si, this.stride) === 0);
      if (touches) {
        if (compareKeys(ends, ei, this.ends, last, this.stride) > 0) copyKey(ends, ei, this.ends, last, this.stride);
        return;
      }
    }
    this.push(starts, si, ends, ei, value);
  }

  /** Range indices by start (file order among equal starts), or null when already in that order. */
  orderByStart(): Int32Array | null {
    let sorted = true;
    for (let i = 1; i < this.length && sorted; i += 1) sorted = compareKeys(this.starts, i - 1, this.starts, i, this.stride) <= 0;
    if (sorted) return null;
    const order = Int32Array.from({ length: this.length }, (_, i) => i);
    return order.sort((a, b) => compareKeys(this.starts, a, this.starts, b, this.stride) || a - b);
  }
}

/** Sorted, disjoint ranges covering every address of `ranges`, all with value 1. */
export function unionRanges(ranges: KeyRanges): KeyRanges {
  const order = ranges.orderByStart();
  const out = new KeyRanges(ranges.stride, Math.max(16, ranges.length));
  for (let i = 0; i < ranges.length; i += 1) {
    const r = order === null ? i : order[i];
    out.append(ranges.starts, r, ranges.ends, r, 1);
  }
  return out;
}

export interface ResolvedRanges {
  ranges: KeyRanges;
  /** Input rows that overlapped another row and so were cut by the narrowest-range rule. */
  overlappingRows: number;
}

/**
 * Turns ranges that may overlap (as the country CSVs do: a coarse whois or ASN range with more
 * specific geofeed ranges inside it, and a few partial overlaps) into sorted, disjoint ranges.
 * Every address takes the value of the narrowest range holding it; between ranges of one width,
 * the later row wins. Touching ranges with one value are joined.
 */
export function resolveOverlaps(rows: KeyRanges): ResolvedRanges {
  const { stride, starts, ends, values } = rows;
  const order = rows.orderByStart();
  const row = (i: number): number => (order === null ? i : order[i]);
  const out = new KeyRanges(stride, Math.max(16, rows.length));
  let overlappingRows = 0;
  let i = 0;
  while (i < rows.length) {
    // A cluster: rows chained by overlap, in start order.
    const first = row(i);
    let maxEndRow = first;
    let j = i + 1;
    while (j < rows.length && compareKeys(starts, row(j), ends, maxEndRow, stride) <= 0) {
      if (compareKeys(ends, row(j), ends, maxEndRow, stride) > 0) maxEndRow = row(j);
      j += 1;
    }
    if (j === i + 1) out.append(starts, first, ends, first, values[first]);
    else {
      const cluster = new Int32Array(j - i);
      for (let k = 0; k < cluster.length; k += 1) cluster[k] = row(i + k);
      resolveCluster(rows, cluster, out);
      overlappingRows += cluster.length;
    }
    i = j;
  }
  return { ranges: out, overlappingRows };
}

/** Sweeps one cluster's elementary pieces, keeping a heap of the rows open at each piece. */
function resolveCluster(rows: KeyRanges, cluster: Int32Array, out: KeyRanges): void {
  const { stride, starts, ends, values } = rows;
  const k = cluster.length;
  const widths = new Uint32Array(k * stride);
  for (let c = 0; c < k; c += 1) subtract(ends, cluster[c], starts, cluster[c], widths, c, stride);
  // Heap of cluster positions: narrower first, later row first among equal widths.
  const before = (a: number, b: number): boolean => {
    const c = compareKeys(widths, a, widths, b, stride);
    return c < 0 || (c === 0 && cluster[a] > cluster[b]);
  };
  const heap: number[] = [];
  const heapPush = (c: number): void => {
    heap.push(c);
    let at = heap.length - 1;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (!before(heap[at], heap[parent])) break;
      [heap[at], heap[parent]] = [heap[parent], heap[at]];
      at = parent;
    }
  };
  const heapPop = (): void => {
    const last = heap.pop() as number;
    if (heap.length === 0) return;
    heap[0] = last;
    let at = 0;
    for (;;) {
      const l = 2 * at + 1;
      let best = at;
      if (l < heap.length && before(heap[l], heap[best])) best = l;
      if (l + 1 < heap.length && before(heap[l + 1], heap[best])) best = l + 1;
      if (best === at) break;
      [heap[at], heap[best]] = [heap[best], heap[at]];
      at = best;
    }
  };

  // Elementary points: every start, and every end + 1 that is an address.
  const points = new Uint32Array(2 * k * stride);
  let count = 0;
  let reachesTop = false;
  for (let c = 0; c < k; c += 1) {
    copyKey(starts, cluster[c], points, count, stride);
    count += 1;
    if (increment(ends, cluster[c], points, count, stride)) count += 1;
    else reachesTop = true;
  }
  const sorted = Int32Array.from({ length: count }, (_, p) => p).sort((a, b) => compareKeys(points, a, points, b, stride));

  const pieceEnd = new Uint32Array(stride);
  let next = 0;
  for (let p = 0; p < count; p += 1) {
    const at = sorted[p];
    if (p + 1 < count && compareKeys(points, at, points, sorted[p + 1], stride) === 0) continue;
    while (next < k && compareKeys(starts, cluster[next], points, at, stride) <= 0) heapPush(next++);
    while (heap.length > 0 && compareKeys(ends, cluster[heap[0]], points, at, stride) < 0) heapPop();
    if (heap.length === 0) continue;
    if (p + 1 < count) decrement(points, sorted[p + 1], pieceEnd, 0, stride);
    else if (reachesTop) pieceEnd.fill(0xffffffff);
    else continue;
    out.append(points, at, pieceEnd, 0, values[cluster[heap[0]]]);
  }
}

/** The whole key space as consecutive intervals: key i up to key i + 1, less one, has `codes[i]`. */
export interface BoundaryTable {
  /** `length * stride` words. */
  starts: Uint32Array;
  codes: Uint16Array;
  length: number;
}

/**
 * Lays sorted, disjoint range lists over each other: each interval of the result has one value per
 * layer (0 where the layer has no range), and `encode` turns those values into the interval's code.
 * Neighbouring intervals with one code are joined.
 */
export function layerRanges(layers: KeyRanges[], encode: (values: Int32Array) => number, stride: Stride): BoundaryTable {
  const count = layers.length;
  // Per layer: the range at or after the point, whether the point is inside it, and the layer's
  // next boundary (the range's start, or its end + 1), if any. Only layers whose boundary the
  // point reaches are looked at again.
  const at = new Int32Array(count);
  const inside = new Uint8Array(count);
  const hasNext = new Uint8Array(count);
  const next = new Uint32Array(count * stride);
  const current = new Int32Array(count);
  const point = new Uint32Array(stride);
  const table = new KeyRanges(stride, Math.max(16, layers.reduce((sum, layer) => sum + 2 * layer.length, 1)));

  const settle = (l: number): void => {
    const layer = layers[l];
    let k = at[l];
    while (k < layer.length && compareKeys(layer.ends, k, point, 0, stride) < 0) k += 1;
    at[l] = k;
    if (k >= layer.length) {
      inside[l] = 0;
      hasNext[l] = 0;
    } else if (compareKeys(layer.starts, k, point, 0, stride) <= 0) {
      inside[l] = 1;
      hasNext[l] = increment(layer.ends, k, next, l, stride) ? 1 : 0;
    } else {
      inside[l] = 0;
      hasNext[l] = 1;
      copyKey(layer.starts, k, next, l, stride);
    }
    current[l] = inside[l] === 1 ? layer.values[k] : 0;
  };

  for (let l = 0; l < count; l += 1) settle(l);
  for (;;) {
    const code = encode(current);
    if (table.length === 0 || table.values[table.length - 1] !== code) table.push(point, 0, point, 0, code);
    let first = -1;
    for (let l = 0; l < count; l += 1) {
      if (hasNext[l] === 1 && (first < 0 || compareKeys(next, l, next, first, stride) < 0)) first = l;
    }
    if (first < 0) return { starts: table.starts.slice(0, table.length * stride), codes: table.values.slice(0, table.length), length: table.length };
    copyKey(next, first, point, 0, stride);
    for (let l = 0; l < count; l += 1) {
      if (hasNext[l] === 1 && compareKeys(next, l, point, 0, stride) === 0) settle(l);
    }
  }
}
