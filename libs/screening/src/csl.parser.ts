import { parseDelimitedWithHeader } from './delimited-text';
import { distinct, ListParseResult, rowDigest, uniqueIds } from './list-parse-result';
import type { PartyAddress, PartyEntityType, RestrictedPartyEntry } from './restricted-party';

export interface CslParseResult extends ListParseResult {
  rows: number;
}

/** `Entity List (EL) - Bureau of Industry and Security` -> `EL`. */
function sourceCode(source: string): string {
  return /\(([A-Z0-9]+)\)/.exec(source)?.[1] ?? source.trim();
}

const ENTITY_TYPES = new Map<string, PartyEntityType>([
  ['individual', 'individual'],
  ['entity', 'entity'],
  ['vessel', 'vessel'],
  ['aircraft', 'aircraft'],
]);

function entityType(type: string): PartyEntityType {
  return ENTITY_TYPES.get(type.trim().toLowerCase()) ?? 'unknown';
}

const list = (field: string): string[] => distinct(field.split(';'));

/**
 * `street, city, [region,] [postcode,] CC; ...`: the CSL ends each address with an alpha-2 country
 * code. The city line keeps a postcode (a part with a digit) after the city, as OFAC writes it.
 */
function addresses(field: string): PartyAddress[] {
  return list(field).map((line) => {
    const parts = line.split(',').map((p) => p.trim());
    const country = parts[parts.length - 1];
    if (!/^[A-Z]{2}$/.test(country)) return { address: line, city: '', country: '' };
    parts.pop();
    const postcode = parts.length > 1 && /\d/.test(parts[parts.length - 1]) ? (parts.pop() as string) : '';
    const city = parts.length > 1 ? (parts.pop() as string) : '';
    return { address: parts.join(', '), city: [city, postcode].filter(Boolean).join(' '), country };
  });
}

/**
 * `alt_names` separated by `;`. Some sources write an English list (`A; B; and C.`), so a leading
 * `and` and a trailing full stop are dropped.
 */
function altNames(field: string): string[] {
  return distinct(list(field).map((n) => n.replace(/^and\s+/i, '').replace(/\.$/, '')));
}

/** The trade.gov Consolidated Screening List CSV (with header). */
export function parseCsl(text: string): CslParseResult {
  const rows = parseDelimitedWithHeader(text, ',');
  const unique = uniqueIds();
  const entries: RestrictedPartyEntry[] = [];
  const skipped: CslParseResult['skipped'] = [];
  rows.forEach((row, k) => {
    const field = (column: string): string => (row[column] ?? '').trim();
    const name = field('name');
    if (name === '') {
      skipped.push({ record: k + 2, reason: 'csl: no name' });
      return;
    }
    const source = sourceCode(field('source'));
    const addressList = addresses(field('addresses'));
    const entryId = field('entity_number') || rowDigest([source, name, field('addresses'), field('start_date')]);
    entries.push({
      listId: 'CSL',
      source,
      entryId: unique(`${source}-${entryId}`),
      name,
      aliases: altNames(field('alt_names')).map((alias) => ({ name: alias, type: 'aka' as const })),
      entityType: entityType(field('type')),
      programs: list(field('programs')),
      addresses: addressList,
      countries: distinct([...addressList.map((a) => a.country), ...list(field('citizenships')), ...list(field('nationalities'))]),
      remarks: field('remarks'),
    });
  });
  return { entries, skipped, rows: rows.length };
}
