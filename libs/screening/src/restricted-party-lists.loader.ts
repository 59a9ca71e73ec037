import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { DomainError } from '@app/domain';
import { parseBisDpl } from './bis-dpl.parser';
import { parseCsl } from './csl.parser';
import type { SkippedRow } from './list-parse-result';
import { parseOfacSdn } from './ofac-sdn.parser';
import type { RestrictedPartyEntry } from './restricted-party';
import { RESTRICTED_PARTY_LIST_ROLES, RestrictedPartyListFileVersion, RestrictedPartyListRole, RestrictedPartyListVersion } from './restricted-party-list-version';

/** Paths of the files to import. OFAC's alt and add files need its sdn file; any list may be left out. */
export type RestrictedPartyListFiles = Partial<Record<RestrictedPartyListRole, string>>;

/** One file parsed: what the import command prints as it goes. */
export interface RestrictedPartyListProgress {
  role: RestrictedPartyListRole;
  path: string;
  /** Records read from the file (the header excluded). */
  records: number;
  /** Entries (or alias and address rows, for OFAC's alt and add files) taken from it. */
  entries: number;
  skipped: SkippedRow[];
  sha256: string;
}

export interface LoadRestrictedPartyListsOptions {
  /** The caller's clock: recorded as the version's `loadedAt`. */
  loadedAt: Date;
  onProgress?: (progress: RestrictedPartyListProgress) => void;
}

export interface LoadedRestrictedPartyLists {
  entries: RestrictedPartyEntry[];
  version: RestrictedPartyListVersion;
}

/** The lists are published as UTF-8 or, for OFAC's legacy files, Windows-1252 / Latin-1. */
function decode(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('latin1').decode(bytes);
  }
}

/**
 * Reads and parses the restricted-party list files into one set of entries, with a version that
 * names the exact file contents used. Files are read once; parsing is synchronous per file.
 */
export async function loadRestrictedPartyLists(files: RestrictedPartyListFiles, options: LoadRestrictedPartyListsOptions): Promise<LoadedRestrictedPartyLists> {
  if ((files.ofacAlt || files.ofacAdd) && !files.ofacSdn) {
    throw new DomainError('SCREENING.OFAC_SDN_FILE_MISSING', "OFAC's alt and add files need its sdn file", 'invalid', { ...files });
  }
  const roles = RESTRICTED_PARTY_LIST_ROLES.filter((role) => files[role] !== undefined);
  if (roles.length === 0) throw new DomainError('SCREENING.NO_LIST_FILES', 'No restricted-party list file given', 'invalid');

  const contents = new Map<RestrictedPartyListRole, Buffer>();
  for (const role of roles) contents.set(role, await readFile(files[role] as string));
  const text = (role: RestrictedPartyListRole): string | undefined => {
    const bytes = contents.get(role);
    return bytes ? decode(bytes) : undefined;
  };

  const fileVersions: RestrictedPartyListFileVersion[] = [];
  const report = (role: RestrictedPartyListRole, records: number, entries: number, skipped: SkippedRow[]): void => {
    const path = files[role] as string;
    const sha256 = createHash('sha256').update(contents.get(role) as Buffer).digest('hex');
    fileVersions.push({ role, name: basename(path), sha256, entries, skipped: skipped.length });
    options.onProgress?.({ role, path, records, entries, skipped, sha256 });
  };

  const entries: RestrictedPartyEntry[] = [];
  const sdn = text('ofacSdn');
  if (sdn !== undefined) {
    const ofac = parseOfacSdn({ sdn, alt: text('ofacAlt'), add: text('ofacAdd') });
    const skippedIn = (prefix: string): SkippedRow[] => ofac.skipped.filter((row) => row.reason.startsWith(prefix));
    report('ofacSdn', ofac.rows.sdn, ofac.entries.length, skippedIn('sdn:'));
    if (files.ofacAlt) report('ofacAlt', ofac.rows.alt, ofac.rows.alt - skippedIn('alt:').length, skippedIn('alt:'));
    if (files.ofacAdd) report('ofacAdd', ofac.rows.add, ofac.rows.add - skippedIn('add:').length, skippedIn('add:'));
    entries.push(...ofac.entries);
  }
  const dplText = text('bisDpl');
  if (dplText !== undefined) {
    const dpl = parseBisDpl(dplText);
    report('bisDpl', dpl.rows, dpl.entries.length, dpl.skipped);
    entries.push(...dpl.entries);
  }
  const cslText = text('csl');
  if (cslText !== undefined) {
    const csl = parseCsl(cslText);
    report('csl', csl.rows, csl.entries.length, csl.skipped);
    entries.push(...csl.entries);
  }

  // Role, length and bytes of each file in the fixed role order: no two file sets share a hash input.
  const hash = createHash('sha256');
  for (const role of roles) {
    const bytes = contents.get(role) as Buffer;
    hash.update(`${role}\0${bytes.length}\0`);
    hash.update(bytes);
  }
  return {
    entries,
    version: { hash: hash.digest('hex'), loadedAt: options.loadedAt.toISOString(), files: fileVersions },
  };
}
