import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError, env, readEnv } from './env';

const DEVELOPMENT_JWT_SECRET = 'development-only-secret-change-me-0123456789';

const schema = {
  NODE_ENV: env.oneOf(['development', 'test', 'production'] as const, 'development'),
  DATABASE_URL: env.url(['postgres', 'postgresql'], 'postgres://postgres@127.0.0.1:5432/model_access'),
  DATABASE_POOL_SIZE: env.integer(1, 200, 10),
  REDIS_URL: env.url(['redis', 'rediss'], 'redis://127.0.0.1:6379/0'),
  REDIS_PREFIX: env.string('model-access'),
  HOST: env.string('127.0.0.1'),
  PARTNER_API_PORT: env.integer(0, 65535, 3001),
  ADMIN_API_PORT: env.integer(0, 65535, 3002),
  ENTITLEMENTS_PORT: env.integer(0, 65535, 3003),
  WORKER_PORT: env.integer(0, 65535, 3004),
  BODY_LIMIT_BYTES: env.integer(1024, 50 * 1024 * 1024, 1024 * 1024),
  CORS_ORIGINS: env.list([]),
  RATE_LIMIT_PER_ACTOR_PER_MINUTE: env.integer(1, 1_000_000, 600),
  RATE_LIMIT_PER_IP_PER_MINUTE: env.integer(1, 1_000_000, 120),
  ENTITLEMENTS_RATE_LIMIT_PER_CREDENTIAL_PER_SECOND: env.integer(1, 10_000_000, 2000),
  ENTITLEMENTS_UNKNOWN_CREDENTIALS_PER_IP_PER_MINUTE: env.integer(1, 10_000_000, 300),
  JWT_ALGORITHM: env.oneOf(['HS256', 'RS256'] as const, 'HS256'),
  JWT_SECRET: env.optionalString(),
  JWT_PUBLIC_KEY: env.optionalString(),
  JWT_PUBLIC_KEY_FILE: env.optionalString(),
  JWT_ISSUER: env.string('model-access-dev'),
  JWT_AUDIENCE: env.string('model-access'),
  EVENT_STORE_POLL_INTERVAL_MS: env.integer(10, 60_000, 500),
  EVENT_STORE_BATCH_SIZE: env.integer(1, 100_000, 2000),
  ENTITLEMENTS_MIN_POSITION_WAIT_MS: env.integer(0, 10_000, 250),
  ENTITLEMENTS_STALENESS_BOUND_MS: env.integer(100, 600_000, 5000),
  ENTITLEMENTS_DECISION_TTL_MS: env.integer(0, 3_600_000, 1000),
  ENTITLEMENTS_TRUSTED_PROXIES: env.list([]),
  ENTITLEMENTS_SNAPSHOTS: env.oneOf(['on', 'off'] as const, 'on'),
  ENTITLEMENTS_SNAPSHOT_MIN_EVENTS: env.integer(1, 1_000_000_000, 100_000),
  ENTITLEMENTS_SNAPSHOT_REFRESH_MS: env.integer(0, 86_400_000, 900_000),
  GEO_VPN_LISTS: env.list([resolve(process.cwd(), '../shared/data/ip-reputation/vpn-ipv4.txt')]),
  GEO_DATACENTER_LISTS: env.list([resolve(process.cwd(), '../shared/data/ip-reputation/datacenter-ipv4.txt')]),
  GEO_TOR_EXIT_LIST: env.optionalString(),
  ENTITLEMENTS_EMBARGOED_COUNTRIES: env.list(['CU', 'IR', 'KP', 'SY']),
  ENTITLEMENTS_DENIED_ANONYMIZERS: env.list(['tor', 'vpn']),
  ENTITLEMENTS_UNKNOWN_COUNTRY: env.oneOf(['deny', 'allow'] as const, 'deny'),
  DECISION_LOG_BUFFER_SIZE: env.integer(100, 10_000_000, 100_000),
  DECISION_LOG_BATCH_SIZE: env.integer(1, 50_000, 1000),
  DECISION_LOG_FLUSH_INTERVAL_MS: env.integer(10, 60_000, 50),
  REPORTS_DECISION_EXPORT_MAX_DAYS: env.integer(1, 3660, 31),
  RESTRICTED_PARTY_LISTS_DIR: env.string(resolve(process.cwd(), '../shared/data/restricted-parties')),
  SCREENING_REVIEW_THRESHOLD: env.decimal(0, 1, 0.85),
  SCREENING_BLOCK_THRESHOLD: env.decimal(0, 1, 0.95),
  KYC_WEBHOOK_SECRETS: env.list([]),
  KYC_WEBHOOK_TOLERANCE_SECONDS: env.integer(1, 3600, 300),
  WEBHOOK_SECRET_KEY: env.optionalString(),
  WEBHOOK_TIMEOUT_MS: env.integer(100, 120_000, 10_000),
  WEBHOOK_MAX_ATTEMPTS: env.integer(1, 200, 20),
  WEBHOOK_BACKOFF_BASE_MS: env.integer(1, 86_400_000, 60_000),
  WEBHOOK_BACKOFF_MAX_MS: env.integer(1, 7 * 86_400_000, 4 * 3_600_000),
  WEBHOOK_CONCURRENCY: env.integer(1, 1000, 32),
  WEBHOOK_HTTP_ALLOWED_HOSTS: env.list([]),
  KYC_AUTO_START_PROVIDER: env.optionalString(),
  KYC_POLL_DELAY_MS: env.integer(0, 86_400_000, 30_000),
  KYC_VALIDITY_DAYS: env.integer(1, 3650, 365),
  KYC_SANDBOX: env.oneOf(['auto', 'on', 'off'] as const, 'auto'),
  EXPIRY_SWEEP_INTERVAL_MS: env.integer(1000, 86_400_000, 300_000),
  JOB_ATTEMPTS: env.integer(1, 100, 10),
  JOB_BACKOFF_MS: env.integer(10, 3_600_000, 2000),
  JOB_ENQUEUE_TIMEOUT_MS: env.integer(100, 60_000, 2000),
  AUDIT_SIGNING_KEY: env.optionalString(),
  METRICS_TOKEN: env.optionalString(),
  AUDIT_CHECKPOINT_INTERVAL_MS: env.integer(1000, 86_400_000, 60_000),
  LOG_LEVEL: env.oneOf(['error', 'warn', 'log', 'debug', 'verbose'] as const, 'log'),
};

