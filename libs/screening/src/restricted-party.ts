/** The lists we screen against. */
export type ListId = 'OFAC-SDN' | 'BIS-DPL' | 'CSL';

export type PartyEntityType = 'individual' | 'entity' | 'vessel' | 'aircraft' | 'unknown';

/**
 * How a listed name relates to its entry. `weak aka` is OFAC's "weak alias" from the remarks
 * field: broad nicknames OFAC itself says are not meant to be screened on their own, so a match
 * on one alone is never stronger than a review.
 */
export type AliasType = 'aka' | 'fka' | 'nka' | 'weak aka';

export interface PartyAlias {
  name: string;
  type: AliasType;
}

export interface PartyAddress {
  address: string;
  city: string;
  country: string;
}

/** One listed party, whichever list it came from. */
export interface RestrictedPartyEntry {
  listId: ListId;
  /** The list inside the list: 'SDN' for OFAC, 'DPL' for BIS, the CSL source code (EL, SDN, SSI, ...). */
  source: string;
  /** Stable within a list: OFAC ent_num, CSL entity_number, or a digest of the row where the list has none. */
  entryId: string;
  name: string;
  aliases: PartyAlias[];
  entityType: PartyEntityType;
  programs: string[];
  addresses: PartyAddress[];
  /** As the list writes them: OFAC uses country names, BIS and the CSL ISO 3166 alpha-2 codes. */
  countries: string[];
  remarks: string;
}
