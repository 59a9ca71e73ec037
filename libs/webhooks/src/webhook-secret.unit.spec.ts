import { generateWebhookSecret, WebhookSecretCipher } from './webhook-secret';

const KEY = 'a1'.repeat(32);

describe('webhook secrets', () => {
  it('generates distinct 256-bit secrets with a recognisable prefix', () => {
    const a = generateWebhookSecret();
    const b = generateWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
  });

  it('stores a secret encrypted and reads it back for the same endpoint only', () => {
    const cipher = new WebhookSecretCipher(KEY);
    const secret = generateWebhookSecret();
    const stored = cipher.encrypt(secret, 'whk-1');
    expect(stored).not.toContain(secret);
    expect(stored).not.toContain(secret.slice(6));
    expect(cipher.encrypt(secret, 'whk-1')).not.toBe(stored);
    expect(cipher.decrypt(stored, 'whk-1')).toBe(secret);
    expect(() => cipher.decrypt(stored, 'whk-2')).toThrow();
  });

  it('refuses a tampered ciphertext and another key', () => {
    const stored = new WebhookSecretCipher(KEY).encrypt('whsec_x', 'whk-1');
    const [format, iv, tag, data] = stored.split(':');
    const flipped = Buffer.from(data, 'base64');
    flipped[0] ^= 1;
    expect(() => new WebhookSecretCipher(KEY).decrypt([format, iv, tag, flipped.toString('base64')].join(':'), 'whk-1')).toThrow();
    expect(() => new WebhookSecretCipher('b2'.repeat(32)).decrypt(stored, 'whk-1')).toThrow();
    expect(() => new WebhookSecretCipher(KEY).decrypt('v0:a:b:c', 'whk-1')).toThrow(/unknown format/);
  });

  it('takes only a 256-bit key in hex', () => {
    expect(() => new WebhookSecretCipher('abc')).toThrow(RangeError);
    expect(() => new WebhookSecretCipher('zz'.repeat(32))).toThrow(RangeError);
  });
});
