import { createHash } from 'node:crypto';
import type { RestrictedPartyEntry } from './restricted-party';

/** A row a parser could not turn into (part of) an entry, kept so an import can report it. */
export interface SkippedRow {
  /** 1-based record number in its file (header included where the file has one). */
  record: number;
  reason: string;
}

export interface ListParseResult {
  entries: RestrictedPartyEntry[];
  skipped: SkippedRow[];
}

/** A short, stable id for lists whose rows carry none: the digest of the row's identifying fields. */
export function rowDigest(fields: string[]): string {
  return createHash('sha256').update(fields.join('\u001f')).digest('hex').slice(0, 16);
}

/** Makes ids unique within one list: a repeated id gets `-2`, `-3`, ... in file order. */
export function uniqueIds(): (id: string) => string {
  const seen = new Map<string, number>();
  return (id) => {
    const count = (seen.get(id) ?? 0) + 1;
    seen.set(id, count);
    return count === 1 ? id : `${id}-${count}`;
  };
}

/** Distinct non-empty values, first occurrence first. */
export function distinct(values: string[]): string[] {
  return [...new Set(values.map((v) => v.trim()).filter((v) => v !== ''))];
}
