/** Which files a set of entries came from: recorded with every screening decision. */
export interface RestrictedPartyListVersion {
  /** sha256 over every file's contents, in a fixed order of roles. */
  hash: string;
  /** When the files were loaded, as the caller's clock said. */
  loadedAt: string;
  files: RestrictedPartyListFileVersion[];
}

export interface RestrictedPartyListFileVersion {
  role: RestrictedPartyListRole;
  /** The file's base name. */
  name: string;
  sha256: string;
  /** Records parsed: entries for primary files, alias or address rows for OFAC's alt and add files. */
  entries: number;
  /** Records that could not be used (see the loader's progress report for the reasons). */
  skipped: number;
}

/** The files an import reads, in the order their contents enter the version hash. */
export const RESTRICTED_PARTY_LIST_ROLES = ['ofacSdn', 'ofacAlt', 'ofacAdd', 'bisDpl', 'csl'] as const;
export type RestrictedPartyListRole = (typeof RESTRICTED_PARTY_LIST_ROLES)[number];
