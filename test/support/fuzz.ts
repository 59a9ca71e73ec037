/** Seeded random inputs for the malformed-body tests: a failure replays from its seed. */

const NUMBERS = [0, -0, 1, -1, 0.5, 100, 101, 2 ** 31, 2 ** 53, 2 ** 64, -(2 ** 63), 1e308, Number.MIN_VALUE];

/** The field names and string values an endpoint family knows, so random values get past the first checks. */
export interface FuzzVocabulary {
  keys: readonly string[];
  strings: readonly string[];
}

/** A random JSON value up to `depth` levels deep, drawn from the vocabulary and edge-case numbers. */
export function randomValue(rand: () => number, depth: number, vocabulary: FuzzVocabulary): unknown {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  const r = rand();
  if (depth <= 0 || r < 0.35) {
    const s = rand();
    if (s < 0.15) return null;
    if (s < 0.3) return rand() < 0.5;
    if (s < 0.55) return pick(NUMBERS);
    if (s < 0.9) return pick(vocabulary.strings);
    return 'x'.repeat(Math.floor(rand() * 3000));
  }
  if (r < 0.65) return Array.from({ length: Math.floor(rand() * 5) }, () => randomValue(rand, depth - 1, vocabulary));
  const object: Record<string, unknown> = {};
  const keys = Math.floor(rand() * 8);
  for (let i = 0; i < keys; i++) {
    const key = rand() < 0.7 ? pick(vocabulary.keys) : rand().toString(36).slice(2, 2 + Math.floor(rand() * 10));
    object[key] = randomValue(rand, depth - 1, vocabulary);
  }
  return object;
}

/** `json` with one character replaced by one that JSON gives meaning to (or a NUL). */
export function corrupt(rand: () => number, json: string): string {
  const cut = Math.floor(rand() * json.length);
  return json.slice(0, cut) + '{}[]",:\\ \u0000x'[Math.floor(rand() * 12)] + json.slice(cut + 1);
}
