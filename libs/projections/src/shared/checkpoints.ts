import type { Pool, PoolClient } from 'pg';

export async function readCheckpoint(pool: Pool, name: string): Promise<number> {
  const { rows } = await pool.query<{ position: string }>('SELECT position FROM projection_checkpoints WHERE name = $1', [name]);
  return Number(rows[0]?.position ?? 0);
}

/**
 * Locks the checkpoint rows of these read models until the transaction ends (creating them at 0
 * when absent) and answers where each stands. Every writer of a read model (the live runner of
 * each worker replica, a rebuild) holds this lock while it writes, so they take turns and each
 * sees what the other committed. Rows are locked in name order, so two lockers never deadlock.
 */
export async function lockCheckpoints(client: PoolClient, names: readonly string[]): Promise<Map<string, number>> {
  const sorted = [...names].sort();
  await client.query(
    `INSERT INTO projection_checkpoints (name, position, updated_at)
     SELECT name, 0, now() FROM unnest($1::text[]) AS name ORDER BY name ON CONFLICT (name) DO NOTHING`,
    [sorted],
  );
  const { rows } = await client.query<{ name: string; position: string }>(
    'SELECT name, position FROM projection_checkpoints WHERE name = ANY($1::text[]) ORDER BY name FOR UPDATE',
    [sorted],
  );
  return new Map(rows.map((row) => [row.name, Number(row.position)]));
}

export async function saveCheckpoints(client: PoolClient, names: readonly string[], position: number): Promise<void> {
  await client.query('UPDATE projection_checkpoints SET position = $2, updated_at = now() WHERE name = ANY($1::text[])', [names, position]);
}
