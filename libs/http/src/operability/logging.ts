import { RequestMethod } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import type { AppConfig } from '@app/config';

const PINO_LEVEL = { error: 'error', warn: 'warn', log: 'info', debug: 'debug', verbose: 'trace' } as const;

/** Header and field names whose values never reach a log line. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-signature"]',
  'req.headers["x-webhook-signature"]',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  '*.credential',
  '*.secret',
  '*.password',
  '*.token',
];

/**
 * Structured JSON logs (pino): one line per answered request with its request id, method, route, status
 * and time; app logs carry the request id of the request they belong to. Lines go through
 * process.stdout.write at the time of writing (so a test, or a wrapper, sees every line).
 * `loggedRoutes` limits the per-request logging to those route patterns (the entitlements app: everything but
 * its hot path, which the decision log records; a middleware on the hot path cost 4-5% of its CPU, profiled).
 */
export function loggingParams(app: string, config: AppConfig, loggedRoutes: string[] = ['*path']): Params {
  return {
    pinoHttp: [
      {
        name: app,
        level: PINO_LEVEL[config.logLevel],
        redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
        // The request id Fastify drew (or took from X-Request-Id / X-Correlation-Id): see createHttpApp.
        genReqId: (req: IncomingMessage) => (req as IncomingMessage & { id?: string }).id ?? 'unknown',
        serializers: {
          req: (req: IncomingMessage & { id?: string }) => ({ id: req.id, method: req.method, url: req.url, remoteAddress: req.socket?.remoteAddress }),
          res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
        },
        autoLogging: { ignore: (req: IncomingMessage) => /^\/(health|metrics)(\/|$)/.test(req.url ?? '') },
        // A refused request is the client's business (info); a failure of ours is an error.
        customLogLevel: (_req: IncomingMessage, res: ServerResponse, error?: Error) => (error || res.statusCode >= 500 ? 'error' : 'info'),
      },
      { write: (line: string) => process.stdout.write(line) },
    ],
    // Spelled out: nestjs-pino's default route pattern matches nothing under this Fastify adapter.
    forRoutes: loggedRoutes.map((path) => ({ path, method: RequestMethod.ALL })),
    renameContext: 'component',
  };
}
