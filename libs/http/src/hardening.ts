import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { TokenVerifier } from '@app/auth';
import type { AppConfig } from '@app/config';

const MINUTE_MS = 60_000;

/** The 429 of every app: the one error body shape, and Retry-After in seconds. */
class TooManyRequestsError extends Error {
  readonly statusCode = 429;
  readonly code = 'RATE_LIMITED';
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many requests: retry after ${retryAfterSeconds} seconds.`);
  }
}

/**
 * Whose budget a request spends: a partner's users share their partner's, staff and services have
 * their own, and a request without an acceptable token spends its client address's smaller budget.
 */
function rateLimitKeyOf(actor: { id: string; partnerId: string | null } | null, clientAddress: string): string {
  if (!actor) return `ip:${clientAddress}`;
  return actor.partnerId ? `partner:${actor.partnerId}` : `actor:${actor.id}`;
}

/**
 * Requests per minute per actor (or per client address when unauthenticated), counted in memory per
 * replica. Runs before Nest's guards, so the token is verified here too (once, then remembered).
 */
export async function registerRateLimit(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  const tokens = new TokenVerifier(config);
  const keyOf = (request: FastifyRequest) => rateLimitKeyOf(tokens.actorOf(request.headers.authorization), request.ip);
  await app.register(rateLimit, {
    global: true,
    timeWindow: MINUTE_MS,
    max: (request, key) => (key.startsWith('ip:') ? config.rateLimits.perIpPerMinute : config.rateLimits.perActorPerMinute),
    keyGenerator: keyOf,
    // Probes of liveness and readiness are not a client's traffic.
    allowList: (request) => request.url.startsWith('/health/'),
    errorResponseBuilder: (_request, context) => new TooManyRequestsError(Math.max(1, Math.ceil(context.ttl / 1000))),
  });
}

/**
 * Browser-facing hardening: helmet's headers, and CORS only for the configured origins (off when
 * none are). The APIs answer JSON to bearer-token callers, so no cookies or credentials are allowed.
 */
export async function registerBrowserHardening(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  await app.register(helmet, { global: true });
  if (config.http.corsOrigins.length > 0) {
    app.enableCors({
      origin: config.http.corsOrigins,
      methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: ['authorization', 'content-type', 'idempotency-key', 'x-correlation-id'],
      exposedHeaders: ['retry-after', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset'],
      credentials: false,
      maxAge: 600,
    });
  }
}
