import { Readable } from 'node:stream';
import type { Pool } from 'pg';
import { DECISION_COLUMNS, DecisionFilter, DecisionRow, decisionWhere } from '../decisions/decision-log-query';
import { csvRow } from './csv';

export interface DecisionExportFilter extends DecisionFilter {
  from: Date;
  to: Date;
}

export const DECISION_CSV_HEADER = ['decisionId', 'decidedAt', 'position', 'partnerId', 'userId', 'model', 'clientIp', 'country', 'allow', 'reasons', 'licenseId', 'dataVersions'];

/** Rows fetched per round trip: enough to keep round trips few, small enough that memory never depends on the range. */
const BATCH = 2000;

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

/**
 * One ordered query over the range, read through a cursor: the decisions live in batches, so a page
 * query per 2,000 rows would read every later batch of the range again for each page.
 */
async function* decisionCsvChunks(pool: Pool, filter: DecisionExportFilter): AsyncGenerator<string> {
  yield csvRow(DECISION_CSV_HEADER);
  const where = decisionWhere(filter);
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN READ ONLY');
    await client.query(`DECLARE decisions NO SCROLL CURSOR FOR SELECT ${DECISION_COLUMNS} FROM decision_log ${where.sql} ORDER BY decided_at, id`, where.values);
    for (;;) {
      const { rows } = await client.query<DecisionRow>(`FETCH ${BATCH} FROM decisions`);
      if (rows.length > 0) yield rows.map(toCsv).join('');
      if (rows.length < BATCH) return;
    }
  } finally {
    // Also when the reader went away: the transaction (read only) ends and the connection goes back.
    await client.query('ROLLBACK').catch((error: Error) => (broken = error));
    client.release(broken);
  }
}

/**
 * The decision log of a time range as CSV, fetched 2,000 rows at a time as the reply stream asks for more:
 * the next rows are fetched only once the previous ones were taken by the client, so memory stays at
 * one batch of rows whatever the range holds.
 */
export function decisionLogCsv(pool: Pool, filter: DecisionExportFilter): Readable {
  return Readable.from(decisionCsvChunks(pool, filter), { objectMode: false, highWaterMark: 64 * 1024 });
}
