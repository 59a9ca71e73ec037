import type { Pool } from 'pg';
import { EVENTS_CHANNEL } from './subscription';

/**
 * Wakes subscribers after appends commit. Outside the append's transaction, so commits never queue
 * on PostgreSQL's notification lock, and coalesced: however many appends land while one NOTIFY is
 * in flight, one more follows it. Subscribers also poll, so a lost NOTIFY only costs latency.
 */
export class AppendNotifier {
  private inFlight = false;
  private again = false;

  constructor(private readonly pool: Pool) {}

  appended(): void {
    if (this.inFlight) {
      this.again = true;
      return;
    }
    this.inFlight = true;
    this.pool.query(`NOTIFY ${EVENTS_CHANNEL}`).then(this.settle, this.settle);
  }

  private readonly settle = (): void => {
    this.inFlight = false;
    if (this.again) {
      this.again = false;
      this.appended();
    }
  };
}
