import { DomainError } from '@app/domain';
import { normaliseName } from './name-normalisation';
import { betterMatch, compactSimilarity, isJoinedPair, scoreTokenAlignment, TokenPair } from './name-similarity';
import type { ListId, PartyEntityType } from './restricted-party';
import type { RestrictedPartyListVersion } from './restricted-party-list-version';
import { MatchedNameType, ScreeningIndex, similarVocabulary } from './screening-index';
import { deletionNeighbourhood } from './string-similarity';

export type ScreeningBand = 'clear' | 'review' | 'block';

/** Score bounds, each in [0, 1]: at or above `blockThreshold` blocks, at or above `reviewThreshold` goes to review. */
export interface ScreeningThresholds {
  reviewThreshold: number;
  blockThreshold: number;
  /**
   * The lowest score listed as a candidate in the evidence (near misses a reviewer may want to
   * see). Defaults to `reviewThreshold - 0.1`. Lower values cost speed.
   */
  reportThreshold?: number;
}

export interface ScreeningQuery {
  name: string;
  entityType?: PartyEntityType;
  /** As the caller has it (ISO alpha-2 or a name); only compared for the `countryMatch` flag. */
  country?: string;
}

export interface ScreeningCandidate {
  listId: ListId;
  source: string;
  entryId: string;
  /** The entry's primary name. */
  name: string;
  /** The primary name or the alias that scored best. */
  matchedName: string;
  matchedNameType: MatchedNameType;
  /** In [0, 1], rounded to 4 decimals; the band is decided on this rounded value. */
  score: number;
  band: ScreeningBand;
  /**
   * Why a score at or above the block threshold only went to review: the name matched was a weak
   * alias, or a word of one name had no counterpart in the other (`Vladimir Putin` against
   * `PUTIN, Vladimir Vladimirovich`). Blocking without a human needs the whole name.
   */
  reviewOnly?: 'weak alias' | 'partial name';
  entityType: PartyEntityType;
  programs: string[];
  countries: string[];
  /** Whether the query's country is among the entry's; absent when either side has none. */
  countryMatch?: boolean;
}

/** What a screening decided and why: stored with the decision it supports. */
export interface ScreeningEvidence {
  query: ScreeningQuery;
  normalisedQuery: string;
  band: ScreeningBand;
  topScore: number;
  /** Best first, one per entry, at most `limit`. */
  candidates: ScreeningCandidate[];
  listVersion?: RestrictedPartyListVersion;
  thresholds: ScreeningThresholds;
}

const SEVERITY: Record<ScreeningBand, number> = { clear: 0, review: 1, block: 2 };

export function bandFor(score: number, thresholds: ScreeningThresholds): ScreeningBand {
  if (score >= thresholds.blockThreshold) return 'block';
  if (score >= thresholds.reviewThreshold) return 'review';
  return 'clear';
}

function checkThresholds(thresholds: ScreeningThresholds): number {
  const { reviewThreshold, blockThreshold } = thresholds;
  const reportThreshold = thresholds.reportThreshold ?? Math.max(0, reviewThreshold - 0.1);
  const inUnit = (x: number): boolean => Number.isFinite(x) && x >= 0 && x <= 1;
  if (![reviewThreshold, blockThreshold, reportThreshold].every(inUnit) || reportThreshold > reviewThreshold || reviewThreshold > blockThreshold) {
    throw new DomainError('SCREENING.INVALID_THRESHOLDS', 'Screening thresholds must satisfy 0 <= report <= review <= block <= 1', 'invalid', { ...thresholds });
  }
  return reportThreshold;
}

const isPerson = (type: PartyEntityType): boolean => type === 'individual';

/** A person against an organisation, vessel or aircraft, or the reverse; unknown types never conflict. */
function entityTypesConflict(query: PartyEntityType | undefined, listed: PartyEntityType): boolean {
  if (!query || query === 'unknown' || listed === 'unknown') return false;
  return isPerson(query) !== isPerson(listed);
}

const round = (score: number): number => Math.round(score * 1e4) / 1e4;

/**
 * An upper bound of a name's token score from what candidate generation already knows. The score
 * (see `scoreTokenAlignment`) equals
 *
 *   agreement / (queryWeight + nameWeight - (1 - cost) * |unmatchedQuery - unmatchedName|)
 *
 * with cost the surplus cost (or 1). Agreement is at most `agreementBound`: each name token pairs
 * with at most one query token, so the sum over the name's tokens of the best similarity * pair
 * weight any query token offers it. Each query token pairs at most once too, and paired tokens
 * differ in length by at most `lengthSlack` in total, so agreement is also at most twice the
 * weight of the query tokens that hit the name, plus that slack; and |unmatchedQuery -
 * unmatchedName| is at most |queryWeight - nameWeight| + lengthSlack.
 */
