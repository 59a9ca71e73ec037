import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppConfig, Clock, loadConfig } from '@app/config';
import { createHttpApp, FastLane, listen, runMain } from '@app/http';
import { EntitlementsModule } from './entitlements.module';
import { registerHotPath } from './hot-path/hot-path.routes';
import { registerEntitlementsMetrics } from './metrics/entitlements.metrics';

export async function createEntitlementsApp(config: AppConfig, clock?: Clock): Promise<NestFastifyApplication> {
  const fastLane = new FastLane({ bodyLimit: config.http.bodyLimitBytes });
  const app = await createHttpApp(EntitlementsModule.forRoot(config, clock), { name: 'entitlements', config, fastLane });
  registerHotPath(app, fastLane);
  registerEntitlementsMetrics(app);
  return app;
}

if (require.main === module) {
  runMain('entitlements', async () => {
    const config = loadConfig();
    const app = await createEntitlementsApp(config);
    return listen(app, config.http.ports.entitlements, config.http.host);
  });
}