export interface AppConfig {
  env: 'development' | 'test' | 'production';
  database: { url: string; poolSize: number };
  redis: { url: string; prefix: string };
  http: {
    host: string;
    bodyLimitBytes: number;
    /** Browser origins allowed by CORS; empty: CORS off. */
    corsOrigins: string[];
    ports: { partnerApi: number; adminApi: number; entitlements: number; worker: number };
  };
  jwt: { algorithm: 'HS256' | 'RS256'; verifyKey: string; secret?: string; issuer: string; audience: string };
  eventStore: { pollIntervalMs: number; batchSize: number };
  entitlements: {
    minPositionWaitMs: number;
    stalenessBoundMs: number;
    decisionTtlMs: number;
    trustedProxies: string[];
    /** Start from the newest index snapshot, and write one when a start replayed at least `snapshotMinEvents`. */
    snapshots: boolean;
    snapshotMinEvents: number;
    /**
     * How often the worker checks the newest snapshot, and writes a new one when the log holds at least
     * `snapshotMinEvents` past it; 0: never (snapshots are then written only by replicas' starts).
     */
    snapshotRefreshMs: number;
  };
  /** Caller geography: network lists (files) and the policy the check applies to them. */
  geo: { vpnLists: string[]; datacenterLists: string[]; torExitList: string | null; embargoedCountries: string[]; deniedAnonymizers: ('tor' | 'vpn' | 'datacenter')[]; unknownCountry: 'deny' | 'allow' };
  /** The audit log of decisions: buffered in memory, written in batches off the hot path. */
  decisionLog: { bufferSize: number; batchSize: number; flushIntervalMs: number };
  /** Compliance reports: the longest time range one decision-log export may cover. */
  reports: { decisionExportMaxDays: number };
  screening: { listsDirectory: string; reviewThreshold: number; blockThreshold: number };
  /** Secrets that sign KYC provider webhooks: one, or two while rotating. */
  kycWebhooks: { secrets: string[]; toleranceSeconds: number };
  /**
   * Partner webhooks: the key (64 hex digits) that encrypts endpoint secrets at rest, the per-request
   * timeout, retries (exponential from backoffBaseMs, capped at backoffMaxMs, with jitter) before a
   * delivery is dead-lettered, deliveries in flight at once, and hosts that may be reached over plain HTTP.
   */
  webhooks: { secretKey: string; timeoutMs: number; maxAttempts: number; backoffBaseMs: number; backoffMaxMs: number; concurrency: number; httpAllowedHosts: string[] };
  /** Jobs around KYC: the provider a submitted application's KYB starts with (null: the partner starts it), polling, and how long a verification holds. */
  /** `sandbox`: the sandbox provider (verifies whatever a partner declares) may be used; never by default in production. */
  kyc: { autoStartProvider: string | null; pollDelayMs: number; validityDays: number; sandbox: boolean };
  /** How often the worker sweeps for windows that ended with no timer acting on them (timers lost with Redis). */
  expiry: { sweepIntervalMs: number };
  /** Background jobs: a failed job is retried `attempts` times, waiting backoffMs, 2x, 4x... */
  jobs: { attempts: number; backoffMs: number; enqueueTimeoutMs: number };
  /**
   * Request budgets, per replica. The APIs: per actor (partner roles share their partner's) and per
   * client address for unauthenticated calls. The hot path: per partner credential, and unknown
   * credentials per client address (credential guessing).
   */
  rateLimits: { perActorPerMinute: number; perIpPerMinute: number; perCredentialPerSecond: number; unknownCredentialsPerIpPerMinute: number };
  /** Tamper evidence: the key that signs audit checkpoints, and how often the worker records one. */
  audit: { signingKey: string; checkpointIntervalMs: number };
  /** The bearer token Prometheus presents to GET /metrics. */
  metrics: { token: string };
  logLevel: 'error' | 'warn' | 'log' | 'debug' | 'verbose';
}

