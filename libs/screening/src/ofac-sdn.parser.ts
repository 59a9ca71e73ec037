import { parseDelimited } from './delimited-text';
import { distinct, ListParseResult, SkippedRow } from './list-parse-result';
import type { AliasType, PartyEntityType, RestrictedPartyEntry } from './restricted-party';

/** The three files of OFAC's legacy SDN format, as text. */
export interface OfacSdnFiles {
  /** sdn.csv: ent_num, SDN_Name, SDN_Type, Program, Title, Call_Sign, Vess_type, Tonnage, GRT, Vess_flag, Vess_owner, Remarks */
  sdn: string;
  /** alt.csv: ent_num, alt_num, alt_type, alt_name, alt_remarks */
  alt?: string;
  /** add.csv: ent_num, add_num, address, city_state_zip, country, add_remarks */
  add?: string;
}

export interface OfacSdnParseResult extends ListParseResult {
  /** Rows per file, so an import can be checked against the files' line counts. */
  rows: { sdn: number; alt: number; add: number };
}

/** OFAC writes `-0-` (often followed by a space) for an empty field. */
function value(field: string | undefined): string {
  const trimmed = (field ?? '').trim();
  return trimmed === '-0-' ? '' : trimmed;
}

const ALT_TYPES = new Map<string, AliasType>([
  ['aka', 'aka'],
  ['fka', 'fka'],
  ['nka', 'nka'],
]);

function entityType(sdnType: string): PartyEntityType {
  switch (sdnType.toLowerCase()) {
    case 'individual':
      return 'individual';
    case 'vessel':
      return 'vessel';
    case 'aircraft':
      return 'aircraft';
    case '':
      return 'entity'; // OFAC leaves the type empty for entities
    default:
      return 'unknown';
  }
}

/** `SDGT] [IFSR` -> ['SDGT', 'IFSR']: OFAC joins several programs with `] [`. */
function programs(field: string): string[] {
  return distinct(field.split(/\]\s*\[/).map((p) => p.replace(/[[\]]/g, '')));
}

/**
 * Weak aliases live only in the remarks: `a.k.a. 'PACHO'; a.k.a. 'H7'.` A name may itself hold an
 * apostrophe (`'ABU-'UMAR'`), so a name ends at a quote followed by `;`, `.`+space, or the end.
 */
const WEAK_ALIAS = /\b[afn]\.k\.a\.\s+'(.+?)'(?=\s*;|\.?\s*$|\.\s|,)/g;

function weakAliases(remarks: string): string[] {
  return distinct([...remarks.matchAll(WEAK_ALIAS)].map((m) => m[1]));
}

const NATIONALITY = /\b(?:nationality|citizen)\s+([^;.]+)/g;

function nationalities(remarks: string): string[] {
  return distinct([...remarks.matchAll(NATIONALITY)].map((m) => m[1]));
}

/** Joins OFAC's sdn, alt and add files by ent_num into one entry per listed party. */
export function parseOfacSdn(files: OfacSdnFiles): OfacSdnParseResult {
  const skipped: SkippedRow[] = [];
  const byEntNum = new Map<string, RestrictedPartyEntry>();
  const entries: RestrictedPartyEntry[] = [];

  const sdnRows = parseDelimited(files.sdn);
  sdnRows.forEach((row, k) => {
    const entNum = value(row[0]);
    const name = value(row[1]);
    if (!/^\d+$/.test(entNum) || name === '') {
      skipped.push({ record: k + 1, reason: `sdn: no ent_num or name in ${JSON.stringify(row.slice(0, 2))}` });
      return;
    }
    if (byEntNum.has(entNum)) {
      skipped.push({ record: k + 1, reason: `sdn: repeated ent_num ${entNum}` });
      return;
    }
    const remarks = value(row[11]);
    const entry: RestrictedPartyEntry = {
      listId: 'OFAC-SDN',
      source: 'SDN',
      entryId: entNum,
      name,
      aliases: [],
      entityType: entityType(value(row[2])),
      programs: programs(value(row[3])),
      addresses: [],
      countries: nationalities(remarks),
      remarks,
    };
    byEntNum.set(entNum, entry);
    entries.push(entry);
  });

  const altRows = files.alt ? parseDelimited(files.alt) : [];
  altRows.forEach((row, k) => {
    const entry = byEntNum.get(value(row[0]));
    const name = value(row[3]);
    const type = ALT_TYPES.get(value(row[2]).toLowerCase());
    if (!entry || name === '' || !type) {
      skipped.push({ record: k + 1, reason: `alt: ${entry ? 'no name or unknown alt_type' : `unknown ent_num ${value(row[0])}`}` });
      return;
    }
    entry.aliases.push({ name, type });
  });

  const addRows = files.add ? parseDelimited(files.add) : [];
  addRows.forEach((row, k) => {
    const entry = byEntNum.get(value(row[0]));
    if (!entry) {
      skipped.push({ record: k + 1, reason: `add: unknown ent_num ${value(row[0])}` });
      return;
    }
    const address = { address: value(row[2]), city: value(row[3]), country: value(row[4]) };
    if (address.address === '' && address.city === '' && address.country === '') return;
    entry.addresses.push(address);
  });

  for (const entry of entries) {
    // Strong aliases first, then the weak ones from the remarks.
    for (const alias of weakAliases(entry.remarks)) entry.aliases.push({ name: alias, type: 'weak aka' });
    entry.countries = distinct([...entry.addresses.map((a) => a.country), ...entry.countries]);
  }
  return { entries, skipped, rows: { sdn: sdnRows.length, alt: altRows.length, add: addRows.length } };
}
