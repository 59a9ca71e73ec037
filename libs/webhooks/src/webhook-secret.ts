import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const SECRET_PREFIX = 'whsec_';
const FORMAT = 'v1';
const IV_BYTES = 12;
const KEY_BYTES = 32;

/** A new signing secret for a partner endpoint: 256 random bits, recognisable by its prefix. */
export function generateWebhookSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/**
 * Keeps endpoint secrets encrypted at rest (AES-256-GCM). The endpoint id is authenticated with each
 * secret, so a ciphertext copied onto another endpoint's row does not decrypt.
 */
export class WebhookSecretCipher {
  private readonly key: Buffer;

  constructor(hexKey: string) {
    if (!/^[0-9a-fA-F]{64}$/.test(hexKey)) throw new RangeError(`The webhook secret key must be ${KEY_BYTES} bytes as 64 hex digits.`);
    this.key = Buffer.from(hexKey, 'hex');
  }

  encrypt(secret: string, endpointId: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(endpointId, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return [FORMAT, iv.toString('base64'), cipher.getAuthTag().toString('base64'), ciphertext.toString('base64')].join(':');
  }

  /** Throws when the value was not written by this key for this endpoint. */
  decrypt(stored: string, endpointId: string): string {
    const [format, iv, tag, ciphertext] = stored.split(':');
    if (format !== FORMAT || !iv || !tag || ciphertext === undefined) throw new Error('Unreadable webhook secret: unknown format.');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64'));
    decipher.setAAD(Buffer.from(endpointId, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64')), decipher.final()]).toString('utf8');
  }
}
