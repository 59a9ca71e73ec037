import { DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from '@app/auth';
import { AppConfig, Clock, ConfigModule } from '@app/config';
import { DatabaseModule } from '@app/database';
import { EventStoreModule } from '@app/event-store';
import { OperabilityModule } from '@app/http';
import { CheckService } from './check/check.service';
import { DecisionLogWriter } from './decision-log/decision-log.writer';
import { ExplainController } from './explain/explain.controller';
import { GeoService } from './geo/geo.service';
import { entitlementsReadiness } from './health/readiness';
import { IndexSnapshots } from '@app/projections';
import { IndexService } from './index/index.service';

@Module({})
export class EntitlementsModule {
  static forRoot(config: AppConfig, clock?: Clock): DynamicModule {
    return {
      module: EntitlementsModule,
      imports: [ConfigModule.forRoot(config, clock), OperabilityModule.forRoot('entitlements', { loggedRoutes: ['v1/entitlements/*path'] }), DatabaseModule, EventStoreModule, AuthModule],
      // /v1/check, /v1/check/batch and /v1/authz are registered on Fastify directly: see hot-path/.
      controllers: [ExplainController],
      providers: [IndexService, IndexSnapshots, GeoService, CheckService, DecisionLogWriter, entitlementsReadiness],
    };
  }
}
