// Restricted-party screening: list parsers and loader (the only I/O), name normalisation, fuzzy
// name matching, and the screening index.

// Lists: one entry shape for every list, parsers per format, the loader and the list version.
export type { AliasType, ListId, PartyAddress, PartyAlias, PartyEntityType, RestrictedPartyEntry } from './restricted-party';
export { parseDelimited, parseDelimitedWithHeader } from './delimited-text';
export { distinct, rowDigest, uniqueIds } from './list-parse-result';
export type { ListParseResult, SkippedRow } from './list-parse-result';
export { parseOfacSdn } from './ofac-sdn.parser';
export type { OfacSdnFiles, OfacSdnParseResult } from './ofac-sdn.parser';
export { parseBisDpl } from './bis-dpl.parser';
export type { BisDplParseResult } from './bis-dpl.parser';
export { parseCsl } from './csl.parser';
export type { CslParseResult } from './csl.parser';
export { RESTRICTED_PARTY_LIST_ROLES } from './restricted-party-list-version';
export type { RestrictedPartyListFileVersion, RestrictedPartyListRole, RestrictedPartyListVersion } from './restricted-party-list-version';
export { loadRestrictedPartyLists } from './restricted-party-lists.loader';
export type { LoadedRestrictedPartyLists, LoadRestrictedPartyListsOptions, RestrictedPartyListFiles, RestrictedPartyListProgress } from './restricted-party-lists.loader';

// Matching: pure.
export { looksLikeOrganisation, normaliseName } from './name-normalisation';
export type { NormalisedName } from './name-normalisation';
export { boundedOsaDistance, deletionNeighbourhood, jaroWinkler } from './string-similarity';
export {
  allowedEdits,
  betterMatch,
  compactSimilarity,
  DEFAULT_MATCHING_CONFIG,
  isJoinedPair,
  matchTokens,
  nameSimilarity,
  scoreTokenAlignment,
  splitsWordsDifferently,
  tokenSimilarity,
} from './name-similarity';
export type { MatchingConfig, NameMatch, TokenPair } from './name-similarity';
export { buildScreeningIndex, similarVocabulary } from './screening-index';
export type { IndexedName, MatchedNameType, ScreeningIndex, ScreeningIndexOptions, ScreeningScratch } from './screening-index';
export { bandFor, screen } from './screen';
export type { ScreeningBand, ScreeningCandidate, ScreeningEvidence, ScreeningQuery, ScreeningThresholds } from './screen';
