import type { Pool } from 'pg';
import type { RecordedEvent } from './event';
import { EVENT_COLUMNS, toRecordedEvent } from './rows';

/** Who did what, when, to whom: every filter optional, times as instants (occurredAt, from inclusive, to exclusive). */
export interface AuditTrailFilter {
  actorId?: string;
  partnerId?: string;
  type?: string;
  streamId?: string;
  from?: Date;
  to?: Date;
}

export interface AuditTrailPage {
  events: RecordedEvent[];
  /** True when events beyond this page match too. */
  hasMore: boolean;
}

// The expressions of migration 20261121070000_audit_trail_indexes, written exactly as indexed.
const ACTOR = "(metadata->>'actorId')";
const PARTNER = "(data->>'partnerId')";
const OCCURRED = `(metadata->>'occurredAt') COLLATE "C"`;

/** The SQL of one page of the audit trail (exported so a test can EXPLAIN exactly what runs). */
export function auditTrailQuery(filter: AuditTrailFilter, page: { limit: number; offset: number }): { text: string; values: unknown[] } {
  const conditions: string[] = [];
  const values: unknown[] = [];
  const where = (sql: (param: string) => string, value: unknown) => {
    values.push(value);
    conditions.push(sql(`$${values.length}`));
  };
  if (filter.actorId !== undefined) where((p) => `${ACTOR} = ${p}`, filter.actorId);
  if (filter.partnerId !== undefined) where((p) => `${PARTNER} = ${p}`, filter.partnerId);
  if (filter.type !== undefined) where((p) => `type = ${p}`, filter.type);
  if (filter.streamId !== undefined) where((p) => `stream_id = ${p}`, filter.streamId);
  if (filter.from !== undefined) where((p) => `${OCCURRED} >= ${p}`, filter.from.toISOString());
  if (filter.to !== undefined) where((p) => `${OCCURRED} < ${p}`, filter.to.toISOString());
  values.push(page.limit, page.offset);
  const text = `SELECT ${EVENT_COLUMNS} FROM events
      ${conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : ''}
      ORDER BY ${OCCURRED} DESC, global_position DESC
      LIMIT $${values.length - 1} OFFSET $${values.length}`;
  return { text, values };
}

/**
 * Events matching the filter, newest fact first. Each filter is served by an index (actor, partner,
 * type, stream, or occurred time), never by scanning the log; occurredAt is compared as the fixed-width
 * ISO-8601 UTC text every event carries.
 */
export async function readAuditTrail(pool: Pool, filter: AuditTrailFilter, page: { limit: number; offset: number }): Promise<AuditTrailPage> {
  // One row more than asked tells whether another page follows, without counting every match.
  const { text, values } = auditTrailQuery(filter, { limit: page.limit + 1, offset: page.offset });
  const { rows } = await pool.query(text, values);
  return { events: rows.slice(0, page.limit).map(toRecordedEvent), hasMore: rows.length > page.limit };
}
