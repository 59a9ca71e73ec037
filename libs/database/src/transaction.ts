import type { Pool, PoolClient } from 'pg';
import { Prisma, type PrismaClient } from './prisma';

/** Runs `work` in one transaction on one connection: committed when it returns, rolled back when it throws. */
export async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/**
 * A page of rows and the total of every match, read in one REPEATABLE READ transaction: with two separate
 * queries a row committed between them made a page disagree with its total (a total of 3 over 2 rows).
 */
export async function pageWithTotal<T>(prisma: PrismaClient, rows: Prisma.PrismaPromise<T[]>, total: Prisma.PrismaPromise<number>): Promise<[T[], number]> {
  return prisma.$transaction([rows, total], { isolationLevel: Prisma.TransactionIsolationLevel.RepeatableRead });
}
