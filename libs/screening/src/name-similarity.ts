import { normaliseName } from './name-normalisation';
import { boundedOsaDistance, jaroWinkler } from './string-similarity';

/** Tuning of the name score that is not a threshold. */
export interface MatchingConfig {
  /**
   * What a token that only one name has costs, relative to a token that differs (0..1), once two
   * or more tokens align. A middle name or patronymic missing from one side (`Vladimir Putin`
   * against `PUTIN, Vladimir Vladimirovich`) is weaker evidence against a match than a different
   * given name.
   */
  surplusTokenCost: number;
  /** Multiplies the score when the query and the entry are different kinds of party (person vs. organisation, vessel or aircraft). */
  entityTypeMismatchFactor: number;
}

export const DEFAULT_MATCHING_CONFIG: MatchingConfig = { surplusTokenCost: 0.3, entityTypeMismatchFactor: 0.9 };

/**
 * Edits a pair of tokens may differ by and still count as the same word, by the shorter one's
 * length: none up to 3 characters (`ALI` is not `ALY`, `LI` is not `LU`), one up to 5, two from 6.
 */
export function allowedEdits(length: number): number {
  if (length <= 3) return 0;
  if (length <= 5) return 1;
  return 2;
}

/**
 * Similarity of two normalised tokens: 0 beyond the allowed edits, else Jaro-Winkler, which ranks
 * transliteration variants (HASAN/HASSAN) above other differences of the same edit count.
 */
export function tokenSimilarity(a: string, b: string): number {
  if (a === b) return 1;
  const edits = allowedEdits(Math.min(a.length, b.length));
  if (edits === 0 || boundedOsaDistance(a, b, edits) > edits) return 0;
  return jaroWinkler(a, b);
}

/** A possible correspondence of query token `q` with candidate token `c`. */
export interface TokenPair {
  q: number;
  c: number;
  similarity: number;
}

/**
 * The token-set score in [0, 1]. Tokens are aligned one to one, best pairs first, whatever their
 * order. Every token weighs its length. Then
 *
 *   score = agreement / (agreement + disagreement + unmatched + surplusTokenCost * surplus)
 *
 * where a pair of weight w and similarity s adds s*w to agreement and (1-s)*w to disagreement;
 * unmatched tokens on both sides are substitutions (full weight, as much of each side as the other
 * side has), and what one side has beyond that is surplus. Surplus is discounted only when at
 * least two tokens align: `Vladimir Putin` against `Vladimir Vladimirovich Putin` stays high,
 * while one shared word (`Ali` against `Aws Ali`, `Vladimir Putin` against `VLADIMIR`) is not
 * enough evidence to overlook the rest.
 */
export function scoreTokenAlignment(
  queryWeights: ArrayLike<number>,
  candidateWeights: ArrayLike<number>,
  pairs: TokenPair[],
  surplusTokenCost: number,
): NameMatch {
  pairs.sort((x, y) => y.similarity - x.similarity || candidateWeights[y.c] + queryWeights[y.q] - (candidateWeights[x.c] + queryWeights[x.q]));
  let usedQ = 0; // bit sets: names have far fewer than 32 tokens; longer ones fall back below
  let usedC = 0;
  const usedQSet = queryWeights.length > 31 ? new Set<number>() : null;
  const usedCSet = candidateWeights.length > 31 ? new Set<number>() : null;
  let agreement = 0;
  let disagreement = 0;
  let matchedQ = 0;
  let matchedC = 0;
  let aligned = 0;
  for (const { q, c, similarity } of pairs) {
    const qTaken = usedQSet ? usedQSet.has(q) : (usedQ >>> q) & 1;
    const cTaken = usedCSet ? usedCSet.has(c) : (usedC >>> c) & 1;
    if (qTaken || cTaken) continue;
    if (usedQSet) usedQSet.add(q);
    else usedQ |= 1 << q;
    if (usedCSet) usedCSet.add(c);
    else usedC |= 1 << c;
    const weight = queryWeights[q] + candidateWeights[c];
    agreement += similarity * weight;
    disagreement += (1 - similarity) * weight;
    matchedQ += queryWeights[q];
    matchedC += candidateWeights[c];
    aligned += 1;
  }
  if (agreement === 0) return NO_MATCH;
  const unmatchedQ = sum(queryWeights) - matchedQ;
  const unmatchedC = sum(candidateWeights) - matchedC;
  const substituted = 2 * Math.min(unmatchedQ, unmatchedC);
  const surplus = Math.abs(unmatchedQ - unmatchedC);
  return {
    score: agreement / (agreement + disagreement + substituted + (aligned >= 2 ? surplusTokenCost : 1) * surplus),
    wholeName: unmatchedQ === 0 && unmatchedC === 0,
  };
}

