import { BadRequestException, ValidationError, ValidationPipe } from '@nestjs/common';
import { buildMessage, ValidateBy, ValidationOptions } from 'class-validator';
import { isIsoTime } from '@app/domain';

interface FieldError {
  field: string;
  messages: string[];
}

function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, messages: Object.values(error.constraints) }] : [];
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/** Validation at the edge: unknown fields are refused, and a 400 names every wrong field. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    stopAtFirstError: false,
    exceptionFactory: (errors) => {
      const fields = flatten(errors);
      return new BadRequestException({
        code: 'VALIDATION_FAILED',
        message: fields.map((f) => f.messages.join(', ')).join('; ') || 'Invalid request body',
        fields,
      });
    },
  });
}

/** Deeper JSON than any of our bodies has is refused before validation, whose recursion it would exhaust. */
export const MAX_BODY_DEPTH = 16;

/**
 * True when the body holds an object or array `limit` levels below its top (the top is level 0). Checked on
 * every request of the hot path, so it allocates nothing: it recurses, at most `limit` calls deep.
 */
export function bodyDepthExceeds(body: unknown, limit: number): boolean {
  if (body === null || typeof body !== 'object') return false;
  if (limit <= 0) return true;
  if (Array.isArray(body)) {
    for (const child of body) if (bodyDepthExceeds(child, limit - 1)) return true;
    return false;
  }
  for (const key in body) if (Object.hasOwn(body, key) && bodyDepthExceeds((body as Record<string, unknown>)[key], limit - 1)) return true;
  return false;
}

/** NUL, and UTF-16 surrogates that do not pair up: PostgreSQL stores neither, validators choke on them. */
export const UNSTORABLE_TEXT = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** The path of the first string (or key) in the body that text columns cannot hold, if any. */
export function unstorableText(body: unknown): string | null {
  const stack: [unknown, string][] = [[body, '']];
  while (stack.length > 0) {
    const [value, path] = stack.pop()!;
    if (typeof value === 'string') {
      if (UNSTORABLE_TEXT.test(value)) return path || 'body';
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    for (const [key, child] of Array.isArray(value) ? value.entries() : Object.entries(value)) {
      const childPath = path ? `${path}.${key}` : String(key);
      if (typeof key === 'string' && UNSTORABLE_TEXT.test(key)) return childPath;
      stack.push([child, childPath]);
    }
  }
  return null;
}

/**
 * A `preValidation` hook, in callback style (an async hook costs every request a promise and a turn of
 * microtasks): a body nested deeper than MAX_BODY_DEPTH, or holding text PostgreSQL cannot store, is
 * answered 400 naming the field; any other request goes on.
 */
export function rejectDeepBodies(request: { body?: unknown }, reply: { status(code: number): { send(body: unknown): unknown } }, done: () => void): void {
  const refusal = bodyRefusal(request.body);
  if (refusal === null) return done();
  void reply.status(400).send(refusal);
}

/**
 * The 400 answer `rejectDeepBodies` gives `body`, or null when it may go on. `mayHoldUnstorable: false`
 * skips the walk for unstorable text, for a body its caller knows cannot hold any: JSON decoded from UTF-8
 * without a `\u` escape (decoding never yields a lone surrogate, and JSON refuses a raw NUL).
 */
export function bodyRefusal(body: unknown, mayHoldUnstorable = true): Record<string, unknown> | null {
  if (body === undefined) return null;
  if (bodyDepthExceeds(body, MAX_BODY_DEPTH)) {
    const message = `must not nest deeper than ${MAX_BODY_DEPTH} levels`;
    return { statusCode: 400, error: 'Bad Request', code: 'VALIDATION_FAILED', message: `body ${message}`, fields: [{ field: 'body', messages: [message] }] };
  }
  const field = mayHoldUnstorable ? unstorableText(body) : null;
  if (field === null) return null;
  return {
    statusCode: 400,
    error: 'Bad Request',
    code: 'VALIDATION_FAILED',
    message: `${field} contains a NUL character or an unpaired UTF-16 surrogate`,
    fields: [{ field, messages: ['must not contain a NUL character or an unpaired UTF-16 surrogate'] }],
  };
}

/**
 * An ISO-8601 date or time that is real (no 2026-02-30) and within JavaScript's date range, so that
 * `new Date(value).toISOString()` can never throw behind the validator.
 */
export function IsIsoTime(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isIsoTime',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && isIsoTime(value) && Number.isFinite(new Date(value).getTime()),
        defaultMessage: buildMessage((prefix) => `${prefix}$property must be an ISO-8601 date or time such as 2026-06-12T00:00:00Z`, options),
      },
    },
    options,
  );
}
