import { ALL_PROJECTIONS } from '@app/projections';
import { createTestDatabase, TestDatabase, testConfig } from '@app/testing';
import { appendInBulk, eventMix } from '../../../test/support/event-mix';
import { USAGE_ERROR } from './cli-conventions';
import { rebuildProjections } from './rebuild-projections';

describe('npm run projections:rebuild -- <name|all>', () => {
  let db: TestDatabase;
  const run = async (...args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await rebuildProjections(args, testConfig(db.url), (line) => out.push(line), (line) => err.push(line));
    return { code, out, err };
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    const [events] = eventMix(3000, { seed: 3, chunk: 3000 });
    await appendInBulk(db.pool, events);
  });
  afterAll(() => db.drop());

  it('refuses an unknown name with exit code 2, naming it and listing the valid names', async () => {
    const { code, out, err } = await run('partner-veiw');
    expect(code).toBe(USAGE_ERROR);
    expect(out).toEqual([]);
    expect(err).toHaveLength(1);
    expect(err[0]).toContain('"partner-veiw"');
    for (const model of ALL_PROJECTIONS) expect(err[0]).toContain(model.name);
    expect(err[0]).toContain('all');
  });

  it('refuses a missing name with exit code 2', async () => {
    const { code, err } = await run();
    expect(code).toBe(USAGE_ERROR);
    expect(err[0]).toMatch(/no read model named; valid names: all, /);
  });

  it('rebuilds the named read models with progress, and only those', async () => {
    const { code, out } = await run('partner-view', 'license-view');
    expect(code).toBe(0);
    expect(out[0]).toBe('rebuilding partner-view, license-view from position 0');
    expect(out.some((line) => /events\/s/.test(line) && /^done: 3,000 events/.test(line))).toBe(true);
    expect(out[out.length - 1]).toMatch(/^rebuilt 2 read model\(s\) at #3,000 in /);
    const { rows } = await db.pool.query('SELECT name, position FROM projection_checkpoints ORDER BY name');
    expect(rows).toEqual([
      { name: 'license-view', position: '3000' },
      { name: 'partner-view', position: '3000' },
    ]);
    expect(Number((await db.pool.query('SELECT count(*) AS n FROM partner_views')).rows[0].n)).toBeGreaterThan(0);
  });
});
