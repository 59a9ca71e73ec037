import { Pool } from 'pg';

export function createPool(connectionString: string, max = 10): Pool {
  const pool = new Pool({ connectionString, max, application_name: process.env.APP_NAME ?? 'model-access' });
  // A client that loses its connection (database restart) must not crash the process: an idle one
  // reports to the pool, a checked-out one between two queries (inside a transaction, holding a lock)
  // reports to itself, and its next query fails and is retried by its caller on a new connection.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}