const DEVELOPMENT_WEBHOOK_SECRET = 'development-only-kyc-webhook-secret-0123456789';

/** Validates the environment once, at start-up, into a typed object. Throws ConfigError naming the variable. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): AppConfig {
  const e = readEnv(schema, source);
  if (e.SCREENING_REVIEW_THRESHOLD > e.SCREENING_BLOCK_THRESHOLD) {
    throw new ConfigError('SCREENING_REVIEW_THRESHOLD', `at most SCREENING_BLOCK_THRESHOLD (${e.SCREENING_BLOCK_THRESHOLD})`, String(e.SCREENING_REVIEW_THRESHOLD));
  }
  let verifyKey: string;
  let secret: string | undefined;
  if (e.JWT_ALGORITHM === 'HS256') {
    secret = e.JWT_SECRET ?? (e.NODE_ENV === 'production' ? undefined : DEVELOPMENT_JWT_SECRET);
    if (!secret) throw new ConfigError('JWT_SECRET', 'set when JWT_ALGORITHM is HS256 in production', undefined);
    if (secret.length < 32) throw new ConfigError('JWT_SECRET', 'at least 32 characters long', '<hidden>');
    verifyKey = secret;
  } else {
    const pem = e.JWT_PUBLIC_KEY ?? (e.JWT_PUBLIC_KEY_FILE ? readKeyFile(e.JWT_PUBLIC_KEY_FILE) : undefined);
    if (!pem || !pem.includes('BEGIN PUBLIC KEY')) {
      throw new ConfigError('JWT_PUBLIC_KEY', 'a PEM public key (or JWT_PUBLIC_KEY_FILE a path to one) when JWT_ALGORITHM is RS256', pem ? '<not a PEM public key>' : undefined);
    }
    verifyKey = pem;
  }
  return {
    env: e.NODE_ENV,
    database: { url: e.DATABASE_URL, poolSize: e.DATABASE_POOL_SIZE },
    redis: { url: e.REDIS_URL, prefix: e.REDIS_PREFIX },
    http: {
      host: e.HOST,
      bodyLimitBytes: e.BODY_LIMIT_BYTES,
      corsOrigins: corsOrigins(e.CORS_ORIGINS),
      ports: {
        partnerApi: e.PARTNER_API_PORT,
        adminApi: e.ADMIN_API_PORT,
        entitlements: e.ENTITLEMENTS_PORT,
        worker: e.WORKER_PORT,
      },
    },
    jwt: { algorithm: e.JWT_ALGORITHM, verifyKey, secret, issuer: e.JWT_ISSUER, audience: e.JWT_AUDIENCE },
    eventStore: { pollIntervalMs: e.EVENT_STORE_POLL_INTERVAL_MS, batchSize: e.EVENT_STORE_BATCH_SIZE },
    entitlements: {
      minPositionWaitMs: e.ENTITLEMENTS_MIN_POSITION_WAIT_MS,
      stalenessBoundMs: e.ENTITLEMENTS_STALENESS_BOUND_MS,
      decisionTtlMs: e.ENTITLEMENTS_DECISION_TTL_MS,
      trustedProxies: e.ENTITLEMENTS_TRUSTED_PROXIES,
      snapshots: e.ENTITLEMENTS_SNAPSHOTS === 'on',
      snapshotMinEvents: e.ENTITLEMENTS_SNAPSHOT_MIN_EVENTS,
      snapshotRefreshMs: e.ENTITLEMENTS_SNAPSHOT_REFRESH_MS,
    },
    geo: {
      vpnLists: e.GEO_VPN_LISTS,
      datacenterLists: e.GEO_DATACENTER_LISTS,
      torExitList: e.GEO_TOR_EXIT_LIST ?? null,
      embargoedCountries: e.ENTITLEMENTS_EMBARGOED_COUNTRIES.map((c) => c.toUpperCase()),
      deniedAnonymizers: anonymizers(e.ENTITLEMENTS_DENIED_ANONYMIZERS),
      unknownCountry: e.ENTITLEMENTS_UNKNOWN_COUNTRY,
    },
    decisionLog: { bufferSize: e.DECISION_LOG_BUFFER_SIZE, batchSize: e.DECISION_LOG_BATCH_SIZE, flushIntervalMs: e.DECISION_LOG_FLUSH_INTERVAL_MS },
    reports: { decisionExportMaxDays: e.REPORTS_DECISION_EXPORT_MAX_DAYS },
    screening: {
      listsDirectory: e.RESTRICTED_PARTY_LISTS_DIR,
      reviewThreshold: e.SCREENING_REVIEW_THRESHOLD,
      blockThreshold: e.SCREENING_BLOCK_THRESHOLD,
    },
    kycWebhooks: { secrets: webhookSecrets(e.KYC_WEBHOOK_SECRETS, e.NODE_ENV), toleranceSeconds: e.KYC_WEBHOOK_TOLERANCE_SECONDS },
    webhooks: {
      secretKey: webhookSecretKey(e.WEBHOOK_SECRET_KEY, e.NODE_ENV),
      timeoutMs: e.WEBHOOK_TIMEOUT_MS,
      maxAttempts: e.WEBHOOK_MAX_ATTEMPTS,
      backoffBaseMs: e.WEBHOOK_BACKOFF_BASE_MS,
      backoffMaxMs: e.WEBHOOK_BACKOFF_MAX_MS,
      concurrency: e.WEBHOOK_CONCURRENCY,
      httpAllowedHosts: e.WEBHOOK_HTTP_ALLOWED_HOSTS.map((host) => host.toLowerCase()),
    },
    kyc: {
      autoStartProvider: e.KYC_AUTO_START_PROVIDER ?? null,
      pollDelayMs: e.KYC_POLL_DELAY_MS,
      validityDays: e.KYC_VALIDITY_DAYS,
      sandbox: e.KYC_SANDBOX === 'on' || (e.KYC_SANDBOX === 'auto' && e.NODE_ENV !== 'production'),
    },
    expiry: { sweepIntervalMs: e.EXPIRY_SWEEP_INTERVAL_MS },
    jobs: { attempts: e.JOB_ATTEMPTS, backoffMs: e.JOB_BACKOFF_MS, enqueueTimeoutMs: e.JOB_ENQUEUE_TIMEOUT_MS },
    rateLimits: {
      perActorPerMinute: e.RATE_LIMIT_PER_ACTOR_PER_MINUTE,
      perIpPerMinute: e.RATE_LIMIT_PER_IP_PER_MINUTE,
      perCredentialPerSecond: e.ENTITLEMENTS_RATE_LIMIT_PER_CREDENTIAL_PER_SECOND,
      unknownCredentialsPerIpPerMinute: e.ENTITLEMENTS_UNKNOWN_CREDENTIALS_PER_IP_PER_MINUTE,
    },
    audit: { signingKey: auditSigningKey(e.AUDIT_SIGNING_KEY, e.NODE_ENV), checkpointIntervalMs: e.AUDIT_CHECKPOINT_INTERVAL_MS },
    metrics: { token: metricsToken(e.METRICS_TOKEN, e.NODE_ENV) },
    logLevel: e.LOG_LEVEL,
  };
}

/** Exact origins only (scheme, host, port): no wildcard, no path. */
function corsOrigins(values: string[]): string[] {
  for (const value of values) {
    let origin: string | null = null;
    try {
      origin = new URL(value).origin;
    } catch {
      /* not a URL */
    }
    if (origin !== value || !/^https?:/.test(value)) {
      throw new ConfigError('CORS_ORIGINS', 'a comma-separated list of origins such as https://console.example.com', values.join(','));
    }
  }
  return values;
}

