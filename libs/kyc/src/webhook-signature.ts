import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signatures, the same for every sender (KYC providers, and our own webhooks to partners).
 *
 * Header (name as Node presents it: lower case):
 *   X-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>...]
 * where each v1 is the lower- or upper-case hex HMAC-SHA256, keyed with a shared secret, of
 *   `${t}.${rawBody}`
 * over the exact bytes received. A sender rotating its secret may send one v1 per secret. Pairs are
 * comma-separated, spaces around them are ignored, `t` appears exactly once, at least one `v1` is
 * required, and keys of other schemes (v0, v2, ...) are ignored so the format can grow.
 *
 * The receiver keeps up to two secrets (current and previous, during a rotation); any may match.
 * The signature is checked before the timestamp, so "outside tolerance" always means a genuine but
 * stale (or clock-skewed) delivery, and the timestamp is signed, so it cannot be moved to replay.
 */
export const WEBHOOK_SIGNATURE_HEADER = 'x-signature';

const MAX_SECRETS = 2;
/** Far beyond any honest header; bounds the parsing and HMAC-comparison work per request. */
const MAX_HEADER_LENGTH = 2048;
const UNIX_SECONDS = /^\d{1,12}$/;
const SHA256_HEX = /^[0-9a-fA-F]{64}$/;
const SHA256_BYTES = 32;

export type WebhookSignatureErrorCode =
  | 'WEBHOOK.SIGNATURE_MISSING'
  | 'WEBHOOK.SIGNATURE_MALFORMED'
  | 'WEBHOOK.TIMESTAMP_OUT_OF_TOLERANCE'
  | 'WEBHOOK.SIGNATURE_MISMATCH';

/** The delivery cannot be shown to come from the holder of a secret. HTTP 401; never names a secret or an expected signature. */
export class WebhookSignatureError extends Error {
  constructor(
    readonly code: WebhookSignatureErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'WebhookSignatureError';
  }
}

export interface WebhookSignatureConfig {
  /** One secret, or two while rotating (new and old); any may match. */
  secrets: readonly string[];
  /** How far the signed timestamp may lie from `now`, either way, in seconds. */
  toleranceSeconds: number;
}

export interface VerifiedWebhookSignature {
  signedAt: Date;
  /** Which secret matched: a delivery still signed with the old one (index 1) means the rotation is not done. */
  secretIndex: number;
}

export interface WebhookSignatureVerifier {
  /**
   * Throws only WebhookSignatureError. `rawBody` must be the exact bytes received, before any JSON
   * parsing; `signatureHeader` is the header's value as the framework gives it (possibly absent or repeated).
   */
  verify(rawBody: string | Buffer, signatureHeader: string | string[] | undefined | null, now: Date): VerifiedWebhookSignature;
}

function signatureOf(rawBody: string | Buffer, secret: string, timestamp: string): Buffer {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest();
}

function malformed(problem: string): WebhookSignatureError {
  return new WebhookSignatureError('WEBHOOK.SIGNATURE_MALFORMED', `The webhook signature header is malformed: ${problem}. Expected "t=<unix seconds>,v1=<hex>".`);
}

function headerValue(signatureHeader: unknown): string {
  let value = signatureHeader;
  if (Array.isArray(value)) {
    if (value.length > 1) throw malformed('it was sent more than once');
    value = value[0];
  }
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
    throw new WebhookSignatureError('WEBHOOK.SIGNATURE_MISSING', 'The webhook signature header is missing.');
  }
  if (typeof value !== 'string') throw malformed('it is not text');
  if (value.length > MAX_HEADER_LENGTH) throw malformed(`it is longer than ${MAX_HEADER_LENGTH} characters`);
  return value;
}

function parseHeader(signatureHeader: unknown): { timestamp: string; signatures: Buffer[] } {
  let timestamp: string | null = null;
  const signatures: Buffer[] = [];
  for (const pair of headerValue(signatureHeader).split(',')) {
    const separator = pair.indexOf('=');
    if (separator < 0) throw malformed('a part is not key=value');
    const key = pair.slice(0, separator).trim();
    const value = pair.slice(separator + 1).trim();
    if (key === 't') {
      if (timestamp !== null) throw malformed('t is given more than once');
      if (!UNIX_SECONDS.test(value)) throw malformed('t is not a time in unix seconds');
      timestamp = value;
    } else if (key === 'v1') {
      if (!SHA256_HEX.test(value)) throw malformed('v1 is not 64 hex digits');
      signatures.push(Buffer.from(value, 'hex'));
    } else if (key === '') {
      throw malformed('a part has no key');
    }
  }
  if (timestamp === null) throw malformed('t is missing');
  if (signatures.length === 0) throw malformed('v1 is missing');
  return { timestamp, signatures };
}

function matchingSecret(secrets: readonly string[], rawBody: string | Buffer, timestamp: string, signatures: Buffer[]): number {
  let matched = -1;
  // Every secret against every signature, without stopping early: the work does not depend on which matched.
  secrets.forEach((secret, index) => {
    const expected = signatureOf(rawBody, secret, timestamp);
    for (const signature of signatures) {
      if (signature.length === expected.length && expected.length === SHA256_BYTES && timingSafeEqual(signature, expected) && matched < 0) matched = index;
    }
  });
  return matched;
}

/** Checks the configuration once, at start-up: a verifier with no usable secret must not exist. */
export function createWebhookSignatureVerifier(config: WebhookSignatureConfig): WebhookSignatureVerifier {
  const secrets = Object.freeze([...config.secrets]);
  if (secrets.length < 1 || secrets.length > MAX_SECRETS) throw new RangeError(`A webhook verifier takes 1 to ${MAX_SECRETS} secrets, got ${secrets.length}.`);
  if (secrets.some((secret) => typeof secret !== 'string' || secret === '')) throw new RangeError('Webhook secrets must be non-empty strings.');
  const { toleranceSeconds } = config;
  if (!Number.isFinite(toleranceSeconds) || toleranceSeconds <= 0) throw new RangeError('toleranceSeconds must be a positive number of seconds.');

  return {
    verify(rawBody, signatureHeader, now) {
      const { timestamp, signatures } = parseHeader(signatureHeader);
      const secretIndex = matchingSecret(secrets, rawBody, timestamp, signatures);
      if (secretIndex < 0) throw new WebhookSignatureError('WEBHOOK.SIGNATURE_MISMATCH', 'No webhook signature matches the body with a known secret.');
      const signedAtSeconds = Number(timestamp);
      const nowSeconds = now instanceof Date ? now.getTime() / 1000 : Number.NaN;
      // Written so that an invalid `now` (NaN) fails closed.
      if (!(Math.abs(nowSeconds - signedAtSeconds) <= toleranceSeconds)) {
        throw new WebhookSignatureError('WEBHOOK.TIMESTAMP_OUT_OF_TOLERANCE', `The webhook was signed more than ${toleranceSeconds} s away from now.`, {
          signedAt: signedAtSeconds,
          receivedAt: Math.floor(nowSeconds),
          toleranceSeconds,
        });
      }
      return { signedAt: new Date(signedAtSeconds * 1000), secretIndex };
    },
  };
}

/** The X-Signature value for a body: for tests, and for the webhooks we send partners. */
export function signWebhook(rawBody: string | Buffer, secret: string, timestamp: number): string {
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) throw new RangeError('timestamp must be whole unix seconds.');
  if (typeof secret !== 'string' || secret === '') throw new RangeError('A webhook secret must be a non-empty string.');
  const t = String(timestamp);
  return `t=${t},v1=${signatureOf(rawBody, secret, t).toString('hex')}`;
}
