import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '@app/config';

const SECRET = 'a-test-secret-that-is-long-enough-0123456789';
const WEBHOOK_SECRET = 'production-webhook-secret-0123456789';
const WEBHOOK_SECRET_KEY = 'c3'.repeat(32);
const AUDIT_SIGNING_KEY = 'production-audit-signing-key-0123456789';
const METRICS_TOKEN = 'production-metrics-token-0123456789';
const { publicKey: PUBLIC_PEM } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});

/** The ConfigError loadConfig throws for `env` (fails the test if it does not throw one). */
function configErrorOf(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  describe('defaults', () => {
    it('loads a complete development config from an empty environment', () => {
      const config = loadConfig({});
      expect(config).toEqual({
        env: 'development',
        database: { url: 'postgres://postgres@127.0.0.1:5432/model_access', poolSize: 10 },
        redis: { url: 'redis://127.0.0.1:6379/0', prefix: 'model-access' },
        http: {
          host: '127.0.0.1',
          bodyLimitBytes: 1024 * 1024,
          corsOrigins: [],
          ports: { partnerApi: 3001, adminApi: 3002, entitlements: 3003, worker: 3004 },
        },
        jwt: {
          algorithm: 'HS256',
          verifyKey: expect.any(String),
          secret: expect.any(String),
          issuer: 'model-access-dev',
          audience: 'model-access',
        },
        eventStore: { pollIntervalMs: 500, batchSize: 2000 },
        entitlements: { minPositionWaitMs: 250, stalenessBoundMs: 5000, decisionTtlMs: 1000, trustedProxies: [], snapshots: true, snapshotMinEvents: 100000, snapshotRefreshMs: 900000 },
        geo: {
          vpnLists: [expect.stringMatching(/vpn-ipv4\.txt$/)],
          datacenterLists: [expect.stringMatching(/datacenter-ipv4\.txt$/)],
          torExitList: null,
          embargoedCountries: ['CU', 'IR', 'KP', 'SY'],
          deniedAnonymizers: ['tor', 'vpn'],
          unknownCountry: 'deny',
        },
        decisionLog: { bufferSize: 100000, batchSize: 1000, flushIntervalMs: 50 },
        reports: { decisionExportMaxDays: 31 },
        expiry: { sweepIntervalMs: 300000 },
        audit: { signingKey: 'development-only-audit-signing-key-0123456789', checkpointIntervalMs: 60000 },
        metrics: { token: 'development-only-metrics-token-0123456789' },
        screening: { listsDirectory: expect.stringMatching(/shared\/data\/restricted-parties$/), reviewThreshold: 0.85, blockThreshold: 0.95 },
        kycWebhooks: { secrets: [expect.any(String)], toleranceSeconds: 300 },
        webhooks: { secretKey: expect.stringMatching(/^[0-9a-f]{64}$/), timeoutMs: 10_000, maxAttempts: 20, backoffBaseMs: 60_000, backoffMaxMs: 4 * 3_600_000, concurrency: 32, httpAllowedHosts: [] },
        kyc: { autoStartProvider: null, pollDelayMs: 30_000, validityDays: 365, sandbox: true },
        jobs: { attempts: 10, backoffMs: 2000, enqueueTimeoutMs: 2000 },
        rateLimits: { perActorPerMinute: 600, perIpPerMinute: 120, perCredentialPerSecond: 2000, unknownCredentialsPerIpPerMinute: 300 },
        logLevel: 'log',
      });
      // Outside production a development secret stands in, and it is what tokens are verified with.
      expect(config.jwt.secret!.length).toBeGreaterThanOrEqual(32);
      expect(config.jwt.verifyKey).toBe(config.jwt.secret);
    });

    it('treats empty strings as unset', () => {
      const config = loadConfig({ PARTNER_API_PORT: '', DATABASE_URL: '', JWT_SECRET: '', LOG_LEVEL: '' });
      expect(config.http.ports.partnerApi).toBe(3001);
      expect(config.database.url).toBe('postgres://postgres@127.0.0.1:5432/model_access');
      expect(config.logLevel).toBe('log');
      expect(config.jwt.secret).toBeDefined();
    });

    it('reads every variable that is set', () => {
      const config = loadConfig({
        NODE_ENV: 'production',
        DATABASE_URL: 'postgresql://app:pw@db.internal:6543/licensing',
        DATABASE_POOL_SIZE: '25',
        REDIS_URL: 'rediss://cache.internal:6380/2',
        REDIS_PREFIX: 'ma',
        HOST: '0.0.0.0',
        PARTNER_API_PORT: '8001',
        ADMIN_API_PORT: '8002',
        ENTITLEMENTS_PORT: '0',
        WORKER_PORT: '65535',
        BODY_LIMIT_BYTES: '4096',
        JWT_SECRET: SECRET,
        JWT_ISSUER: 'idp',
        JWT_AUDIENCE: 'aud',
        EVENT_STORE_POLL_INTERVAL_MS: '10',
        EVENT_STORE_BATCH_SIZE: '100',
        ENTITLEMENTS_MIN_POSITION_WAIT_MS: '0',
        ENTITLEMENTS_STALENESS_BOUND_MS: '600000',
        ENTITLEMENTS_DECISION_TTL_MS: '0',
        ENTITLEMENTS_TRUSTED_PROXIES: ' 10.0.0.1 , 10.0.0.0/8,, ',
        ENTITLEMENTS_SNAPSHOTS: 'off',
        ENTITLEMENTS_SNAPSHOT_MIN_EVENTS: '5000',
        ENTITLEMENTS_SNAPSHOT_REFRESH_MS: '0',
        RESTRICTED_PARTY_LISTS_DIR: '/srv/lists',
        SCREENING_REVIEW_THRESHOLD: '0.8',
        SCREENING_BLOCK_THRESHOLD: '0.9',
        KYC_WEBHOOK_SECRETS: 'current-webhook-secret-0123456789,previous-webhook-secret-0123456',
        KYC_WEBHOOK_TOLERANCE_SECONDS: '120',
        KYC_AUTO_START_PROVIDER: 'sandbox',
        KYC_POLL_DELAY_MS: '5000',
        KYC_VALIDITY_DAYS: '180',
        KYC_SANDBOX: 'off',
        EXPIRY_SWEEP_INTERVAL_MS: '60000',
        JOB_ATTEMPTS: '5',
        JOB_BACKOFF_MS: '1000',
        JOB_ENQUEUE_TIMEOUT_MS: '500',
        WEBHOOK_SECRET_KEY,
        AUDIT_SIGNING_KEY,
        AUDIT_CHECKPOINT_INTERVAL_MS: '30000',
        METRICS_TOKEN,
        WEBHOOK_TIMEOUT_MS: '5000',
        WEBHOOK_MAX_ATTEMPTS: '30',
        WEBHOOK_BACKOFF_BASE_MS: '1000',
        WEBHOOK_BACKOFF_MAX_MS: '3600000',
        WEBHOOK_CONCURRENCY: '64',
        WEBHOOK_HTTP_ALLOWED_HOSTS: 'Hooks.Internal, 127.0.0.1',
        LOG_LEVEL: 'debug',
        CORS_ORIGINS: 'https://console.example.com, https://partners.example.com',
        RATE_LIMIT_PER_ACTOR_PER_MINUTE: '60',
        RATE_LIMIT_PER_IP_PER_MINUTE: '10',
        ENTITLEMENTS_RATE_LIMIT_PER_CREDENTIAL_PER_SECOND: '500',
        ENTITLEMENTS_UNKNOWN_CREDENTIALS_PER_IP_PER_MINUTE: '20',
        REPORTS_DECISION_EXPORT_MAX_DAYS: '7',
      });
      expect(config).toEqual({
        env: 'production',
        database: { url: 'postgresql://app:pw@db.internal:6543/licensing', poolSize: 25 },
        redis: { url: 'rediss://cache.internal:6380/2', prefix: 'ma' },
        http: { host: '0.0.0.0', bodyLimitBytes: 4096, corsOrigins: ['https://console.example.com', 'https://partners.example.com'], ports: { partnerApi: 8001, adminApi: 8002, entitlements: 0, worker: 65535 } },
        jwt: { algorithm: 'HS256', verifyKey: SECRET, secret: SECRET, issuer: 'idp', audience: 'aud' },
        eventStore: { pollIntervalMs: 10, batchSize: 100 },
        entitlements: { minPositionWaitMs: 0, stalenessBoundMs: 600000, decisionTtlMs: 0, trustedProxies: ['10.0.0.1', '10.0.0.0/8'], snapshots: false, snapshotMinEvents: 5000, snapshotRefreshMs: 0 },
        geo: expect.any(Object),
        decisionLog: { bufferSize: 100000, batchSize: 1000, flushIntervalMs: 50 },
        reports: { decisionExportMaxDays: 7 },
        expiry: { sweepIntervalMs: 60000 },
        audit: { signingKey: AUDIT_SIGNING_KEY, checkpointIntervalMs: 30000 },
        metrics: { token: METRICS_TOKEN },
        screening: { listsDirectory: '/srv/lists', reviewThreshold: 0.8, blockThreshold: 0.9 },
        kycWebhooks: { secrets: ['current-webhook-secret-0123456789', 'previous-webhook-secret-0123456'], toleranceSeconds: 120 },
        webhooks: { secretKey: WEBHOOK_SECRET_KEY, timeoutMs: 5000, maxAttempts: 30, backoffBaseMs: 1000, backoffMaxMs: 3_600_000, concurrency: 64, httpAllowedHosts: ['hooks.internal', '127.0.0.1'] },
        kyc: { autoStartProvider: 'sandbox', pollDelayMs: 5000, validityDays: 180, sandbox: false },
        jobs: { attempts: 5, backoffMs: 1000, enqueueTimeoutMs: 500 },
        rateLimits: { perActorPerMinute: 60, perIpPerMinute: 10, perCredentialPerSecond: 500, unknownCredentialsPerIpPerMinute: 20 },
        logLevel: 'debug',
      });
    });

    it('does not read process.env when given an explicit source', () => {
      const saved = process.env.PARTNER_API_PORT;
      process.env.PARTNER_API_PORT = 'not-a-port';
      try {
        expect(loadConfig({}).http.ports.partnerApi).toBe(3001);
      } finally {
        if (saved === undefined) delete process.env.PARTNER_API_PORT;
        else process.env.PARTNER_API_PORT = saved;
      }
    });
  });

  describe('malformed values', () => {
    // [variable, bad value, what the message must say is expected]
    const cases: Array<[string, string, string]> = [
      ['PARTNER_API_PORT', 'abc', 'an integer from 0 to 65535'],
      ['PARTNER_API_PORT', '65536', 'an integer from 0 to 65535'],
      ['ADMIN_API_PORT', '-1', 'an integer from 0 to 65535'],
      ['ENTITLEMENTS_PORT', '3.5', 'an integer from 0 to 65535'],
      ['WORKER_PORT', '1e3', 'an integer from 0 to 65535'],
      ['DATABASE_POOL_SIZE', '0', 'an integer from 1 to 200'],
      ['BODY_LIMIT_BYTES', '100', 'an integer from 1024 to 52428800'],
      ['DATABASE_URL', 'notaurl', 'a URL (postgres, postgresql)'],
      ['DATABASE_URL', 'mysql://root@localhost/db', 'a URL (postgres, postgresql)'],
      ['REDIS_URL', 'http://localhost:6379', 'a URL (redis, rediss)'],
      ['JWT_ALGORITHM', 'XX', 'one of HS256, RS256'],
      ['JWT_ALGORITHM', 'hs256', 'one of HS256, RS256'],
      ['NODE_ENV', 'staging', 'one of development, test, production'],
      ['LOG_LEVEL', 'trace', 'one of error, warn, log, debug, verbose'],
      ['EVENT_STORE_POLL_INTERVAL_MS', '5', 'an integer from 10 to 60000'],
      ['RATE_LIMIT_PER_ACTOR_PER_MINUTE', '0', 'an integer from 1 to 1000000'],
      ['RATE_LIMIT_PER_IP_PER_MINUTE', 'lots', 'an integer from 1 to 1000000'],
      ['ENTITLEMENTS_RATE_LIMIT_PER_CREDENTIAL_PER_SECOND', '-5', 'an integer from 1 to 10000000'],
      ['ENTITLEMENTS_UNKNOWN_CREDENTIALS_PER_IP_PER_MINUTE', '1.5', 'an integer from 1 to 10000000'],
      ['CORS_ORIGINS', '*', 'a comma-separated list of origins such as https://console.example.com'],
      ['CORS_ORIGINS', 'https://ok.example.com,https://bad.example.com/path', 'a comma-separated list of origins such as https://console.example.com'],
    ];

    it.each(cases)('%s=%s throws a one-line ConfigError naming the variable and what it expects', (variable, value, expected) => {
      const error = configErrorOf({ [variable]: value });
      expect(error.name).toBe('ConfigError');
      expect(error.variable).toBe(variable);
      expect(error.expected).toBe(expected);
      expect(error.message).not.toMatch(/[\r\n]/);
      expect(error.message).toContain(variable);
      expect(error.message).toContain(expected);
      expect(error.message).toBe(`Invalid configuration: ${variable} must be ${expected} (got ${JSON.stringify(value)})`);
    });

    it('keeps the message on one line even when the bad value itself contains line breaks', () => {
      // e.g. a value read from a file with a trailing newline, or a badly quoted .env line.
      for (const [variable, value] of [
        ['PARTNER_API_PORT', '3001\n'],
        ['JWT_ALGORITHM', 'HS256\r\nRS256'],
        ['NODE_ENV', 'production\n'],
      ]) {
        const error = configErrorOf({ [variable]: value });
        expect(error.variable).toBe(variable);
        expect(error.message).toContain(variable);
        expect(error.message).not.toMatch(/[\r\n]/);
      }
    });

    it('never echoes a password from a malformed URL', () => {
      const error = configErrorOf({ DATABASE_URL: 'mysql://app:hunter2@db.internal/x' });
      expect(error.variable).toBe('DATABASE_URL');
      expect(error.message).not.toContain('hunter2');
    });

    it('reports the first malformed variable when several are wrong', () => {
      const error = configErrorOf({ DATABASE_URL: 'notaurl', PARTNER_API_PORT: 'abc' });
      expect(error.variable).toBe('DATABASE_URL');
    });
  });

  describe('JWT keys', () => {
    it('RS256 without a public key fails naming JWT_PUBLIC_KEY', () => {
      const error = configErrorOf({ JWT_ALGORITHM: 'RS256' });
      expect(error.variable).toBe('JWT_PUBLIC_KEY');
      expect(error.message).toContain('JWT_PUBLIC_KEY');
      expect(error.message).toContain('RS256');
      expect(error.message).not.toMatch(/[\r\n]/);
    });

    it('RS256 with something that is not a PEM public key fails naming JWT_PUBLIC_KEY without echoing the value', () => {
      const error = configErrorOf({ JWT_ALGORITHM: 'RS256', JWT_PUBLIC_KEY: 'ssh-rsa AAAAB3Nza secret-ish' });
      expect(error.variable).toBe('JWT_PUBLIC_KEY');
      expect(error.message).not.toContain('AAAAB3Nza');
      expect(error.message).not.toMatch(/[\r\n]/);
    });

    it('RS256 with a PEM public key verifies with it and has no secret', () => {
      const config = loadConfig({ JWT_ALGORITHM: 'RS256', JWT_PUBLIC_KEY: PUBLIC_PEM });
      expect(config.jwt).toMatchObject({ algorithm: 'RS256', verifyKey: PUBLIC_PEM });
      expect(config.jwt.secret).toBeUndefined();
    });

    it('RS256 reads the public key from JWT_PUBLIC_KEY_FILE, and names that variable when the file is unreadable', () => {
      const dir = mkdtempSync(join(tmpdir(), 'config-spec-'));
      try {
        const file = join(dir, 'jwt.pub');
        writeFileSync(file, PUBLIC_PEM);
        expect(loadConfig({ JWT_ALGORITHM: 'RS256', JWT_PUBLIC_KEY_FILE: file }).jwt.verifyKey).toBe(PUBLIC_PEM);
        const error = configErrorOf({ JWT_ALGORITHM: 'RS256', JWT_PUBLIC_KEY_FILE: join(dir, 'missing.pub') });
        expect(error.variable).toBe('JWT_PUBLIC_KEY_FILE');
        expect(error.message).not.toMatch(/[\r\n]/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('production without JWT_SECRET fails naming JWT_SECRET', () => {
      const error = configErrorOf({ NODE_ENV: 'production' });
      expect(error.variable).toBe('JWT_SECRET');
      expect(error.message).toContain('JWT_SECRET');
      expect(error.message).toContain('production');
      expect(error.message).not.toMatch(/[\r\n]/);
    });

    it('production with JWT_SECRET loads and uses it', () => {
      const config = loadConfig({ NODE_ENV: 'production', JWT_SECRET: SECRET, KYC_WEBHOOK_SECRETS: WEBHOOK_SECRET, WEBHOOK_SECRET_KEY, AUDIT_SIGNING_KEY, METRICS_TOKEN });
      expect(config.jwt).toMatchObject({ algorithm: 'HS256', secret: SECRET, verifyKey: SECRET });
    });

    it('production needs its own KYC webhook secrets', () => {
      expect(configErrorOf({ NODE_ENV: 'production', JWT_SECRET: SECRET }).variable).toBe('KYC_WEBHOOK_SECRETS');
      expect(configErrorOf({ KYC_WEBHOOK_SECRETS: 'a,b,c' }).variable).toBe('KYC_WEBHOOK_SECRETS');
    });

    it('production needs its own key for webhook secrets at rest, 64 hex digits, never echoed', () => {
      expect(configErrorOf({ NODE_ENV: 'production', JWT_SECRET: SECRET, KYC_WEBHOOK_SECRETS: WEBHOOK_SECRET }).variable).toBe('WEBHOOK_SECRET_KEY');
      const error = configErrorOf({ WEBHOOK_SECRET_KEY: 'f'.repeat(63) });
      expect(error.variable).toBe('WEBHOOK_SECRET_KEY');
      expect(error.message).not.toContain('f'.repeat(63));
      expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: SECRET, KYC_WEBHOOK_SECRETS: WEBHOOK_SECRET, WEBHOOK_SECRET_KEY, AUDIT_SIGNING_KEY, METRICS_TOKEN }).webhooks.secretKey).toBe(WEBHOOK_SECRET_KEY);
    });

    it('production needs its own audit signing key of at least 32 characters, never echoed', () => {
      expect(configErrorOf({ NODE_ENV: 'production', JWT_SECRET: SECRET, KYC_WEBHOOK_SECRETS: WEBHOOK_SECRET, WEBHOOK_SECRET_KEY, METRICS_TOKEN }).variable).toBe('AUDIT_SIGNING_KEY');
      const error = configErrorOf({ AUDIT_SIGNING_KEY: 'too-short-audit-key' });
      expect(error.variable).toBe('AUDIT_SIGNING_KEY');
      expect(error.message).not.toContain('too-short-audit-key');
    });

    it('production needs its own metrics token of at least 24 characters, never echoed', () => {
      expect(configErrorOf({ NODE_ENV: 'production', JWT_SECRET: SECRET, KYC_WEBHOOK_SECRETS: WEBHOOK_SECRET, WEBHOOK_SECRET_KEY, AUDIT_SIGNING_KEY }).variable).toBe('METRICS_TOKEN');
      const error = configErrorOf({ METRICS_TOKEN: 'short-metrics' });
      expect(error.variable).toBe('METRICS_TOKEN');
      expect(error.message).not.toContain('short-metrics');
    });

    it('never offers the sandbox KYC provider in production unless asked to, and always elsewhere unless refused', () => {
      const production = { NODE_ENV: 'production', JWT_SECRET: SECRET, KYC_WEBHOOK_SECRETS: WEBHOOK_SECRET, WEBHOOK_SECRET_KEY, AUDIT_SIGNING_KEY, METRICS_TOKEN };
      expect(loadConfig(production).kyc.sandbox).toBe(false);
      expect(loadConfig({ ...production, KYC_SANDBOX: 'on' }).kyc.sandbox).toBe(true);
      expect(loadConfig({}).kyc.sandbox).toBe(true);
      expect(loadConfig({ KYC_SANDBOX: 'off' }).kyc.sandbox).toBe(false);
      expect(configErrorOf({ KYC_SANDBOX: 'yes' }).variable).toBe('KYC_SANDBOX');
    });

    it('refuses a review threshold above the block threshold', () => {
      expect(configErrorOf({ SCREENING_REVIEW_THRESHOLD: '0.97', SCREENING_BLOCK_THRESHOLD: '0.9' }).variable).toBe('SCREENING_REVIEW_THRESHOLD');
    });

    it('production never falls back to the development secret', () => {
      const development = loadConfig({}).jwt.secret!;
      expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: '' })).toThrow(ConfigError);
      expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: SECRET, KYC_WEBHOOK_SECRETS: WEBHOOK_SECRET, WEBHOOK_SECRET_KEY, AUDIT_SIGNING_KEY, METRICS_TOKEN }).jwt.secret).not.toBe(development);
    });

    it('a short JWT_SECRET fails naming JWT_SECRET without echoing the secret', () => {
      const error = configErrorOf({ JWT_SECRET: 'short-secret' });
      expect(error.variable).toBe('JWT_SECRET');
      expect(error.message).toContain('at least 32 characters');
      expect(error.message).not.toContain('short-secret');
      expect(error.message).not.toMatch(/[\r\n]/);
    });
  });
});
