import { DynamicModule, Global, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import { APP_CONFIG, AppConfig } from '@app/config';
import { HealthController, READINESS_NEEDS } from './health.controller';
import { loggingParams } from './logging';
import { AppMetrics } from './metrics';

/**
 * What every app has for the people who run it: /health/live and /health/ready (terminus), /metrics
 * (Prometheus, see createHttpApp), structured JSON logs with request ids (pino).
 */
@Global()
@Module({})
export class OperabilityModule {
  /**
   * `needsRedis`: the app cannot do its work without Redis (the worker: its queues), so its readiness
   * includes it. The others do not use Redis, and a Redis outage must not take them out of their load
   * balancer: the entitlement checks, a partner's commands and a compliance officer's revocation all go on.
   */
  static forRoot(app: string, options: { loggedRoutes?: string[]; needsRedis?: boolean } = {}): DynamicModule {
    return {
      module: OperabilityModule,
      imports: [
        TerminusModule.forRoot({ logger: false }),
        LoggerModule.forRootAsync({ inject: [APP_CONFIG], useFactory: (config: AppConfig) => loggingParams(app, config, options.loggedRoutes) }),
      ],
      controllers: [HealthController],
      providers: [
        { provide: AppMetrics, useValue: new AppMetrics(app) },
        { provide: READINESS_NEEDS, useValue: { redis: options.needsRedis === true } },
      ],
      exports: [AppMetrics],
    };
  }
}
