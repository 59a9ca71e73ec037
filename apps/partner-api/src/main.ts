import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppConfig, Clock, loadConfig } from '@app/config';
import { createHttpApp, listen, runMain } from '@app/http';
import { PartnerApiModule } from './partner-api.module';

export async function createPartnerApi(config: AppConfig, clock?: Clock): Promise<NestFastifyApplication> {
  // Raw bodies are kept for webhook signature checks.
  return createHttpApp(PartnerApiModule.forRoot(config, clock), { name: 'partner-api', config, rawBody: true, browserFacing: true, rateLimited: true });
}

if (require.main === module) {
  runMain('partner-api', async () => {
    const config = loadConfig();
    const app = await createPartnerApi(config);
    return listen(app, config.http.ports.partnerApi, config.http.host);
  });
}
