import { isIP } from 'node:net';
import { fieldError, ID_PATTERN } from '@app/http';

/** A check as the serving stack sends it (API.md). */
export interface CheckInput {
  credential?: string;
  /** The credential's hash when the caller already computed it (the hot path's rate limit keys on it). */
  credentialHash?: string;
  partnerId?: string;
  model: string;
  userId?: string;
  clientIp?: string;
  minPosition?: number;
}

const FIELDS = new Set(['credential', 'partnerId', 'model', 'userId', 'clientIp', 'minPosition']);

export function invalid(field: string, message: string): never {
  throw fieldError(field, message);
}

/**
 * Control characters: no id or address has them. (NUL and unpaired surrogates never get this far: the
 * body check every app runs before validation, libs/http rejectDeepBodies, refuses them in any field.)
 */
const CONTROL = /[\u0001-\u001f\u007f]/;

function optionalString(body: Record<string, unknown>, field: string, max: number, prefix: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > max) invalid(prefix + field, `must be a string of 1 to ${max} characters`);
  if (CONTROL.test(value)) invalid(prefix + field, 'must not contain control characters');
  return value;
}

/**
 * Validates one check by hand: this is the hot path, and a hand-written check costs a fraction
 * of a class-validator pass while still naming the wrong field.
 */
export function parseCheckInput(raw: unknown, prefix = ''): CheckInput {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) invalid(prefix ? prefix.slice(0, -1) : 'body', 'must be a JSON object');
  const body = raw as Record<string, unknown>;
  for (const key of Object.keys(body)) if (!FIELDS.has(key)) invalid(prefix + key, 'is not a known field');
  const model = body.model;
  if (typeof model !== 'string' || !ID_PATTERN.test(model)) invalid(prefix + 'model', 'must be a model id');
  const credential = optionalString(body, 'credential', 128, prefix);
  const partnerId = optionalString(body, 'partnerId', 80, prefix);
  if (credential === undefined && partnerId === undefined) invalid(prefix + 'credential', 'or partnerId is required');
  if (credential !== undefined && partnerId !== undefined) invalid(prefix + 'partnerId', 'must not be sent together with credential');
  let minPosition: number | undefined;
  if (body.minPosition !== undefined && body.minPosition !== null) {
    const value = body.minPosition;
    if ((typeof value !== 'string' || !/^\d{1,15}$/.test(value)) && !(typeof value === 'number' && Number.isSafeInteger(value) && value >= 0)) {
      invalid(prefix + 'minPosition', 'must be a non-negative integer position (string)');
    }
    minPosition = Number(value);
  }
  return {
    credential,
    partnerId,
    model,
    userId: optionalString(body, 'userId', 200, prefix),
    clientIp: ipAddress(body, prefix),
    minPosition,
  };
}

function ipAddress(body: Record<string, unknown>, prefix: string): string | undefined {
  const value = optionalString(body, 'clientIp', 45, prefix);
  if (value !== undefined && isIP(value) === 0) invalid(prefix + 'clientIp', 'must be an IPv4 or IPv6 address');
  return value;
}
