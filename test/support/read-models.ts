import type { Pool } from 'pg';
import { ALL_PROJECTIONS, ReadModel } from '@app/projections';

/** Every row of every read model, in primary-key order, as JSON: for comparing two databases or two moments. */
export async function dumpReadModels(pool: Pool, models: readonly ReadModel[] = ALL_PROJECTIONS): Promise<Record<string, unknown[]>> {
  const dump: Record<string, unknown[]> = {};
  for (const model of models) {
    const order = model.primaryKey.map((c) => `"${c}"`).join(', ');
    const { rows } = await pool.query(`SELECT row_to_json(t) AS row FROM "${model.table}" t ORDER BY ${order}`);
    dump[model.name] = rows.map((r) => r.row);
  }
  return dump;
}

export async function checkpointsOf(pool: Pool): Promise<Map<string, number>> {
  const { rows } = await pool.query<{ name: string; position: string }>('SELECT name, position FROM projection_checkpoints');
  return new Map(rows.map((r) => [r.name, Number(r.position)]));
}

/** Resolves once every read model's checkpoint has reached `position`. */
export async function waitForCheckpoints(pool: Pool, position: number, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const checkpoints = await checkpointsOf(pool);
    if (ALL_PROJECTIONS.every((m) => (checkpoints.get(m.name) ?? 0) >= position)) return;
    if (Date.now() > deadline) throw new Error(`read models did not reach #${position}: ${JSON.stringify(Object.fromEntries(checkpoints))}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The index names and definitions of the read-model tables (a switch must leave them as the migrations made them). */
export async function readModelIndexes(pool: Pool): Promise<string[]> {
  const { rows } = await pool.query<{ indexname: string; indexdef: string }>(
    "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = ANY($1::text[]) ORDER BY indexname",
    [ALL_PROJECTIONS.map((m) => m.table)],
  );
  return rows.map((r) => `${r.indexname}: ${r.indexdef}`);
}
