import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { EventStore } from '@app/event-store';
import { AppMetrics } from '@app/http';
import { CheckService } from '../check/check.service';
import { DecisionLogWriter } from '../decision-log/decision-log.writer';
import { IndexService } from '../index/index.service';

/**
 * The entitlements app's own metrics, all read at scrape time: nothing on the check's path but the
 * counting CheckService does anyway.
 */
export function registerEntitlementsMetrics(app: NestFastifyApplication): void {
  const metrics = app.get(AppMetrics);
  const checks = app.get(CheckService);
  const index = app.get(IndexService);
  const decisionLog = app.get(DecisionLogWriter);
  const store = app.get(EventStore);

  metrics.counterFrom('entitlement_decisions_total', 'Decisions made, by outcome.', ['outcome'], () => [
    [{ outcome: 'allow' }, checks.outcomes.allow],
    [{ outcome: 'deny' }, checks.outcomes.deny],
  ]);
  metrics.counterFrom('entitlement_denials_total', 'Denials, by reason code (a denial with two reasons counts under both).', ['reason'], () =>
    [...checks.denialReasons].map(([reason, total]) => [{ reason }, total] as [{ reason: string }, number]),
  );
  metrics.gauge('entitlement_index_position', 'The event-store position the in-memory index holds.', [], (set) => set({}, index.position));
  metrics.gauge('entitlement_index_lag_events', 'Events committed to the store that the index does not hold yet.', [], async (set) => {
    set({}, Math.max(0, (await store.headPosition()) - index.position));
  });
  metrics.gauge('entitlement_index_ready', '1 when the index is loaded and fresh, else 0 (every check denies STALE_STATE).', [], (set) => set({}, index.isStale(Date.now()) ? 0 : 1));
  metrics.gauge('decision_log_buffered', 'Decisions waiting to be written to the decision log.', [], (set) => set({}, decisionLog.buffered));
  metrics.counterFrom('decision_log_dropped_total', 'Allowed decisions not logged because the buffer was full (denials are never dropped).', [], () => [[{}, decisionLog.dropped]]);
  metrics.counterFrom('decision_log_written_total', 'Decisions written to the decision log.', [], () => [[{}, decisionLog.written]]);
  metrics.counterFrom('decision_log_refused_total', 'Decisions PostgreSQL refused to store (data errors; inputs are checked at the edge, so none are expected).', [], () => [[{}, decisionLog.refused]]);
  metrics.counterFrom('decision_log_failed_writes_total', 'Batch writes to the decision log that failed (and were kept to retry).', [], () => [[{}, decisionLog.failedWrites]]);
}
