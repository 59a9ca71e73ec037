import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { PG_POOL } from '@app/database';
import { EventStore } from '@app/event-store';
import { ALL_PROJECTIONS, ProjectionRunner } from '@app/projections';
import { Pool } from 'pg';

/** Runs every read model's projection, each from its own checkpoint. */
@Injectable()
export class ProjectionsService implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly runners: ProjectionRunner[];

  constructor(store: EventStore, @Inject(PG_POOL) pool: Pool) {
    this.runners = ALL_PROJECTIONS.map((projection) => new ProjectionRunner(projection, store, pool));
  }

  async onApplicationBootstrap(): Promise<void> {
    await Promise.all(this.runners.map((runner) => runner.start()));
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.runners.map((runner) => runner.stop()));
  }

  /** True once every read model holds `position` (bounded wait). */
  async waitForPosition(position: number, timeoutMs: number): Promise<boolean> {
    const reached = await Promise.all(this.runners.map((runner) => runner.waitForPosition(position, timeoutMs)));
    return reached.every(Boolean);
  }
}