function scoreBound(
  agreementBound: number,
  queryWeightHit: number,
  lengthSlack: number,
  queryWeight: number,
  nameWeight: number,
  surplusTokenCost: number,
): number {
  const agreement = Math.min(agreementBound, 2 * queryWeightHit + lengthSlack);
  const total = queryWeight + nameWeight;
  const denominator = total - (1 - surplusTokenCost) * Math.min(total, Math.abs(queryWeight - nameWeight) + lengthSlack);
  return denominator <= 0 ? 1 : agreement / denominator;
}

/** Whether two compact names' lengths alone leave room for a compact similarity of `floor`. */
function compactLengthsAllow(a: string, b: string, floor: number): boolean {
  const longer = Math.max(a.length, b.length);
  return longer > 0 && 1 - Math.abs(a.length - b.length) / longer >= floor;
}

/** Vocabulary tokens that two adjacent query tokens run together count as (see `isJoinedPair`). */
function splitCounterparts(index: ScreeningIndex, first: string, second: string): number[] {
  const joined = first + second;
  const found = new Set<number>();
  const exact = index.tokenIds.get(joined);
  if (exact !== undefined) found.add(exact);
  if (first.length >= 3 && second.length >= 3) {
    // Every vocabulary token of 4 letters or more has its one-deletion keys in the index.
    for (const key of deletionNeighbourhood(joined, 1)) {
      const held = index.deletions.get(key);
      if (held === undefined) continue;
      for (const id of typeof held === 'number' ? [held] : held) if (!found.has(id) && isJoinedPair(first, second, index.vocabulary[id])) found.add(id);
    }
  }
  return [...found];
}

/**
 * Screens one name against the index: candidate names from the inverted and deletion indexes,
 * each scored on the aligned tokens, the best name per entry kept, bands from the thresholds.
 */
