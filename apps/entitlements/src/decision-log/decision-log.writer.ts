import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { PG_POOL } from '@app/database';
import type { Pool } from 'pg';
import { UNSTORABLE_TEXT } from '@app/http';

export interface DecisionRecord {
  id: string;
  decidedAt: number;
  position: number;
  partnerId: string | null;
  userId: string | null;
  model: string;
  clientIp: string | null;
  country: string | null;
  allow: boolean;
  reasons: readonly string[];
  licenseId: string | null;
  /** JSON of the data versions the decision used (shared by most decisions: serialised once). */
  dataVersions: string;
}

/**
 * A decision as the buffer holds it: what its batch's own columns need, and its entry of the batch's body,
 * encoded when it was recorded.
 */
interface Logged {
  id: string;
  decidedAt: number;
  allow: boolean;
  partnerId: string | null;
  dataVersions: string;
  json: string;
}

/**
 * The audit log of decisions, kept off the hot path: `record` encodes the decision and pushes it to memory;
 * a timer writes batches, each one row of `decision_log_batches` (see its migration). Encoding each decision
 * as it is recorded costs a little more in all than one JSON.stringify per batch (measured alone, 0.76
 * against 0.64 µs a decision), but leaves the timer only a join to do (0.03 ms for 600): encoded at once, a
 * batch held the event loop, and every check waiting behind it, for about 0.4 ms alone and showed in the
 * long busy stretches of the loop under load. Under overload the buffer caps allowed decisions (counted in
 * `dropped`); denials are never dropped. A batch that failed to write is kept as it was and retried first:
 * its id (its first decision's) then makes a retry of a write that did reach the database a no-op instead
 * of a second copy.
 */
@Injectable()
export class DecisionLogWriter implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('DecisionLog');
  private buffer: Logged[] = [];
  /** Batches formed and not yet written, oldest first; a batch never changes once formed. */
  private pending: Logged[][] = [];
  private pendingDecisions = 0;
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  dropped = 0;
  written = 0;
  /** Decisions that could not be stored (data errors); none are expected: inputs are checked at the edge. */
  refused = 0;
  failedWrites = 0;

  constructor(@Inject(PG_POOL) private readonly pool: Pool, @Inject(APP_CONFIG) private readonly config: AppConfig) {}

  get buffered(): number {
    return this.buffer.length + this.pendingDecisions;
  }

  /** Buffers the decision; one whose numbers are not finite could not be read back from its batch, and is refused. */
  record(decision: DecisionRecord): void {
    if (decision.allow && this.buffered >= this.config.decisionLog.bufferSize) {
      this.dropped++;
      return;
    }
    if (!Number.isFinite(decision.decidedAt) || !Number.isSafeInteger(decision.position)) {
      this.refuse(decision.id, `decidedAt ${decision.decidedAt} or position ${decision.position} is not a number it can hold`);
      return;
    }
    const { id, decidedAt, allow, partnerId, dataVersions } = decision;
    this.buffer.push({ id, decidedAt, allow, partnerId, dataVersions, json: entryJson(decision) });
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.flush(), this.config.decisionLog.flushIntervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    // Best effort: what is buffered at shutdown is written if the database answers.
    for (let attempts = 0; this.buffered > 0 && attempts < 5; attempts++) await this.flush();
  }

  /** Writes everything buffered now, batch by batch. */
  flush(): Promise<void> {
    this.flushing ??= this.drain().finally(() => (this.flushing = null));
    return this.flushing;
  }

  private async drain(): Promise<void> {
    // What was buffered when the flush began, and full batches after it; a few decisions made while a
    // batch was being written wait for the next flush instead of going out as a batch of their own.
    let owed = this.buffer.length;
    const batchSize = this.config.decisionLog.batchSize;
    for (;;) {
      if (this.pending.length === 0) {
        if (this.buffer.length === 0 || (owed <= 0 && this.buffer.length < batchSize)) return;
        const decisions = this.buffer.splice(0, batchSize);
        owed -= decisions.length;
        this.formBatches(decisions);
        continue;
      }
      const batch = this.pending[0];
      try {
        await this.insert(batch);
        this.settle(batch);
        this.written += batch.length;
      } catch (error) {
        if (!isDataError(error)) {
          this.failedWrites++;
          this.logger.warn(`decision log write failed, ${this.buffered} buffered: ${(error as Error).message}`);
          return;
        }
        // What PostgreSQL refuses (SQLSTATE class 22) must not hold back every decision behind it: the
        // batch is written decision by decision, and a decision refused again is counted and named.
        this.settle(batch);
        if (batch.length === 1) this.refuse(batch[0].id, (error as Error).message);
        else for (const decision of [...batch].reverse()) this.queueFirst([decision]);
      }
    }
  }

  /** Splits decisions into batches, one per set of data versions (almost always one), keeping their order. */
  private formBatches(decisions: Logged[]): void {
    const groups = new Map<string, Logged[]>();
    for (const decision of decisions) {
      const group = groups.get(decision.dataVersions);
      if (group) group.push(decision);
      else groups.set(decision.dataVersions, [decision]);
    }
    for (const group of groups.values()) {
      this.pending.push(group);
      this.pendingDecisions += group.length;
    }
  }

  private queueFirst(batch: Logged[]): void {
    this.pending.unshift(batch);
    this.pendingDecisions += batch.length;
  }

  private settle(batch: Logged[]): void {
    this.pending.shift();
    this.pendingDecisions -= batch.length;
  }

  private refuse(id: string, why: string): void {
    this.refused++;
    this.logger.error(`decision ${JSON.stringify(id)} could not be logged: ${why}`);
  }

  /**
   * One row for the batch. PostgreSQL only stores the body here (it is parsed when read): this costs it
   * about a seventh of what an indexed row per decision did.
   */
  private async insert(batch: Logged[]): Promise<void> {
    let denials = 0;
    let first = batch[0].decidedAt;
    let last = first;
    const partners = new Set<string>();
    for (const decision of batch) {
      if (!decision.allow) denials++;
      if (decision.decidedAt < first) first = decision.decidedAt;
      if (decision.decidedAt > last) last = decision.decidedAt;
      if (decision.partnerId !== null) partners.add(storable(decision.partnerId));
    }
    await this.pool.query(
      `INSERT INTO decision_log_batches (id, first_at, last_at, decisions, denials, partner_ids, data_versions, body)
       VALUES ($1, to_timestamp($2 / 1000.0), to_timestamp($3 / 1000.0), $4, $5, $6, $7::jsonb, $8)
       ON CONFLICT (id) DO NOTHING`,
      [storable(batch[0].id), first, last, batch.length, denials, [...partners], batch[0].dataVersions, `[${batch.map((decision) => decision.json).join(',')}]`],
    );
  }
}

