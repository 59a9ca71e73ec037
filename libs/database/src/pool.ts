import { Pool, types } from 'pg';

// BIGINT columns (global positions) fit comfortably in a double for this system's lifetime
// (2^53 events); parse them as numbers so hot paths avoid BigInt arithmetic.
types.setTypeParser(types.builtins.INT8, (value) => Number(value));

export function createPool(connectionString: string, max = 10): Pool {
  const pool = new Pool({ connectionString, max, application_name: process.env.APP_NAME ?? 'model-access' });
  // An idle client that loses its connection (database restart) must not crash the process;
  // the next query reconnects.
  pool.on('error', () => undefined);
  return pool;
}