/** How well two names match, and whether every word of each found a counterpart in the other. */
export interface NameMatch {
  score: number;
  /** No token left over on either side: a prerequisite for an automatic block. */
  wholeName: boolean;
}

const NO_MATCH: NameMatch = { score: 0, wholeName: false };

function sum(values: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < values.length; i += 1) total += values[i];
  return total;
}

/**
 * Similarity of the names written without spaces (`AERO CARIBBEAN` / `AEROCARIBBEAN`), for names
 * that split words differently: 1 - edits / length, and 0 below `floor`.
 */
export function compactSimilarity(a: string, b: string, floor: number): number {
  const length = Math.max(a.length, b.length);
  if (length === 0) return 0;
  const maxEdits = Math.floor((1 - floor) * length);
  const edits = boundedOsaDistance(a, b, maxEdits);
  return edits > maxEdits ? 0 : 1 - edits / length;
}

/**
 * Whether `token` is two adjacent query words run together: exactly, or within one edit when both
 * words have 3 letters or more. A pair with a shorter particle (`abd al`) must join exactly, or it
 * would match every `abdul` on the lists.
 */
export function isJoinedPair(first: string, second: string, token: string): boolean {
  const joined = first + second;
  if (joined === token) return true;
  return first.length >= 3 && second.length >= 3 && boundedOsaDistance(joined, token, 1) <= 1;
}

/**
 * True when the two token lists split words differently: a token of one is two adjacent tokens of
 * the other run together (see `isJoinedPair` for query pairs; name pairs must join exactly).
 * Only then does the compact comparison take part.
 */
export function splitsWordsDifferently(query: string[], candidate: string[]): boolean {
  for (let i = 0; i + 1 < query.length; i += 1) {
    if (candidate.some((c) => isJoinedPair(query[i], query[i + 1], c))) return true;
  }
  const queryTokens = new Set(query);
  for (let j = 0; j + 1 < candidate.length; j += 1) {
    if (queryTokens.has(candidate[j] + candidate[j + 1])) return true;
  }
  return false;
}

/**
 * The score of two token lists, computed directly: the reference the index must agree with,
 * and the way to score a single pair of names.
 */
export function matchTokens(query: string[], candidate: string[], config: MatchingConfig = DEFAULT_MATCHING_CONFIG, compactFloor = 0): NameMatch {
  const pairs: TokenPair[] = [];
  query.forEach((q, i) =>
    candidate.forEach((c, j) => {
      const similarity = tokenSimilarity(q, c);
      if (similarity > 0) pairs.push({ q: i, c: j, similarity });
    }),
  );
  const byTokens = scoreTokenAlignment(
    query.map((t) => t.length),
    candidate.map((t) => t.length),
    pairs,
    config.surplusTokenCost,
  );
  if (!splitsWordsDifferently(query, candidate)) return byTokens;
  return betterMatch(byTokens, compactSimilarity(query.join(''), candidate.join(''), compactFloor));
}

/** The token match, or the compact comparison when it scores higher (it compares whole names). */
export function betterMatch(byTokens: NameMatch, compactScore: number): NameMatch {
  return compactScore > byTokens.score ? { score: compactScore, wholeName: true } : byTokens;
}

/** How alike two names are, in [0, 1], after normalisation. */
export function nameSimilarity(a: string, b: string, config: MatchingConfig = DEFAULT_MATCHING_CONFIG): number {
  return matchTokens(normaliseName(a).tokens, normaliseName(b).tokens, config).score;
}
