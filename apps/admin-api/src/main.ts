import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppConfig, Clock, loadConfig } from '@app/config';
import { createHttpApp, listen, runMain, serveApiDocs } from '@app/http';
import { AdminApiModule } from './admin-api.module';
import { mountQueueBoard } from './queues/queue-board';

export async function createAdminApi(config: AppConfig, clock?: Clock): Promise<NestFastifyApplication> {
  const app = await createHttpApp(AdminApiModule.forRoot(config, clock), { name: 'admin-api', config, browserFacing: true });
  serveApiDocs(app, {
    title: 'admin-api',
    description: 'Review console: review queues, KYC and screening review, government approvals, directives, licenses (four-eyes for controlled models), model catalogue, audit, compliance reports. Staff tokens with roles.',
    rateLimited: false,
  });
  await mountQueueBoard(app, config);
  return app;
}

if (require.main === module) {
  runMain('admin-api', async () => {
    const config = loadConfig();
    const app = await createAdminApi(config);
    return listen(app, config.http.ports.adminApi, config.http.host);
  });
}
