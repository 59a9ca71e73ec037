import { Role, signToken } from '@app/auth';
import { AppConfig, loadConfig } from '@app/config';
import { runMain } from '@app/http';
import { DemoReport, seedJune2026 } from './demo/june-2026';

/** Seeds the demo world through the running APIs (see demo/june-2026.ts). */
export async function seedDemo(config: AppConfig, urls: { adminApi: string; partnerApi: string }, log: (line: string) => void = console.log): Promise<DemoReport> {
  const token = (role: Role, options: { sub?: string; partnerId?: string } = {}) =>
    signToken({ sub: options.sub ?? `demo-${role}`, role, partnerId: options.partnerId }, {
      algorithm: 'HS256',
      key: config.jwt.secret!,
      issuer: config.jwt.issuer,
      audience: config.jwt.audience,
      expiresInSeconds: 600,
    });
  if (!config.jwt.secret) throw new Error('The demo seed mints HS256 tokens: set JWT_ALGORITHM=HS256 (and JWT_SECRET) for it.');
  return seedJune2026({ ...urls, token, log });
}

export function printCredentials(report: DemoReport, log: (line: string) => void = console.log): void {
  if (report.credentials.length === 0) {
    log('demo credentials were issued on an earlier run (they are shown only once); issue new ones with POST /v1/credentials');
    return;
  }
  log('demo API credentials (shown once, store them now):');
  for (const { partnerId, credential } of report.credentials) log(`  ${partnerId}: ${credential}`);
}

if (require.main === module) {
  runMain('db:seed', async () => {
    const config = loadConfig();
    const base = `http://${config.http.host}`;
    printCredentials(await seedDemo(config, { adminApi: `${base}:${config.http.ports.adminApi}`, partnerApi: `${base}:${config.http.ports.partnerApi}` }));
  });
}
