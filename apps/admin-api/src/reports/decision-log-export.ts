import { Readable } from 'node:stream';
import type { Pool } from 'pg';
import { csvRow } from './csv';

export interface DecisionExportFilter {
  from: Date;
  to: Date;
  partnerId?: string;
  model?: string;
  allow?: boolean;
}

export const DECISION_CSV_HEADER = ['decisionId', 'decidedAt', 'position', 'partnerId', 'userId', 'model', 'clientIp', 'country', 'allow', 'reasons', 'licenseId', 'dataVersions'];

/** Rows read per query: enough to keep round trips few, small enough that memory never depends on the range. */
const BATCH = 2000;

interface DecisionRow {
  id: string;
  decided_at: Date;
  /** decided_at as PostgreSQL prints it: exact to the microsecond, so the next page starts exactly after this row. */
  cursor_at: string;
  position: string;
  partner_id: string | null;
  user_id: string | null;
  model: string;
  client_ip: string | null;
  country: string | null;
  allow: boolean;
  reasons: string[] | null;
  license_id: string | null;
  data_versions: unknown;
}

/** One page after the keyset (decided_at, id), in that order, served by the decided_at (or partner, decided_at) index. */
function pageQuery(filter: DecisionExportFilter, after: { at: string; id: string } | null): { text: string; values: unknown[] } {
  const values: unknown[] = [filter.from, filter.to];
  const conditions = ['decided_at >= $1', 'decided_at < $2'];
  const where = (sql: (param: string) => string, value: unknown) => {
    values.push(value);
    conditions.push(sql(`$${values.length}`));
  };
  if (filter.partnerId !== undefined) where((p) => `partner_id = ${p}`, filter.partnerId);
  if (filter.model !== undefined) where((p) => `model = ${p}`, filter.model);
  if (filter.allow !== undefined) where((p) => `allow = ${p}`, filter.allow);
  if (after !== null) {
    values.push(after.at, after.id);
    conditions.push(`(decided_at, id) > ($${values.length - 1}::timestamptz, $${values.length})`);
  }
  values.push(BATCH);
  return {
    text: `SELECT id, decided_at, decided_at::text AS cursor_at, position::text AS position, partner_id, user_id, model, client_ip, country,
             allow, reasons, license_id, data_versions
           FROM decision_log WHERE ${conditions.join(' AND ')}
           ORDER BY decided_at, id LIMIT $${values.length}`,
    values,
  };
}

function toCsv(row: DecisionRow): string {
  return csvRow([
    row.id,
    row.decided_at.toISOString(),
    row.position,
    row.partner_id,
    row.user_id,
    row.model,
    row.client_ip,
    row.country,
    row.allow,
    (row.reasons ?? []).join(';'),
    row.license_id,
    JSON.stringify(row.data_versions),
  ]);
}

async function* decisionCsvChunks(pool: Pool, filter: DecisionExportFilter): AsyncGenerator<string> {
  yield csvRow(DECISION_CSV_HEADER);
  let after: { at: string; id: string } | null = null;
  for (;;) {
    const { text, values } = pageQuery(filter, after);
    const { rows } = await pool.query<DecisionRow>(text, values);
    if (rows.length > 0) yield rows.map(toCsv).join('');
    if (rows.length < BATCH) return;
    const last = rows[rows.length - 1];
    after = { at: last.cursor_at, id: last.id };
  }
}

/**
 * The decision log of a time range as CSV, read one page at a time as the reply stream asks for more:
 * the next page is queried only once the previous one was taken by the client, so memory stays at
 * one page whatever the range holds.
 */
export function decisionLogCsv(pool: Pool, filter: DecisionExportFilter): Readable {
  return Readable.from(decisionCsvChunks(pool, filter), { objectMode: false, highWaterMark: 64 * 1024 });
}
