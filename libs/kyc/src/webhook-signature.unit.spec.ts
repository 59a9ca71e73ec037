import { createHmac } from 'node:crypto';
import { seeded } from '../../../test/support/prng';
import { createWebhookSignatureVerifier, signWebhook, WEBHOOK_SIGNATURE_HEADER, WebhookSignatureError, WebhookSignatureErrorCode } from './index';

const CURRENT_SECRET = 'whsec_current_0123456789abcdef';
const PREVIOUS_SECRET = 'whsec_previous_fedcba9876543210';
const TOLERANCE_SECONDS = 300;
const NOW = new Date('2026-06-01T12:00:00.000Z');
const NOW_SECONDS = NOW.getTime() / 1000;
const BODY = '{"id":"evt_1","caseId":"case-1","status":"failed","reason":"document forged"}';

const verifier = createWebhookSignatureVerifier({ secrets: [CURRENT_SECRET, PREVIOUS_SECRET], toleranceSeconds: TOLERANCE_SECONDS });

function hex(secret: string, timestamp: number | string, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/** Runs verify and returns the error's code, failing on success or on any other kind of error. */
function refusal(run: () => unknown): WebhookSignatureErrorCode {
  try {
    run();
  } catch (error) {
    if (error instanceof WebhookSignatureError) return error.code;
    throw new Error(`expected a WebhookSignatureError, got ${String(error)}`);
  }
  throw new Error('expected the signature to be refused');
}

describe('webhook signatures', () => {
  it('names the header as Node presents it', () => {
    expect(WEBHOOK_SIGNATURE_HEADER).toBe('x-signature');
  });

  describe('signWebhook', () => {
    it('writes t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">', () => {
      expect(signWebhook(BODY, CURRENT_SECRET, NOW_SECONDS)).toBe(`t=${NOW_SECONDS},v1=${hex(CURRENT_SECRET, NOW_SECONDS, BODY)}`);
      expect(signWebhook(BODY, CURRENT_SECRET, NOW_SECONDS)).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    });

    it.each([1.5, -1, Number.NaN, Number.MAX_SAFE_INTEGER + 2])('refuses a timestamp that is not whole unix seconds: %s', (timestamp) => {
      expect(() => signWebhook(BODY, CURRENT_SECRET, timestamp)).toThrow(RangeError);
    });

    it('refuses an empty secret', () => {
      expect(() => signWebhook(BODY, '', NOW_SECONDS)).toThrow(RangeError);
    });
  });

  describe('accepts', () => {
    it('a body signed with the current secret, saying which secret matched and when it was signed', () => {
      expect(verifier.verify(BODY, signWebhook(BODY, CURRENT_SECRET, NOW_SECONDS), NOW)).toEqual({ signedAt: NOW, secretIndex: 0 });
    });

    it('a body signed with the previous secret during a rotation', () => {
      expect(verifier.verify(BODY, signWebhook(BODY, PREVIOUS_SECRET, NOW_SECONDS), NOW)).toEqual({ signedAt: NOW, secretIndex: 1 });
    });

    it('a verifier with a single secret', () => {
      const single = createWebhookSignatureVerifier({ secrets: [PREVIOUS_SECRET], toleranceSeconds: TOLERANCE_SECONDS });
      expect(single.verify(BODY, signWebhook(BODY, PREVIOUS_SECRET, NOW_SECONDS), NOW).secretIndex).toBe(0);
      expect(refusal(() => single.verify(BODY, signWebhook(BODY, CURRENT_SECRET, NOW_SECONDS), NOW))).toBe('WEBHOOK.SIGNATURE_MISMATCH');
    });

    it('a header carrying one v1 per secret, of which any one matches', () => {
      const header = `t=${NOW_SECONDS},v1=${hex('whsec_unknown', NOW_SECONDS, BODY)},v1=${hex(PREVIOUS_SECRET, NOW_SECONDS, BODY)}`;
      expect(verifier.verify(BODY, header, NOW).secretIndex).toBe(1);
    });

    it('spaces around the parts, v1 before t, upper-case hex and schemes it does not know', () => {
      const header = ` v0=whatever , v1=${hex(CURRENT_SECRET, NOW_SECONDS, BODY).toUpperCase()} , t=${NOW_SECONDS} `;
      expect(verifier.verify(BODY, header, NOW).secretIndex).toBe(0);
    });

    it('a header given as a one-element list (how some frameworks pass headers)', () => {
      expect(verifier.verify(BODY, [signWebhook(BODY, CURRENT_SECRET, NOW_SECONDS)], NOW).secretIndex).toBe(0);
    });

    it('the body as bytes, signed as bytes, including bytes that are not UTF-8', () => {
      const bytes = Buffer.concat([Buffer.from(BODY), Buffer.from([0xff, 0xfe, 0x00])]);
      expect(verifier.verify(bytes, signWebhook(bytes, CURRENT_SECRET, NOW_SECONDS), NOW).secretIndex).toBe(0);
      expect(verifier.verify(BODY, signWebhook(Buffer.from(BODY), CURRENT_SECRET, NOW_SECONDS), NOW).secretIndex).toBe(0);
    });

    it.each([
      ['at the tolerance, in the past', -TOLERANCE_SECONDS],
      ['at the tolerance, in the future', TOLERANCE_SECONDS],
      ['a little in the past', -42],
      ['a little in the future (clock skew)', 42],
    ])('a timestamp %s', (_name, offset) => {
      const signedAt = NOW_SECONDS + offset;
      expect(verifier.verify(BODY, signWebhook(BODY, CURRENT_SECRET, signedAt), NOW).signedAt).toEqual(new Date(signedAt * 1000));
    });
  });

  describe('refuses', () => {
    it('a body signed with a wrong secret', () => {
      expect(refusal(() => verifier.verify(BODY, signWebhook(BODY, 'whsec_attacker', NOW_SECONDS), NOW))).toBe('WEBHOOK.SIGNATURE_MISMATCH');
    });

    it.each([
      ['a changed status', BODY.replace('"failed"', '"verified"')],
      ['an added space', `${BODY} `],
      ['a truncated body', BODY.slice(0, -1)],
      ['an empty body', ''],
    ])('a tampered body: %s', (_name, tampered) => {
      expect(refusal(() => verifier.verify(tampered, signWebhook(BODY, CURRENT_SECRET, NOW_SECONDS), NOW))).toBe('WEBHOOK.SIGNATURE_MISMATCH');
    });

    it('a timestamp moved to replay an old delivery as new', () => {
      const old = signWebhook(BODY, CURRENT_SECRET, NOW_SECONDS - 3600);
      const replayed = old.replace(`t=${NOW_SECONDS - 3600}`, `t=${NOW_SECONDS}`);
      expect(refusal(() => verifier.verify(BODY, replayed, NOW))).toBe('WEBHOOK.SIGNATURE_MISMATCH');
    });

    it('a timestamp padded with zeros (it is signed as written)', () => {
      const header = `t=0${NOW_SECONDS},v1=${hex(CURRENT_SECRET, NOW_SECONDS, BODY)}`;
      expect(refusal(() => verifier.verify(BODY, header, NOW))).toBe('WEBHOOK.SIGNATURE_MISMATCH');
    });

    it.each([
      ['just beyond the tolerance, in the past', -TOLERANCE_SECONDS - 1],
      ['an hour old', -3600],
      ['a year old', -365 * 24 * 3600],
      ['just beyond the tolerance, in the future', TOLERANCE_SECONDS + 1],
      ['a day ahead', 24 * 3600],
    ])('a genuine signature with a timestamp %s', (_name, offset) => {
      const header = signWebhook(BODY, CURRENT_SECRET, NOW_SECONDS + offset);
      expect(refusal(() => verifier.verify(BODY, header, NOW))).toBe('WEBHOOK.TIMESTAMP_OUT_OF_TOLERANCE');
    });

    it('reports the times and tolerance when a timestamp is out of tolerance, nothing secret', () => {
      const header = signWebhook(BODY, CURRENT_SECRET, NOW_SECONDS - 3600);
      try {
        verifier.verify(BODY, header, NOW);
        throw new Error('expected a refusal');
      } catch (error) {
        expect(error).toBeInstanceOf(WebhookSignatureError);
        expect((error as WebhookSignatureError).details).toEqual({ signedAt: NOW_SECONDS - 3600, receivedAt: NOW_SECONDS, toleranceSeconds: 300 });
      }
    });

    it('honours the configured tolerance', () => {
      const strict = createWebhookSignatureVerifier({ secrets: [CURRENT_SECRET], toleranceSeconds: 60 });
      expect(strict.verify(BODY, signWebhook(BODY, CURRENT_SECRET, NOW_SECONDS - 60), NOW).secretIndex).toBe(0);
      expect(refusal(() => strict.verify(BODY, signWebhook(BODY, CURRENT_SECRET, NOW_SECONDS - 61), NOW))).toBe('WEBHOOK.TIMESTAMP_OUT_OF_TOLERANCE');
    });

    it('checks the signature before the timestamp: a forged and stale delivery is a mismatch', () => {
      expect(refusal(() => verifier.verify(BODY, signWebhook(BODY, 'whsec_attacker', NOW_SECONDS - 3600), NOW))).toBe('WEBHOOK.SIGNATURE_MISMATCH');
    });

    it('any timestamp when the clock gives an invalid time (fails closed)', () => {
      expect(refusal(() => verifier.verify(BODY, signWebhook(BODY, CURRENT_SECRET, NOW_SECONDS), new Date(Number.NaN)))).toBe('WEBHOOK.TIMESTAMP_OUT_OF_TOLERANCE');
    });

    it.each<[string, string | string[] | undefined | null]>([
      ['absent', undefined],
      ['null', null],
      ['empty', ''],
      ['blank', '   '],
      ['an empty list', []],
    ])('a missing header: %s', (_name, header) => {
      expect(refusal(() => verifier.verify(BODY, header, NOW))).toBe('WEBHOOK.SIGNATURE_MISSING');
    });

    const goodHex = hex(CURRENT_SECRET, NOW_SECONDS, BODY);
    it.each<[string, unknown]>([
      ['no key=value at all', 'garbage'],
      ['a bare signature', goodHex],
      ['only t', `t=${NOW_SECONDS}`],
      ['only v1', `v1=${goodHex}`],
      ['t not a number', `t=soon,v1=${goodHex}`],
      ['t negative', `t=-${NOW_SECONDS},v1=${goodHex}`],
      ['t with a fraction', `t=${NOW_SECONDS}.5,v1=${goodHex}`],
      ['t in milliseconds', `t=${NOW.getTime()},v1=${goodHex}`],
      ['t empty', `t=,v1=${goodHex}`],
      ['t twice', `t=${NOW_SECONDS},t=${NOW_SECONDS},v1=${goodHex}`],
      ['v1 not hex', `t=${NOW_SECONDS},v1=${'z'.repeat(64)}`],
      ['v1 too short', `t=${NOW_SECONDS},v1=${goodHex.slice(0, 62)}`],
      ['v1 too long', `t=${NOW_SECONDS},v1=${goodHex}00`],
      ['v1 in base64', `t=${NOW_SECONDS},v1=${Buffer.from(goodHex, 'hex').toString('base64')}`],
      ['v1 empty', `t=${NOW_SECONDS},v1=`],
      ['a trailing comma', `t=${NOW_SECONDS},v1=${goodHex},`],
      ['an empty key', `t=${NOW_SECONDS},=${goodHex}`],
      ['semicolons for commas', `t=${NOW_SECONDS};v1=${goodHex}`],
      ['Persona-style space-separated pairs', `t=${NOW_SECONDS},v1=${goodHex} t=${NOW_SECONDS},v1=${goodHex}`],
      ['the header sent twice', [`t=${NOW_SECONDS},v1=${goodHex}`, `t=${NOW_SECONDS},v1=${goodHex}`]],
      ['a header that is not text', 12345],
      ['a list holding something that is not text', [{}]],
      ['an enormous header', `t=${NOW_SECONDS},` + `v1=${goodHex},`.repeat(40) + `v1=${goodHex}`],
    ])('a malformed header: %s', (_name, header) => {
      expect(refusal(() => verifier.verify(BODY, header as string, NOW))).toBe('WEBHOOK.SIGNATURE_MALFORMED');
    });

    it('without ever naming a secret or the expected signature in its messages', () => {
      const messages: string[] = [];
      for (const header of [undefined, 'garbage', signWebhook(BODY, 'whsec_attacker', NOW_SECONDS), signWebhook(BODY, CURRENT_SECRET, NOW_SECONDS - 3600)]) {
        try {
          verifier.verify(`${BODY}x`, header, NOW);
        } catch (error) {
          messages.push((error as Error).message, JSON.stringify((error as WebhookSignatureError).details));
        }
      }
      expect(messages).toHaveLength(8);
      const text = messages.join('\n');
      for (const secret of [CURRENT_SECRET, PREVIOUS_SECRET]) {
        expect(text).not.toContain(secret);
        expect(text).not.toContain(hex(secret, NOW_SECONDS, `${BODY}x`));
        expect(text).not.toContain(hex(secret, NOW_SECONDS - 3600, `${BODY}x`));
      }
    });
  });

  describe('throws nothing but WebhookSignatureError', () => {
    const valid = signWebhook(BODY, CURRENT_SECRET, NOW_SECONDS);
    const alphabet = 'tv01=,.- abcdefABCDEF9\u0000\u00e9\ud83d';

    it('for every single-character change to a valid header', () => {
      let refused = 0;
      for (let i = 0; i < valid.length; i++) {
        for (const replacement of ['', 'x', '0', 'F', ',', '=', ' ']) {
          const header = valid.slice(0, i) + replacement + valid.slice(i + 1);
          try {
            verifier.verify(BODY, header, NOW);
            // Only a change that changes nothing (or a hex digit's case) may still verify.
            expect(header.toLowerCase()).toBe(valid);
          } catch (error) {
            expect(error).toBeInstanceOf(WebhookSignatureError);
            refused++;
          }
        }
      }
      expect(refused).toBeGreaterThan(valid.length * 6);
    });

    it('for random headers, bodies and times', () => {
      const random = seeded(20260601);
      const pick = (from: string, length: number) => Array.from({ length }, () => from[Math.floor(random() * from.length)]).join('');
      for (let round = 0; round < 3000; round++) {
        const header = random() < 0.5 ? pick(alphabet, Math.floor(random() * 90)) : valid.slice(0, Math.floor(random() * valid.length)) + pick(alphabet, 3);
        const body = random() < 0.5 ? BODY : pick(alphabet, Math.floor(random() * 40));
        const now = new Date(NOW.getTime() + Math.floor((random() - 0.5) * 4e6));
        try {
          verifier.verify(body, header, now);
        } catch (error) {
          if (!(error instanceof WebhookSignatureError)) throw new Error(`header ${JSON.stringify(header)} threw ${String(error)}`);
        }
      }
    });
  });

  describe('configuration, checked once at start-up', () => {
    it.each<[string, { secrets: string[]; toleranceSeconds: number }]>([
      ['no secret', { secrets: [], toleranceSeconds: 300 }],
      ['three secrets', { secrets: ['a', 'b', 'c'], toleranceSeconds: 300 }],
      ['an empty secret', { secrets: [CURRENT_SECRET, ''], toleranceSeconds: 300 }],
      ['a zero tolerance', { secrets: [CURRENT_SECRET], toleranceSeconds: 0 }],
      ['a negative tolerance', { secrets: [CURRENT_SECRET], toleranceSeconds: -300 }],
      ['a tolerance that is not a number', { secrets: [CURRENT_SECRET], toleranceSeconds: Number.NaN }],
      ['an infinite tolerance', { secrets: [CURRENT_SECRET], toleranceSeconds: Number.POSITIVE_INFINITY }],
    ])('refuses %s', (_name, config) => {
      expect(() => createWebhookSignatureVerifier(config)).toThrow(RangeError);
    });

    it('keeps its own copy of the secrets', () => {
      const secrets = [CURRENT_SECRET];
      const own = createWebhookSignatureVerifier({ secrets, toleranceSeconds: 300 });
      secrets[0] = 'whsec_attacker';
      expect(own.verify(BODY, signWebhook(BODY, CURRENT_SECRET, NOW_SECONDS), NOW).secretIndex).toBe(0);
      expect(refusal(() => own.verify(BODY, signWebhook(BODY, 'whsec_attacker', NOW_SECONDS), NOW))).toBe('WEBHOOK.SIGNATURE_MISMATCH');
    });
  });
});
