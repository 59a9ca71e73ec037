import { DynamicModule, Global, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import { APP_CONFIG, AppConfig } from '@app/config';
import { HealthController } from './health.controller';
import { loggingParams } from './logging';
import { AppMetrics } from './metrics';

/**
 * What every app has for the people who run it: /health/live and /health/ready (terminus), /metrics
 * (Prometheus, see createHttpApp), structured JSON logs with request ids (pino).
 */
@Global()
@Module({})
export class OperabilityModule {
  static forRoot(app: string, options: { loggedRoutes?: string[] } = {}): DynamicModule {
    return {
      module: OperabilityModule,
      imports: [
        TerminusModule.forRoot({ logger: false }),
        LoggerModule.forRootAsync({ inject: [APP_CONFIG], useFactory: (config: AppConfig) => loggingParams(app, config, options.loggedRoutes) }),
      ],
      controllers: [HealthController],
      providers: [{ provide: AppMetrics, useValue: new AppMetrics(app) }],
      exports: [AppMetrics],
    };
  }
}
