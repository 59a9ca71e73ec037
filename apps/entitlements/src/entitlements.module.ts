import { DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from '@app/auth';
import { AppConfig, Clock, ConfigModule } from '@app/config';
import { DatabaseModule } from '@app/database';
import { EventStoreModule } from '@app/event-store';
import { CheckService } from './check/check.service';
import { DecisionLogWriter } from './decision-log/decision-log.writer';
import { ExplainController } from './explain/explain.controller';
import { GeoService } from './geo/geo.service';
import { EntitlementsHealthController } from './health/health.controller';
import { IndexSnapshots } from './index/index-snapshots';
import { IndexService } from './index/index.service';

@Module({})
export class EntitlementsModule {
  static forRoot(config: AppConfig, clock?: Clock): DynamicModule {
    return {
      module: EntitlementsModule,
      imports: [ConfigModule.forRoot(config, clock), DatabaseModule, EventStoreModule, AuthModule],
      // /v1/check, /v1/check/batch and /v1/authz are registered on Fastify directly: see hot-path/.
      controllers: [ExplainController, EntitlementsHealthController],
      providers: [IndexService, IndexSnapshots, GeoService, CheckService, DecisionLogWriter],
    };
  }
}
