/**
 * String measures for name tokens. They run thousands of times per name screened, so they work in
 * module-level buffers instead of allocating: still pure to their callers, because they are
 * synchronous and leave nothing behind that a later call reads before writing.
 */

let flagsA = new Uint8Array(64);
let flagsB = new Uint8Array(64);
let rowOlder = new Int32Array(64);
let rowPrevious = new Int32Array(64);
let rowCurrent = new Int32Array(64);

function ensureCapacity(length: number): void {
  if (length <= flagsA.length) return;
  const size = Math.max(length, 2 * flagsA.length);
  flagsA = new Uint8Array(size);
  flagsB = new Uint8Array(size);
  rowOlder = new Int32Array(size);
  rowPrevious = new Int32Array(size);
  rowCurrent = new Int32Array(size);
}

/**
 * Jaro-Winkler similarity in [0, 1]: characters in common within a window, transpositions, and a
 * bonus for a common prefix of up to four characters (scale 0.1). Rewards the small, early-safe
 * differences of transliterated names (HASAN/HASSAN, AHMED/AHMAD).
 */
export function jaroWinkler(a: string, b: string): number {
  if (a === b) return 1;
  const la = a.length;
  const lb = b.length;
  if (la === 0 || lb === 0) return 0;
  const window = Math.max(0, (Math.max(la, lb) >> 1) - 1);
  ensureCapacity(Math.max(la, lb) + 1);
  const matchedA = flagsA.fill(0, 0, la);
  const matchedB = flagsB.fill(0, 0, lb);
  let matches = 0;
  for (let i = 0; i < la; i += 1) {
    const from = Math.max(0, i - window);
    const to = Math.min(lb - 1, i + window);
    for (let j = from; j <= to; j += 1) {
      if (!matchedB[j] && a.charCodeAt(i) === b.charCodeAt(j)) {
        matchedA[i] = 1;
        matchedB[j] = 1;
        matches += 1;
        break;
      }
    }
  }
  if (matches === 0) return 0;
  let transpositions = 0;
  for (let i = 0, j = 0; i < la; i += 1) {
    if (!matchedA[i]) continue;
    while (!matchedB[j]) j += 1;
    if (a.charCodeAt(i) !== b.charCodeAt(j)) transpositions += 1;
    j += 1;
  }
  const jaro = (matches / la + matches / lb + (matches - transpositions / 2) / matches) / 3;
  let prefix = 0;
  while (prefix < 4 && prefix < la && prefix < lb && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix += 1;
  return jaro + prefix * 0.1 * (1 - jaro);
}

/**
 * Optimal-string-alignment distance (Damerau-Levenshtein with adjacent transpositions, no
 * substring edited twice), computed only within `max` of the diagonal. Returns `max + 1` as soon
 * as the distance is known to exceed `max`.
 */
export function boundedOsaDistance(a: string, b: string, max: number): number {
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > max) return max + 1;
  if (a === b) return 0;
  if (la === 0 || lb === 0) return Math.max(la, lb);
  const outside = max + 1;
  ensureCapacity(lb + 1);
  // Three rows: two back (for transpositions), previous, current.
  let older = rowOlder.fill(outside, 0, lb + 1);
  let previous = rowPrevious.fill(outside, 0, lb + 1);
  let current = rowCurrent.fill(outside, 0, lb + 1);
  for (let j = 0; j <= Math.min(lb, max); j += 1) previous[j] = j;
  for (let i = 1; i <= la; i += 1) {
    const from = Math.max(1, i - max);
    const to = Math.min(lb, i + max);
    current.fill(outside, 0, lb + 1);
    current[0] = i <= max ? i : outside;
    let rowMin = current[0];
    const ca = a.charCodeAt(i - 1);
    for (let j = from; j <= to; j += 1) {
      const cb = b.charCodeAt(j - 1);
      const cost = ca === cb ? 0 : 1;
      let d = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      if (i > 1 && j > 1 && ca === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === cb) d = Math.min(d, older[j - 2] + 1);
      current[j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > max) return outside;
    [older, previous, current] = [previous, current, older];
  }
  return Math.min(previous[lb], outside);
}

/**
 * Every string reachable from `token` by deleting up to `depth` characters, `token` included:
 * the keys of a symmetric-deletion index. Two tokens within edit distance k share such a key at
 * depth k, so looking the query's deletions up finds every indexed token within k edits.
 */
export function deletionNeighbourhood(token: string, depth: number): Set<string> {
  const found = new Set<string>([token]);
  let frontier = [token];
  for (let level = 0; level < depth; level += 1) {
    const next: string[] = [];
    for (const word of frontier) {
      if (word.length <= 1) continue;
      for (let i = 0; i < word.length; i += 1) {
        const shorter = word.slice(0, i) + word.slice(i + 1);
        if (!found.has(shorter)) {
          found.add(shorter);
          next.push(shorter);
        }
      }
    }
    frontier = next;
  }
  return found;
}
