import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { PG_POOL } from '@app/database';
import type { Pool } from 'pg';

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
 * The audit log of decisions, kept off the hot path: `record` only pushes to memory; a timer writes
 * batches with one multi-row INSERT. Under overload the buffer caps allowed decisions (counted in
 * `dropped`); denials are never dropped. A failed write keeps its batch and retries.
 */
@Injectable()
export class DecisionLogWriter implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('DecisionLog');
  private buffer: DecisionRecord[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  dropped = 0;
  written = 0;
  failedWrites = 0;

  constructor(@Inject(PG_POOL) private readonly pool: Pool, @Inject(APP_CONFIG) private readonly config: AppConfig) {}

  get buffered(): number {
    return this.buffer.length;
  }

  record(decision: DecisionRecord): void {
    if (decision.allow && this.buffer.length >= this.config.decisionLog.bufferSize) {
      this.dropped++;
      return;
    }
    this.buffer.push(decision);
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.flush(), this.config.decisionLog.flushIntervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    // Best effort: what is buffered at shutdown is written if the database answers.
    for (let attempts = 0; this.buffer.length > 0 && attempts < 5; attempts++) await this.flush();
  }

  /** Writes everything buffered now, batch by batch. */
  flush(): Promise<void> {
    this.flushing ??= this.drain().finally(() => (this.flushing = null));
    return this.flushing;
  }

  private async drain(): Promise<void> {
    while (this.buffer.length > 0) {
      const batch = this.buffer.splice(0, this.config.decisionLog.batchSize);
      try {
        await this.insert(batch);
        this.written += batch.length;
      } catch (error) {
        this.failedWrites++;
        this.buffer.unshift(...batch);
        this.logger.warn(`decision log write failed, ${this.buffer.length} buffered: ${(error as Error).message}`);
        return;
      }
    }
  }

  private async insert(batch: DecisionRecord[]): Promise<void> {
    await this.pool.query(
      `INSERT INTO decision_log (id, decided_at, position, partner_id, user_id, model, client_ip, country, allow, reasons, license_id, data_versions)
       SELECT d.id, d.decided_at, d.position, d.partner_id, d.user_id, d.model, d.client_ip, d.country, d.allow,
              CASE WHEN d.reasons = '' THEN '{}'::text[] ELSE string_to_array(d.reasons, ',') END, d.license_id, d.data_versions
       FROM unnest($1::text[], $2::timestamptz[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::bool[], $10::text[], $11::text[], $12::jsonb[])
         AS d (id, decided_at, position, partner_id, user_id, model, client_ip, country, allow, reasons, license_id, data_versions)
       ON CONFLICT (id) DO NOTHING`,
      [
        batch.map((d) => d.id),
        batch.map((d) => new Date(d.decidedAt)),
        batch.map((d) => d.position),
        batch.map((d) => d.partnerId),
        batch.map((d) => d.userId),
        batch.map((d) => d.model),
        batch.map((d) => d.clientIp),
        batch.map((d) => d.country),
        batch.map((d) => d.allow),
        batch.map((d) => d.reasons.join(',')),
        batch.map((d) => d.licenseId),
        batch.map((d) => d.dataVersions),
      ],
    );
  }
}
