import { Global, Module } from '@nestjs/common';
import { AppConfig, loadConfig } from './app-config';
import { Clock, CLOCK, systemClock } from './clock';

/** Injection token of the validated AppConfig. */
export const APP_CONFIG = Symbol('APP_CONFIG');

@Global()
@Module({})
export class ConfigModule {
  /** Uses the given config (tests) or validates process.env once. */
  static forRoot(config?: AppConfig, clock: Clock = systemClock) {
    return {
      module: ConfigModule,
      providers: [
        { provide: APP_CONFIG, useValue: config ?? loadConfig() },
        { provide: CLOCK, useValue: clock },
      ],
      exports: [APP_CONFIG, CLOCK],
    };
  }
}
