import { parseDelimitedWithHeader } from './delimited-text';
import { distinct, ListParseResult, rowDigest, uniqueIds } from './list-parse-result';
import { looksLikeOrganisation } from './name-normalisation';
import type { RestrictedPartyEntry } from './restricted-party';

export interface BisDplParseResult extends ListParseResult {
  rows: number;
}

/**
 * The BIS Denied Persons List: tab-separated, quoted, one row per (party, address). The list
 * carries no id and no party type, so the id is a digest of the row and the type is `entity` only
 * when the name holds a legal form (LTD, LLC, ...), else `unknown`.
 */
export function parseBisDpl(text: string): BisDplParseResult {
  const rows = parseDelimitedWithHeader(text, '\t');
  const unique = uniqueIds();
  const entries: RestrictedPartyEntry[] = [];
  const skipped: BisDplParseResult['skipped'] = [];
  rows.forEach((row, k) => {
    const field = (column: string): string => (row[column] ?? '').trim();
    const name = field('Name');
    if (name === '') {
      skipped.push({ record: k + 2, reason: 'dpl: no name' });
      return;
    }
    const country = field('Country');
    const cityLine = [field('City'), [field('State'), field('Postal_Code')].filter(Boolean).join(' ')].filter(Boolean).join(', ');
    const identity = ['Name', 'Street_Address', 'City', 'State', 'Country', 'Postal_Code', 'Effective_Date'].map(field);
    const period = [field('Effective_Date') && `effective ${field('Effective_Date')}`, field('Expiration_Date') && `expires ${field('Expiration_Date')}`];
    entries.push({
      listId: 'BIS-DPL',
      source: 'DPL',
      entryId: unique(`DPL-${rowDigest(identity)}`),
      name,
      aliases: [],
      entityType: looksLikeOrganisation(name) ? 'entity' : 'unknown',
      programs: [],
      addresses: field('Street_Address') || cityLine || country ? [{ address: field('Street_Address'), city: cityLine, country }] : [],
      countries: distinct([country]),
      remarks: [...period, field('Action'), field('FR_Citation')].filter(Boolean).join('; '),
    });
  });
  return { entries, skipped, rows: rows.length };
}