/**
 * A secret setting: outside production a development value stands in when it is unset; in production it
 * must be set. A wrong value fails naming the variable and what it expects, never echoing the value.
 */
function secretSetting(name: string, value: string | undefined, nodeEnv: string, rule: { expected: string; valid: (value: string) => boolean; development: string }): string {
  if (value === undefined) {
    if (nodeEnv === 'production') throw new ConfigError(name, `${rule.expected} in production`, undefined);
    return rule.development;
  }
  if (!rule.valid(value)) throw new ConfigError(name, rule.expected, undefined);
  return value;
}

function webhookSecretKey(key: string | undefined, nodeEnv: string): string {
  return secretSetting('WEBHOOK_SECRET_KEY', key, nodeEnv, {
    expected: '64 hex digits (a 256-bit key)',
    valid: (value) => /^[0-9a-fA-F]{64}$/.test(value),
    development: '6d6f64656c2d6163636573732d646576656c6f706d656e742d6f6e6c792d3031',
  });
}

function auditSigningKey(key: string | undefined, nodeEnv: string): string {
  return secretSetting('AUDIT_SIGNING_KEY', key, nodeEnv, {
    expected: 'a secret of at least 32 characters',
    valid: (value) => value.length >= 32,
    development: 'development-only-audit-signing-key-0123456789',
  });
}

