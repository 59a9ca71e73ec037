import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppConfig, Clock, loadConfig } from '@app/config';
import { createHttpApp, listen, runMain, serveApiDocs } from '@app/http';
import { PartnerApiModule } from './partner-api.module';

export async function createPartnerApi(config: AppConfig, clock?: Clock): Promise<NestFastifyApplication> {
  // Raw bodies are kept for webhook signature checks.
  const app = await createHttpApp(PartnerApiModule.forRoot(config, clock), { name: 'partner-api', config, rawBody: true, browserFacing: true, rateLimited: true });
  serveApiDocs(app, {
    title: 'partner-api',
    description: "Partner onboarding: apply, KYC, users, license and government-approval requests, API credentials, webhooks. A partner's token acts only on its own partner.",
    rateLimited: true,
  });
  return app;
}

if (require.main === module) {
  runMain('partner-api', async () => {
    const config = loadConfig();
    const app = await createPartnerApi(config);
    return listen(app, config.http.ports.partnerApi, config.http.host);
  });
}
