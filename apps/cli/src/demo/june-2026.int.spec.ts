import { createTestDatabase, TestDatabase, testConfig } from '@app/testing';
import { seedDemo } from '../seed';

describe('demo seed (June 2026)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  it('seeds the demo world once; a second run appends nothing', async () => {
    const config = testConfig(db.url);
    const lines: string[] = [];
    const first = await seedDemo(config, (line) => lines.push(line));
    const count = async () => (await db.pool.query('SELECT count(*)::int AS n FROM events')).rows[0].n;
    const afterFirst = await count();
    expect(first.skipped).toBe(0);
    expect(first.credentials.map((c) => c.partnerId).sort()).toEqual(['p-acme', 'p-globex', 'p-northwind']);
    expect(lines[0]).toMatch(/^\[1\/\d+\] model mythos-5$/);

    const second = await seedDemo(config, () => undefined);
    expect(second.skipped).toBe(second.steps);
    expect(second.credentials).toEqual([]);
    expect(await count()).toBe(afterFirst);

    const { rows } = await db.pool.query("SELECT metadata->>'occurredAt' AS at FROM events WHERE stream_id = 'model-mythos-5'");
    expect(rows[0].at).toBe('2026-06-01T09:00:00.000Z');
  });
});
