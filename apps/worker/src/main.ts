import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppConfig, Clock, loadConfig } from '@app/config';
import { createHttpApp, listen, runMain } from '@app/http';
import { registerWorkerMetrics } from './metrics/worker.metrics';
import { WorkerModule } from './worker.module';

export async function createWorker(config: AppConfig, clock?: Clock): Promise<NestFastifyApplication> {
  const app = await createHttpApp(WorkerModule.forRoot(config, clock), { name: 'worker', config });
  registerWorkerMetrics(app);
  return app;
}

if (require.main === module) {
  runMain('worker', async () => {
    const config = loadConfig();
    const app = await createWorker(config);
    return listen(app, config.http.ports.worker, config.http.host);
  });
}
