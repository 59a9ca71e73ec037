import { Global, Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { PG_POOL } from '@app/database';
import type { Pool } from 'pg';
import { EventStore } from './event-store';

@Global()
@Module({
  providers: [
    {
      provide: EventStore,
      inject: [PG_POOL, APP_CONFIG],
      useFactory: (pool: Pool, config: AppConfig) => new EventStore(pool, config.eventStore),
    },
  ],
  exports: [EventStore],
})
export class EventStoreModule {}
