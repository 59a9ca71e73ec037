import { AppConfig, loadConfig } from '@app/config';
import { Role, signToken } from '@app/auth';
import { testRedisPrefix } from './test-redis';

/** A validated config pointing at a test database, random ports, and fast polling. */
export function testConfig(databaseUrl: string, env: Record<string, string> = {}): AppConfig {
  return loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    PARTNER_API_PORT: '0',
    ADMIN_API_PORT: '0',
    ENTITLEMENTS_PORT: '0',
    WORKER_PORT: '0',
    EVENT_STORE_POLL_INTERVAL_MS: '100',
    LOG_LEVEL: 'warn',
    // Each test file's queues live under a prefix of their own (startTestSystem deletes its keys on close).
    REDIS_PREFIX: testRedisPrefix(),
    JOB_BACKOFF_MS: '200',
    // Tests drive one app hard from one address and one token; the test of the limits sets its own.
    RATE_LIMIT_PER_ACTOR_PER_MINUTE: '1000000',
    RATE_LIMIT_PER_IP_PER_MINUTE: '1000000',
    ENTITLEMENTS_RATE_LIMIT_PER_CREDENTIAL_PER_SECOND: '10000000',
    ENTITLEMENTS_UNKNOWN_CREDENTIALS_PER_IP_PER_MINUTE: '10000000',
    ...env,
  });
}

/** A bearer token for the given role, signed with the test config's key. */
export function tokenFor(config: AppConfig, role: Role, options: { sub?: string; partnerId?: string; expiresInSeconds?: number } = {}): string {
  return signToken(
    { sub: options.sub ?? `${role}-1`, role, partnerId: options.partnerId },
    {
      algorithm: 'HS256',
      key: config.jwt.secret!,
      issuer: config.jwt.issuer,
      audience: config.jwt.audience,
      expiresInSeconds: options.expiresInSeconds,
    },
  );
}
