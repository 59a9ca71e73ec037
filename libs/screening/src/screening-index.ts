import { normaliseName } from './name-normalisation';
import { allowedEdits, DEFAULT_MATCHING_CONFIG, MatchingConfig, tokenSimilarity } from './name-similarity';
import type { AliasType, RestrictedPartyEntry } from './restricted-party';
import type { RestrictedPartyListVersion } from './restricted-party-list-version';
import { deletionNeighbourhood } from './string-similarity';

export type MatchedNameType = 'primary' | AliasType;

/** One screenable name: an entry's primary name or one of its aliases, normalised. */
export interface IndexedName {
  entry: number;
  name: string;
  nameType: MatchedNameType;
  tokens: string[];
  /** Vocabulary ids of `tokens`, position by position. */
  tokenIds: Int32Array;
  weights: Int32Array;
  /** Sum of `weights`. */
  weight: number;
  compact: string;
}

/**
 * Everything `screen` reads, built once from the entries. Candidate generation has three parts:
 * an inverted index from each distinct token to the names holding it; a symmetric-deletion index
 * from the vocabulary's deletion neighbourhoods to tokens, to find every token within the allowed
 * edits of a query token without comparing against the whole vocabulary; and the names' adjacent
 * tokens run together, to find names that split words differently from the query.
 */
export interface ScreeningIndex {
  readonly entries: readonly RestrictedPartyEntry[];
  readonly names: readonly IndexedName[];
  readonly vocabulary: readonly string[];
  readonly tokenIds: ReadonlyMap<string, number>;
  /** Token id -> ids of the names holding it, a name once per occurrence of the token. */
  readonly postings: readonly Int32Array[];
  /** Deletion-neighbourhood key -> token ids. */
  readonly deletions: ReadonlyMap<string, number | number[]>;
  /** Two adjacent tokens of a name, run together -> ids of the names. */
  readonly joinedPairs: ReadonlyMap<string, number[]>;
  readonly matching: MatchingConfig;
  readonly listVersion?: RestrictedPartyListVersion;
  /**
   * Per-name working memory for one `screen` call, left all zero after it. Reused rather than
   * allocated per call: three arrays the size of the name list per name screened would keep the
   * garbage collector busy. Safe because `screen` is synchronous.
   */
  readonly scratch: ScreeningScratch;
}

export interface ScreeningScratch {
  agreementBound: Float64Array;
  lengthSlack: Int32Array;
  queryTokensHit: Int32Array;
  mark: Uint8Array;
  /** Ids of the names touched so far, in `touched[0 .. count)`. */
  touched: Int32Array;
}

export interface ScreeningIndexOptions {
  matching?: Partial<MatchingConfig>;
  /** Recorded on every screening result, so a decision names the list snapshot it used. */
  listVersion?: RestrictedPartyListVersion;
}

export function buildScreeningIndex(entries: readonly RestrictedPartyEntry[], options: ScreeningIndexOptions = {}): ScreeningIndex {
  const names: IndexedName[] = [];
  const vocabulary: string[] = [];
  const tokenIds = new Map<string, number>();
  const postingLists: number[][] = [];
  const joinedPairs = new Map<string, number[]>();

  const tokenId = (token: string): number => {
    let id = tokenIds.get(token);
    if (id === undefined) {
      id = vocabulary.length;
      tokenIds.set(token, id);
      vocabulary.push(token);
      postingLists.push([]);
    }
    return id;
  };

  entries.forEach((entry, entryIndex) => {
    const seen = new Set<string>();
    const add = (name: string, nameType: MatchedNameType): void => {
      const { tokens, key } = normaliseName(name);
      if (tokens.length === 0 || seen.has(key)) return; // an alias spelt like the name, or reordered, adds nothing
      seen.add(key);
      const nameId = names.length;
      const ids = Int32Array.from(tokens, tokenId);
      const weights = Int32Array.from(tokens, (t) => t.length);
      const weight = weights.reduce((a, b) => a + b, 0);
      names.push({ entry: entryIndex, name, nameType, tokens, tokenIds: ids, weights, weight, compact: tokens.join('') });
      for (const id of ids) postingLists[id].push(nameId); // once per occurrence: screening's score bound counts them
      for (let i = 0; i + 1 < tokens.length; i += 1) {
        const joined = tokens[i] + tokens[i + 1];
        const list = joinedPairs.get(joined);
        if (!list) joinedPairs.set(joined, [nameId]);
        else if (list[list.length - 1] !== nameId) list.push(nameId);
      }
    };
    add(entry.name, 'primary');
    for (const alias of entry.aliases) add(alias.name, alias.type);
  });

  const deletions = new Map<string, number | number[]>();
  vocabulary.forEach((token, id) => {
    for (const key of deletionNeighbourhood(token, allowedEdits(token.length))) {
      const held = deletions.get(key);
      if (held === undefined) deletions.set(key, id);
      else if (typeof held === 'number') deletions.set(key, [held, id]);
      else held.push(id);
    }
  });

  return {
    entries,
    names,
    vocabulary,
    tokenIds,
    postings: postingLists.map((list) => Int32Array.from(list)),
    deletions,
    joinedPairs,
    matching: { ...DEFAULT_MATCHING_CONFIG, ...options.matching },
    listVersion: options.listVersion,
    scratch: {
      agreementBound: new Float64Array(names.length),
      lengthSlack: new Int32Array(names.length),
      queryTokensHit: new Int32Array(names.length),
      mark: new Uint8Array(names.length),
      touched: new Int32Array(names.length),
    },
  };
}

/** Vocabulary tokens that count as `token` (within the allowed edits), with their similarity. */
export function similarVocabulary(index: ScreeningIndex, token: string): Map<number, number> {
  const found = new Map<number, number>();
  const exact = index.tokenIds.get(token);
  if (exact !== undefined) found.set(exact, 1);
  const depth = allowedEdits(token.length);
  if (depth === 0) return found;
  for (const key of deletionNeighbourhood(token, depth)) {
    const held = index.deletions.get(key);
    if (held === undefined) continue;
    if (typeof held === 'number') consider(held);
    else for (const id of held) consider(id);
  }
  return found;

  function consider(id: number): void {
    if (found.has(id)) return;
    const similarity = tokenSimilarity(token, index.vocabulary[id]);
    if (similarity > 0) found.set(id, similarity);
  }
}
