import { AppConfig, loadConfig } from '@app/config';
import { createPool } from '@app/database';
import { EventStore } from '@app/event-store';
import { runMain } from '@app/http';
import { describeRefreshProgress, describeWrittenSnapshot, geoPolicyOf, refreshIndexSnapshot } from '@app/projections';
import { int, USAGE_ERROR } from './cli-conventions';

const USAGE = 'usage: npm run index:snapshot [-- --min-events <n>]';

/**
 * `npm run index:snapshot [-- --min-events N]`: brings the entitlement index snapshot up to the log's
 * head now (what the worker does every ENTITLEMENTS_SNAPSHOT_REFRESH_MS), for instance before a planned
 * scale-up. Writes one when the log holds at least N events (default 1) past the newest snapshot. Answers
 * the exit code: 0 written or already fresh, 1 when another refresh is running, 2 for bad arguments.
 */
export async function snapshotIndex(
  args: string[],
  config: AppConfig,
  log: (line: string) => void = console.log,
  fail: (line: string) => void = console.error,
): Promise<number> {
  let minEvents = 1;
  for (let i = 0; i < args.length; i += 2) {
    if (args[i] !== '--min-events') {
      fail(`index:snapshot: unknown argument "${args[i]}"; ${USAGE}`);
      return USAGE_ERROR;
    }
    const value = args[i + 1];
    if (value === undefined || !/^[1-9][0-9]{0,9}$/.test(value)) {
      fail(`index:snapshot: --min-events must be a whole number from 1, not ${value === undefined ? 'missing' : `"${value}"`}; ${USAGE}`);
      return USAGE_ERROR;
    }
    minEvents = Number(value);
  }
  const pool = createPool(config.database.url, 2);
  try {
    const result = await refreshIndexSnapshot(pool, new EventStore(pool, config.eventStore), geoPolicyOf(config), {
      minEvents,
      onProgress: (p) => log(describeRefreshProgress(p)),
    });
    switch (result.outcome) {
      case 'written':
        log(describeWrittenSnapshot(result));
        return 0;
      case 'fresh':
        log(`nothing to do: the newest snapshot (${result.snapshotPosition === null ? 'none' : `#${int(result.snapshotPosition)}`}) is fewer than ${int(minEvents)} events behind the log (#${int(result.head)})`);
        return 0;
      case 'busy':
        fail('index:snapshot: another refresh is running on this database (a worker, or another index:snapshot); try again once it is done');
        return 1;
      case 'stopped':
        fail('index:snapshot: stopped before writing');
        return 1;
    }
  } finally {
    await pool.end();
  }
}

if (require.main === module) {
  runMain('index:snapshot', async () => {
    process.exitCode = await snapshotIndex(process.argv.slice(2), loadConfig());
  });
}