function isDataError(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && code.startsWith('22');
}

/** What PostgreSQL text cannot hold (NUL, unpaired surrogates) becomes U+FFFD; checked inputs never have them. */
const UNSTORABLE = new RegExp(UNSTORABLE_TEXT.source, 'g');
function storable(value: string): string {
  return value.replace(UNSTORABLE, '\ufffd');
}

/**
 * The escapes JSON.stringify writes for a NUL or an unpaired surrogate, which PostgreSQL's JSON cannot read
 * back. Text that only looks like one (a backslash and "u0000" typed by a client) matches too: that entry
 * takes the slower path, which stores it unchanged.
 */
const UNSTORABLE_ESCAPE = /\\u(?:0000|d[89a-f])/;

/** Printable ASCII but `"` and `\\`: text JSON holds as it is, between quotes. Ids, codes and addresses are. */
const PLAIN_JSON_TEXT = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** `value` as a JSON string PostgreSQL can read back (see UNSTORABLE_ESCAPE), or null. */
function jsonText(value: string | null): string {
  if (value === null) return 'null';
  if (PLAIN_JSON_TEXT.test(value)) return `"${value}"`;
  const json = JSON.stringify(value);
  return UNSTORABLE_ESCAPE.test(json) ? JSON.stringify(storable(value)) : json;
}

/**
 * A decision's entry of its batch's body, the JSON the `decision_log` view reads (its keys are the view's).
 * Written by hand: it runs for every check. Added up piece by piece, it took 1.45 to 1.54 µs per entry in a
 * micro-benchmark that also joins the entries into batches, as `insert` does, against 1.81 to 1.99 µs for
 * JSON.stringify of the entry as an object with the escape test over its whole text.
 * Its pieces are now joined, not added, for the garbage collector. Text built with `+` or a template is a
 * rope, a tree of its pieces (about 1 KB for an entry of 260 characters), until something reads it whole;
 * an entry waits in the buffer for up to a flush interval, and every scavenge meanwhile copied its tree. With
 * the app at 7,500 checks/s, a scavenge took 4.4 to 4.9 ms with added entries against 4.0 to 4.3 ms with flat
 * ones (64 MiB semi-spaces), 5.4 to 6.4 ms against 2.4 to 3.3 ms with 16 MiB ones. `join` makes one
 * flat string, for about the same CPU as adding (a micro-benchmark with a request's garbage between entries:
 * 2.1 to 3.0 µs an entry either way, within its noise).
 * Its numbers are finite (`record` refuses others), and print as JSON.stringify prints them.
 */
export function entryJson(d: Omit<DecisionRecord, 'dataVersions'>): string {
  let reasons = '';
  for (const reason of d.reasons) reasons += reasons === '' ? jsonText(reason) : `,${jsonText(reason)}`;
  return [
    '{"id":', jsonText(d.id), ',"t":', d.decidedAt, ',"p":', d.position, ',"pa":', jsonText(d.partnerId), ',"u":', jsonText(d.userId),
    ',"m":', jsonText(d.model), ',"ip":', jsonText(d.clientIp), ',"c":', jsonText(d.country), ',"a":', d.allow, ',"r":[', reasons,
    '],"l":', jsonText(d.licenseId), '}',
  ].join('');
}
