import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { DomainError } from '@app/domain';
import { IdempotencyConflictError, WrongExpectedVersionError } from '@app/event-store';
import { KycWebhookPayloadError, WebhookSignatureError } from '@app/kyc';
import type { FastifyReply } from 'fastify';

const STATUS_OF_KIND = { conflict: 409, not_found: 404, forbidden: 403, invalid: 400 } as const;

export interface ErrorBody {
  statusCode: number;
  error: string;
  code: string;
  message: string;
  [detail: string]: unknown;
}

function statusText(status: number): string {
  const name = HttpStatus[status];
  return name ? name.toLowerCase().split('_').map((w) => w[0].toUpperCase() + w.slice(1)).join(' ') : 'Error';
}

const PAYLOAD_TOO_LARGE: ErrorBody = {
  statusCode: 413,
  error: 'Payload Too Large',
  code: 'PAYLOAD_TOO_LARGE',
  message: 'Request body is larger than this service accepts (BODY_LIMIT_BYTES).',
};

const STORE_UNAVAILABLE: ErrorBody = {
  statusCode: 503,
  error: 'Service Unavailable',
  code: 'STORE_UNAVAILABLE',
  message: 'The database cannot be reached right now; nothing was changed. Retry shortly.',
};

/** PostgreSQL refusing work while it starts, stops or is out of connections, and lost or refused connections. */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006', '53300']);
const UNAVAILABLE_SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND']);
/** ...and every pool connection busy for longer than Prisma waits to start a transaction (P2028; nothing ran). */
const UNAVAILABLE_MESSAGES =
  /Connection terminated|connection error|timeout exceeded when trying to connect|Can't reach database server|the database system is (starting up|shutting down)|Unable to start a transaction in the given time/i;

/**
 * True when the error, or an error it wraps (Prisma's driver adapter wraps pg's), says the database could not
 * be reached: the request did nothing and may be retried, which is a 503, not a 500.
 */
export function isStoreUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length > 0 && seen.size < 10) {
    const current = queue.shift();
    if (typeof current !== 'object' || current === null || seen.has(current)) continue;
    seen.add(current);
    const e = current as { code?: unknown; message?: unknown; cause?: unknown; originalCode?: unknown; meta?: { driverAdapterError?: unknown } };
    if (typeof e.code === 'string' && (UNAVAILABLE_SQLSTATES.has(e.code) || UNAVAILABLE_SOCKET_CODES.has(e.code))) return true;
    if (typeof e.originalCode === 'string' && UNAVAILABLE_SQLSTATES.has(e.originalCode)) return true;
    if (typeof e.message === 'string' && UNAVAILABLE_MESSAGES.test(e.message)) return true;
    queue.push(e.cause, e.meta?.driverAdapterError);
  }
  return false;
}

/** Maps every error to HTTP at one boundary: domain codes, concurrency, validation, transport. */
export function toErrorBody(error: unknown): ErrorBody | null {
  if (error instanceof DomainError) {
    const statusCode = STATUS_OF_KIND[error.kind];
    const body: ErrorBody = { statusCode, error: statusText(statusCode), code: error.code, message: error.message, ...error.details };
    // A domain rule about one field reads like every other validation error.
    if (error.kind === 'invalid' && typeof error.details.field === 'string') body.fields = [{ field: error.details.field, messages: [error.message] }];
    return body;
  }
  if (error instanceof WrongExpectedVersionError) {
    return {
      statusCode: 409,
      error: 'Conflict',
      code: error.code,
      message: `${error.message} Someone else changed it first: reload and retry.`,
      streamId: error.streamId,
      actualVersion: error.actual,
    };
  }
  if (error instanceof WebhookSignatureError) {
    // Nothing about which secret or what was expected: only that the delivery is not authentic.
    return { statusCode: 401, error: 'Unauthorized', code: error.code, message: 'Webhook signature rejected.' };
  }
  if (error instanceof KycWebhookPayloadError) {
    return { statusCode: 400, error: 'Bad Request', code: error.code, message: error.message, fields: error.field ? [{ field: error.field, messages: [error.message] }] : [] };
  }
  if (error instanceof IdempotencyConflictError) {
    return { statusCode: 409, error: 'Conflict', code: error.code, message: error.message };
  }
  if (error instanceof HttpException) {
    const statusCode = error.getStatus();
    // Raised by Fastify's parser or by Nest's raw-body parser: the same answer either way.
    if (statusCode === 413) return { ...PAYLOAD_TOO_LARGE };
    const response = error.getResponse();
    const body = typeof response === 'string' ? { message: response } : (response as Record<string, unknown>);
    const message = Array.isArray(body.message) ? body.message.join('; ') : String(body.message ?? error.message);
    return { ...body, statusCode, error: statusText(statusCode), code: String(body.code ?? `HTTP_${statusCode}`), message };
  }
  if (isStoreUnavailable(error)) return { ...STORE_UNAVAILABLE };
  // Errors raised by Fastify itself (body too large, bad JSON, wrong content type) carry a 4xx.
  const transport = error as { statusCode?: number; code?: string; message?: string };
  if (transport?.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return { ...PAYLOAD_TOO_LARGE };
  if (typeof transport?.statusCode === 'number' && transport.statusCode >= 400 && transport.statusCode < 500) {
    return {
      statusCode: transport.statusCode,
      error: statusText(transport.statusCode),
      code: transport.code ?? `HTTP_${transport.statusCode}`,
      message: transport.message ?? 'Bad request',
    };
  }
  return null;
}

const errorLogger = new Logger('HttpErrorFilter');

/** What `sendError` needs of a reply: Fastify's, or the fast lane's. */
export interface ErrorReply {
  header(name: string, value: string): unknown;
  status(code: number): unknown;
  send(body: unknown): unknown;
}

/**
 * Answers an error with its mapped body (a 503 says when to retry); an error nothing maps is logged and
 * answered 500 without detail. Nest's routes reach it through `HttpErrorFilter`, the fast lane directly.
 */
export function sendError<R extends ErrorReply>(reply: R, error: unknown): R {
  const body = toErrorBody(error);
  if (body) {
    if (body.statusCode === 503) reply.header('Retry-After', '1');
    // Readiness probes answer 503 many times a second while an app starts: only the store's absence is news.
    if (body.code === STORE_UNAVAILABLE.code) errorLogger.warn(`503: ${(error as Error)?.message ?? String(error)}`);
    reply.status(body.statusCode);
    reply.send(body);
    return reply;
  }
  errorLogger.error((error as Error)?.stack ?? String(error));
  reply.status(500);
  reply.send({ statusCode: 500, error: 'Internal Server Error', code: 'INTERNAL', message: 'Internal server error' });
  return reply;
}

@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  catch(error: unknown, host: ArgumentsHost): void {
    void sendError(host.switchToHttp().getResponse<FastifyReply>(), error);
  }
}
