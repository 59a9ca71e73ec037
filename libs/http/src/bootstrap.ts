import { INestApplication, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AppConfig } from '@app/config';
import { Logger } from 'nestjs-pino';
import type { FastLane } from './fast-lane';
import { registerBrowserHardening, registerRateLimit } from './hardening';
import { AppMetrics, registerMetrics } from './operability/metrics';
import { answerRequestIds, requestIdOf } from './request-context';
import { recordServedRoutes } from './served-routes';
import { HttpErrorFilter } from './http-error.filter';
import { createValidationPipe, rejectDeepBodies } from './validation';

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

export interface HttpAppOptions {
  name: string;
  config: AppConfig;
  /** Peers whose X-Forwarded-For / X-Real-IP are believed (Fastify's trustProxy). */
  trustProxy?: string[] | boolean;
  /** Keep each request's raw body (request.rawBody) for signature checks. */
  rawBody?: boolean;
  /** Called by browsers (review console, partner portal): helmet headers, CORS when configured. */
  browserFacing?: boolean;
  /** Requests per minute per actor, or per client address without a token (config.rateLimits). */
  rateLimited?: boolean;
  /** Routes served on the same port ahead of Nest's request pipeline (the entitlement check). */
  fastLane?: FastLane;
}

/**
 * Every app is served the same way: Fastify with a body limit (413 beyond it), validation at the
 * edge, one error mapping, clean shutdown; browser-facing apps add security headers and CORS.
 */
export async function createHttpApp(module: unknown, options: HttpAppOptions): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: options.config.http.bodyLimitBytes,
    trustProxy: options.trustProxy ?? false,
    logger: false,
    // Long ids must reach ParseIdPipe (a 400 naming the parameter), not stop at Fastify's 414.
    routerOptions: { maxParamLength: 1000 },
    genReqId: requestIdOf,
    ...(options.fastLane
      ? { serverFactory: (handler: Parameters<FastLane['serverFor']>[0], settings: Record<string, unknown>) => options.fastLane!.serverFor(handler, settings) }
      : {}),
  });
  recordServedRoutes(adapter.getInstance());
  const app = await NestFactory.create<NestFastifyApplication>(module as never, adapter, {
    logger: LEVELS.slice(0, LEVELS.indexOf(options.config.logLevel) + 1),
    abortOnError: false,
    rawBody: options.rawBody ?? false,
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  const fastify = app.getHttpAdapter().getInstance();
  answerRequestIds(fastify);
  registerMetrics(fastify, app.get(AppMetrics), options.config.metrics.token);
  if (options.fastLane) {
    options.fastLane.observeWith(app.get(AppMetrics));
  }
  if (options.browserFacing) await registerBrowserHardening(app, options.config);
  if (options.rateLimited) await registerRateLimit(app, options.config);
  app.useGlobalPipes(createValidationPipe());
  app.getHttpAdapter().getInstance().addHook('preValidation', rejectDeepBodies);
  app.useGlobalFilters(new HttpErrorFilter());
  app.enableShutdownHooks();
  return app;
}

export async function listen(app: INestApplication, port: number, host: string): Promise<string> {
  await app.listen(port, host);
  const address = (app.getHttpServer().address() as { port: number }).port;
  return `http://${host}:${address}`;
}
