import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Pool } from 'pg';
import { PG_POOL } from '@app/database';
import { EventStore } from '@app/event-store';
import { AppMetrics } from '@app/http';
import { JobQueues } from '@app/jobs';
import { IndexSnapshots } from '@app/projections';
import { JOB_QUEUES } from '../jobs/job-queues.provider';

const JOB_STATES = ['waiting', 'active', 'delayed', 'failed', 'completed'] as const;

/** Projection lag per read model, the index snapshot's lag and queue depths per state, read at scrape time. */
export function registerWorkerMetrics(app: NestFastifyApplication): void {
  const metrics = app.get(AppMetrics);
  const pool = app.get<Pool>(PG_POOL);
  const queues = app.get<JobQueues>(JOB_QUEUES);

  metrics.gauge('projection_lag_events', 'Events in the store that a read model (or reactor) has not processed yet, by checkpoint.', ['checkpoint'], async (set) => {
    const { rows } = await pool.query<{ name: string; lag: string }>(
      'SELECT c.name, greatest(0, coalesce((SELECT max(global_position) FROM events), 0) - c.position)::text AS lag FROM projection_checkpoints c',
    );
    for (const row of rows) set({ checkpoint: row.name }, Number(row.lag));
  });
  const store = app.get(EventStore);
  const snapshots = new IndexSnapshots(pool);
  metrics.gauge(
    'entitlement_index_snapshot_lag_events',
    'Events in the store after the newest entitlement index snapshot: what an entitlements replica starting now would replay (all of them without a snapshot).',
    [],
    async (set) => {
      const [head, newest] = await Promise.all([store.headPosition(), snapshots.newestPosition()]);
      set({}, Math.max(0, head - (newest ?? 0)));
    },
  );
  metrics.gauge('queue_jobs', 'Jobs per queue and state (failed: retries exhausted, kept for inspection and replay).', ['queue', 'state'], async (set) => {
    for (const [name, queue] of queues.queues) {
      const counts = await queue.getJobCounts(...JOB_STATES);
      for (const state of JOB_STATES) set({ queue: name, state }, counts[state] ?? 0);
    }
  });
}
