import { Role } from '@app/auth';
import { ManualClock } from '@app/config';
import { EventStore } from '@app/event-store';
import { rebuildProjections } from '../../apps/cli/src/rebuild-projections';
import { dumpReadModels, waitForCheckpoints } from '../support/read-models';
import { seedJune2026Into, startTestSystem, TestSystem } from '../support/test-system';

/**
 * The June 2026 world, built through the APIs and projected live by the worker, rebuilt from
 * scratch with `projections:rebuild -- all` while the apps keep running: every read model comes
 * out identical, and the API answers what it answered before.
 */
describe('projections:rebuild on the June 2026 world', () => {
  const clock = new ManualClock(new Date('2026-06-01T00:00:00Z'));
  let system: TestSystem;
  let store: EventStore;

  /** Waits until the log stops growing (the worker's reactors append too) and every read model holds it. */
  const settle = async () => {
    for (;;) {
      const head = await store.headPosition();
      await waitForCheckpoints(system.db.pool, head);
      await new Promise((r) => setTimeout(r, 300));
      if ((await store.headPosition()) === head) return head;
    }
  };

  beforeAll(async () => {
    system = await startTestSystem({ clock });
    store = new EventStore(system.db.pool);
    await seedJune2026Into(system, clock);
  }, 120_000);
  afterAll(() => system.close());

  it('rebuilds every read model identical to the live projection while the system serves', async () => {
    const head = await settle();
    const live = await dumpReadModels(system.db.pool);
    expect(live['partner-view'].map((p) => (p as { id: string }).id).sort()).toEqual(['p-acme', 'p-eastgate', 'p-globex', 'p-northwind']);
    const reviewer = system.token(Role.Reviewer, { sub: 'rebuild-watcher' });
    const before = await system.adminApi.get('/v1/partners/p-northwind', reviewer);
    expect(before.status).toBe(200);

    const lines: string[] = [];
    expect(await rebuildProjections(['all'], system.config, (line) => lines.push(line))).toBe(0);
    expect(lines.some((line) => line.startsWith('done: '))).toBe(true);

    expect(await store.headPosition()).toBe(head);
    expect(await dumpReadModels(system.db.pool)).toEqual(live);
    const after = await system.adminApi.get('/v1/partners/p-northwind', reviewer);
    expect(after).toMatchObject({ status: 200, body: before.body });
  });
});
