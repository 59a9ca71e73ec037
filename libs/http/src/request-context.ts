import { BadRequestException, createParamDecorator, ExecutionContext, Injectable, PipeTransform } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { Actor } from '@app/auth';
import type { CommandMeta } from '@app/commands';
import { UuidWriter } from './uuid-writer';

export const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;
const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,100}$/;

const requestIds = new UuidWriter(4);

export function correlationIdOf(headers: Record<string, unknown>): string {
  const given = headers['x-correlation-id'] ?? headers['x-request-id'];
  return typeof given === 'string' && CORRELATION_ID.test(given) ? given : requestIds.next();
}

/**
 * The request id: the caller's X-Request-Id / X-Correlation-Id when well-formed, else a new one (Fastify's
 * `genReqId`). It is in every log line of the request, in the X-Request-Id answer header, and the
 * correlation id of its events.
 */
export function requestIdOf(raw: IncomingMessage): string {
  const id = correlationIdOf(raw.headers);
  (raw as IncomingMessage & { id?: string }).id = id;
  return id;
}

/** Answers every request's id in X-Request-Id. */
export function answerRequestIds(fastify: FastifyInstance): void {
  fastify.addHook('onSend', (request, reply, payload, done) => {
    void reply.header('x-request-id', request.id);
    done(null, payload);
  });
}

/** The one shape of a 400 about a single field: `<field> <message>`, with the field named in `fields`. */
export function fieldError(field: string, message: string): BadRequestException {
  return new BadRequestException({ code: 'VALIDATION_FAILED', message: `${field} ${message}`, fields: [{ field, messages: [message] }] });
}

/** The command metadata of a request: actor, correlation id and the optional Idempotency-Key. */
export const Meta = createParamDecorator((_: unknown, context: ExecutionContext): CommandMeta => {
  const request = context.switchToHttp().getRequest<{ id?: string; user: Actor; headers: Record<string, unknown> }>();
  const key = request.headers['idempotency-key'];
  if (key !== undefined && (typeof key !== 'string' || !IDEMPOTENCY_KEY.test(key))) {
    throw fieldError('Idempotency-Key', 'must be 1 to 200 printable ASCII characters');
  }
  return {
    actor: request.user,
    // The request id (see createHttpApp), so the events a request causes are found from its log lines.
    correlationId: request.id ?? correlationIdOf(request.headers),
    causationId: null,
    idempotencyKey: (key as string | undefined) ?? null,
  };
});

const ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,79}$/;

/** Ids in paths: letters, digits and `_.:-`, at most 80 characters. Anything else is a 400 naming the parameter. */
@Injectable()
export class ParseIdPipe implements PipeTransform<string, string> {
  transform(value: string, metadata: { data?: string }): string {
    if (typeof value !== 'string' || !ID.test(value)) {
      throw fieldError(metadata.data ?? 'id', 'must be 1 to 80 characters of letters, digits and _.:-');
    }
    return value;
  }
}

export const ID_PATTERN = ID;

/**
 * The id of an entity a command creates. With an Idempotency-Key it is derived from the key (scoped
 * to the caller), so a retry lands on the same stream and appends nothing twice.
 */
export function newEntityId(prefix: string, meta: CommandMeta): string {
  if (!meta.idempotencyKey) return `${prefix}-${randomUUID()}`;
  // Scoped to the caller and the partner it acts for: one person's key never reaches another partner's record.
  const digest = createHash('sha256').update(`${meta.actor.id}\u0000${meta.actor.partnerId ?? ''}\u0000${meta.idempotencyKey}`).digest('hex');
  return `${prefix}-${digest.slice(0, 32)}`;
}
