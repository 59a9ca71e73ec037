export { AppConfig, loadConfig } from './app-config';
export { ConfigError } from './env';
export { APP_CONFIG, ConfigModule } from './config.module';
export { Clock, CLOCK, ManualClock, systemClock } from './clock';
