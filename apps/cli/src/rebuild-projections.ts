import { AppConfig, loadConfig } from '@app/config';
import { createPool } from '@app/database';
import { EventStore } from '@app/event-store';
import { runMain } from '@app/http';
import { ALL_PROJECTIONS, RebuildProgress, rebuildReadModels, readModelsNamed } from '@app/projections';
import { int, USAGE_ERROR } from './cli-conventions';

export function describeProgress(progress: RebuildProgress): string {
  const share = progress.head > 0 ? ` (${Math.min(100, Math.floor((progress.position / progress.head) * 100))}%)` : '';
  const left = progress.secondsLeft === null ? '' : `, about ${Math.ceil(progress.secondsLeft)} s left`;
  const rate = `${int(progress.eventsPerSecond)} events/s`;
  if (progress.phase === 'done') return `done: ${int(progress.eventsDone)} events, ${rate}, read models at #${int(progress.position)}`;
  if (progress.phase === 'switching') return `switching in the fresh tables at #${int(progress.position)} (${int(progress.eventsDone)} events)`;
  return `${int(progress.eventsDone)} events done, at #${int(progress.position)} of #${int(progress.head)}${share}, ${rate}${left}`;
}

/**
 * `npm run projections:rebuild -- <name|all> [...]`: rebuilds read models from the whole log into
 * fresh tables and switches them in atomically, while the system keeps serving. Answers the exit
 * code: 2 for an unknown or missing name.
 */
export async function rebuildProjections(
  args: string[],
  config: AppConfig,
  log: (line: string) => void = console.log,
  fail: (line: string) => void = console.error,
): Promise<number> {
  const names = args.filter((arg) => !arg.startsWith('-'));
  const valid = ALL_PROJECTIONS.map((model) => model.name);
  const { models, unknown } = readModelsNamed(names);
  if (names.length === 0 || unknown.length > 0) {
    const what = names.length === 0 ? 'no read model named' : `unknown read model ${unknown.map((n) => `"${n}"`).join(', ')}`;
    fail(`projections:rebuild: ${what}; valid names: all, ${valid.join(', ')}`);
    return USAGE_ERROR;
  }
  const pool = createPool(config.database.url, 4);
  try {
    const store = new EventStore(pool, config.eventStore);
    log(`rebuilding ${models.map((m) => m.name).join(', ')} from position 0`);
    const result = await rebuildReadModels(pool, store, models, { onProgress: (progress) => log(describeProgress(progress)) });
    log(`rebuilt ${result.models.length} read model(s) at #${int(result.position)} in ${result.seconds.toFixed(1)} s`);
    return 0;
  } finally {
    await pool.end();
  }
}

if (require.main === module) {
  runMain('projections:rebuild', async () => {
    process.exitCode = await rebuildProjections(process.argv.slice(2), loadConfig());
  });
}