function metricsToken(token: string | undefined, nodeEnv: string): string {
  return secretSetting('METRICS_TOKEN', token, nodeEnv, {
    expected: 'a token of at least 24 characters',
    valid: (value) => value.length >= 24,
    development: 'development-only-metrics-token-0123456789',
  });
}

function anonymizers(values: string[]): ('tor' | 'vpn' | 'datacenter')[] {
  for (const value of values) {
    if (value !== 'tor' && value !== 'vpn' && value !== 'datacenter') {
      throw new ConfigError('ENTITLEMENTS_DENIED_ANONYMIZERS', 'a comma-separated list of tor, vpn, datacenter', values.join(','));
    }
  }
  return values as ('tor' | 'vpn' | 'datacenter')[];
}

function webhookSecrets(secrets: string[], nodeEnv: string): string[] {
  if (secrets.length === 0) {
    if (nodeEnv === 'production') throw new ConfigError('KYC_WEBHOOK_SECRETS', 'one or two comma-separated secrets in production', undefined);
    return [DEVELOPMENT_WEBHOOK_SECRET];
  }
  if (secrets.length > 2 || secrets.some((s) => s.length < 24)) {
    throw new ConfigError('KYC_WEBHOOK_SECRETS', 'one or two comma-separated secrets of at least 24 characters', undefined);
  }
  return secrets;
}

function readKeyFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw new ConfigError('JWT_PUBLIC_KEY_FILE', 'a readable file', path);
  }
}
