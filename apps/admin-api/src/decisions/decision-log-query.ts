/** What a reader of the decision log asks for; every part optional. */
export interface DecisionFilter {
  from?: Date;
  to?: Date;
  partnerId?: string;
  model?: string;
  allow?: boolean;
  reason?: string;
}

/** The columns of one logged decision, as readers of the `decision_log` view select them. */
export const DECISION_COLUMNS =
  'id, decided_at, position::text AS position, partner_id, user_id, model, client_ip, country, allow, reasons, license_id, data_versions';

/**
 * The WHERE clause on the `decision_log` view for a filter, with its parameters ($1 on). Each condition on a
 * decision is paired with one on its batch (span, partners, denials) that PostgreSQL can answer from the
 * batch table's indexes, so that only the batches that can hold a match are read.
 */
export function decisionWhere(filter: DecisionFilter): { sql: string; values: unknown[] } {
  const values: unknown[] = [];
  const param = (value: unknown) => {
    values.push(value);
    return `$${values.length}`;
  };
  const conditions: string[] = [];
  if (filter.from !== undefined || filter.to !== undefined) {
    const from = param(filter.from ?? null);
    const to = param(filter.to ?? null);
    conditions.push(`tstzrange(batch_first_at, batch_last_at, '[]') && tstzrange(${from}::timestamptz, ${to}::timestamptz, '[)')`);
    if (filter.from !== undefined) conditions.push(`decided_at >= ${from}`);
    if (filter.to !== undefined) conditions.push(`decided_at < ${to}`);
  }
  if (filter.partnerId !== undefined) {
    const partner = param(filter.partnerId);
    conditions.push(`batch_partner_ids @> ARRAY[${partner}::text]`, `partner_id = ${partner}`);
  }
  if (filter.model !== undefined) conditions.push(`model = ${param(filter.model)}`);
  if (filter.allow === false) conditions.push('batch_denials > 0', 'NOT allow');
  if (filter.allow === true) conditions.push('batch_denials < batch_decisions', 'allow');
  if (filter.reason !== undefined) conditions.push(`${param(filter.reason)} = ANY (reasons)`);
  return { sql: conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`, values };
}

/** A decision as the admin API answers it. */
export interface DecisionRow {
  id: string;
  decided_at: Date;
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