export function screen(index: ScreeningIndex, query: ScreeningQuery, thresholds: ScreeningThresholds, limit = 10): ScreeningEvidence {
  const reportThreshold = checkThresholds(thresholds);
  const { tokens } = normaliseName(query.name);
  if (tokens.length === 0) {
    throw new DomainError('SCREENING.NAME_NOT_SCREENABLE', 'The name has no letters or digits to screen', 'invalid', { name: query.name });
  }
  const { matching } = index;

  // Similar vocabulary per query token, then, per name holding any of it, an upper bound of its
  // score. Only names whose bound reaches the report threshold are scored.
  const similar = tokens.map((token) => similarVocabulary(index, token));
  const weights = tokens.map((token) => token.length);
  const totalWeight = weights.reduce((a, b) => a + b, 0);
  // Vocabulary id -> the query tokens it is similar to, for scoring a name token by token.
  const similarTo = new Map<number, { q: number; similarity: number }[]>();
  similar.forEach((ids, q) => {
    for (const [id, similarity] of ids) {
      const held = similarTo.get(id);
      if (held) held.push({ q, similarity });
      else similarTo.set(id, [{ q, similarity }]);
    }
  });
  // Per name, what its tokens could match at best (see `scoreBound`); postings list a name once
  // per occurrence of the token. Which query tokens hit a name is kept as a bit set, for up to
  // 31 query tokens; longer queries go without that part of the bound.
  const { agreementBound, lengthSlack, queryTokensHit, mark, touched } = index.scratch;
  const tracksQueryTokens = tokens.length <= 31;
  let touchedCount = 0;
  for (const [id, queryTokens] of similarTo) {
    const length = index.vocabulary[id].length;
    let bestAgreement = 0;
    let slack = 0;
    let bits = 0;
    for (const { q, similarity } of queryTokens) {
      bestAgreement = Math.max(bestAgreement, similarity * (weights[q] + length));
      slack = Math.max(slack, Math.abs(weights[q] - length));
      if (tracksQueryTokens) bits |= 1 << q;
    }
    for (const nameId of index.postings[id]) {
      if (agreementBound[nameId] === 0) touched[touchedCount++] = nameId;
      agreementBound[nameId] += bestAgreement;
      lengthSlack[nameId] += slack;
      queryTokensHit[nameId] |= bits;
    }
  }
  const weightOfQueryTokens = (bits: number): number => {
    if (!tracksQueryTokens) return totalWeight;
    let weight = 0;
    for (let q = 0; bits !== 0; q += 1, bits >>>= 1) if (bits & 1) weight += weights[q];
    return weight;
  };
  const SCORE = 1;
  const SPLIT = 2;
  const candidates: number[] = [];
  const take = (nameId: number, flag: number): void => {
    if (mark[nameId] === 0) candidates.push(nameId);
    mark[nameId] |= flag;
  };
  for (let t = 0; t < touchedCount; t += 1) {
    const nameId = touched[t];
    const bound = scoreBound(
      agreementBound[nameId],
      weightOfQueryTokens(queryTokensHit[nameId]),
      lengthSlack[nameId],
      totalWeight,
      index.names[nameId].weight,
      matching.surplusTokenCost,
    );
    if (bound >= reportThreshold) take(nameId, SCORE);
  }
  // Names that split words differently from the query are compared written without spaces too.
  for (let i = 0; i + 1 < tokens.length; i += 1) {
    for (const id of splitCounterparts(index, tokens[i], tokens[i + 1])) for (const nameId of index.postings[id]) take(nameId, SPLIT);
  }
  for (const token of tokens) for (const nameId of index.joinedPairs.get(token) ?? []) take(nameId, SPLIT);
  const flags = candidates.map((nameId) => mark[nameId]);
  for (let t = 0; t < touchedCount; t += 1) {
    const nameId = touched[t];
    agreementBound[nameId] = 0;
    lengthSlack[nameId] = 0;
    queryTokensHit[nameId] = 0;
  }
  for (const nameId of candidates) mark[nameId] = 0;

  const compactQuery = tokens.join('');
  const best = new Map<number, { nameId: number; score: number; band: ScreeningBand; reviewOnly?: ScreeningCandidate['reviewOnly'] }>();
  const pairs: TokenPair[] = [];
  for (let k = 0; k < candidates.length; k += 1) {
    const nameId = candidates[k];
    const name = index.names[nameId];
    pairs.length = 0;
    for (let c = 0; c < name.tokenIds.length; c += 1) {
      for (const { q, similarity } of similarTo.get(name.tokenIds[c]) ?? []) pairs.push({ q, c, similarity });
    }
    let match = scoreTokenAlignment(weights, name.weights, pairs, matching.surplusTokenCost);
    if (flags[k] & SPLIT && compactLengthsAllow(compactQuery, name.compact, reportThreshold)) {
      match = betterMatch(match, compactSimilarity(compactQuery, name.compact, reportThreshold));
    }
    const entry = index.entries[name.entry];
    let score = match.score;
    if (entityTypesConflict(query.entityType, entry.entityType)) score *= matching.entityTypeMismatchFactor;
    score = round(score);
    if (score < reportThreshold || score === 0) continue;
    let band = bandFor(score, thresholds);
    let reviewOnly: ScreeningCandidate['reviewOnly'];
    if (band === 'block' && name.nameType === 'weak aka') reviewOnly = 'weak alias'; // OFAC: weak a.k.a.s are broad
    else if (band === 'block' && !match.wholeName) reviewOnly = 'partial name';
    if (reviewOnly) band = 'review';
    const held = best.get(name.entry);
    if (!held || SEVERITY[band] > SEVERITY[held.band] || (band === held.band && score > held.score)) best.set(name.entry, { nameId, score, band, reviewOnly });
  }

  const entryKey = (nameId: number): string => {
    const entry = index.entries[index.names[nameId].entry];
    return `${entry.listId}/${entry.entryId}`;
  };
  const ranked = [...best.values()].sort((x, y) => SEVERITY[y.band] - SEVERITY[x.band] || y.score - x.score || entryKey(x.nameId).localeCompare(entryKey(y.nameId)));
  const country = query.country?.trim().toLowerCase();
  const listed: ScreeningCandidate[] = ranked.slice(0, limit).map(({ nameId, score, band, reviewOnly }) => {
    const name = index.names[nameId];
    const entry = index.entries[name.entry];
    const candidate: ScreeningCandidate = {
      listId: entry.listId,
      source: entry.source,
      entryId: entry.entryId,
      name: entry.name,
      matchedName: name.name,
      matchedNameType: name.nameType,
      score,
      band,
      ...(reviewOnly ? { reviewOnly } : {}),
      entityType: entry.entityType,
      programs: entry.programs,
      countries: entry.countries,
    };
    if (country && entry.countries.length > 0) candidate.countryMatch = entry.countries.some((c) => c.toLowerCase() === country);
    return candidate;
  });

  return {
    query: { ...query },
    normalisedQuery: tokens.join(' '),
    band: ranked.length > 0 ? ranked[0].band : 'clear',
    topScore: ranked.reduce((top, r) => Math.max(top, r.score), 0),
    candidates: listed,
    ...(index.listVersion ? { listVersion: index.listVersion } : {}),
    thresholds: { ...thresholds, reportThreshold },
  };
}
