import { Pool } from 'pg';

export function createPool(connectionString: string, max = 10): Pool {
  const pool = new Pool({ connectionString, max, application_name: process.env.APP_NAME ?? 'model-access' });
  // An idle client that loses its connection (database restart) must not crash the process;
  // the next query reconnects.
  pool.on('error', () => undefined);
  return pool;
}
