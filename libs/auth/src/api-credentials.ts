import { hash, randomBytes } from 'node:crypto';

const PREFIX = 'mk_live_';
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export interface IssuedSecret {
  /** Shown to the partner once, never stored. */
  secret: string;
  /** SHA-256 hex: the only form that is stored. The secret has 190 bits of entropy, so a fast hash suffices. */
  hash: string;
  /** Enough to recognise the credential in a list. */
  prefix: string;
}

export function generateApiCredential(): IssuedSecret {
  const bytes = randomBytes(32);
  let body = '';
  for (const byte of bytes) body += ALPHABET[byte % ALPHABET.length];
  const secret = PREFIX + body;
  return { secret, hash: hashApiCredential(secret), prefix: secret.slice(0, PREFIX.length + 6) };
}

/** One call, no Hash object: it runs on every check (createHash made a stream object per request). */
export function hashApiCredential(secret: string): string {
  return hash('sha256', secret, 'hex');
}

export function looksLikeApiCredential(value: string): boolean {
  return value.startsWith(PREFIX) && value.length <= 128;
}
