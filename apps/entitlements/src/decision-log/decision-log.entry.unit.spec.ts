import { seeded } from '../../../../test/support/prng';
import { DecisionRecord, entryJson } from './decision-log.writer';

type Entry = Omit<DecisionRecord, 'dataVersions'>;

/** What the entry must read back as: the record's fields under the view's keys, unstorable text as U+FFFD. */
function expected(d: Entry): unknown {
  const text = (s: string | null) => (s === null ? null : s.replace(/\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'));
  // JSON has no -0: it prints as 0, as JSON.stringify prints it.
  return { id: text(d.id), t: d.decidedAt + 0, p: d.position, pa: text(d.partnerId), u: text(d.userId), m: text(d.model), ip: text(d.clientIp), c: text(d.country), a: d.allow, r: d.reasons.map(text), l: text(d.licenseId) };
}

const base: Entry = {
  id: 'd-0193a5c4-7b2e-7c3d-9f1a-1234567890ab', decidedAt: 1_781_344_800_123, position: 3_110_134, partnerId: 'p-1', userId: 'u-42',
  model: 'fable-5', clientIp: '203.0.113.7', country: 'US', allow: true, reasons: [], licenseId: 'lic-1',
};

describe('decision log entry JSON', () => {
  it('is the JSON.stringify text of the entry for ordinary decisions', () => {
    for (const d of [base, { ...base, allow: false, reasons: ['NO_LICENSE', 'GEO_UNKNOWN'], licenseId: null, partnerId: null, userId: null, clientIp: null, country: null }]) {
      const reference = JSON.stringify({ id: d.id, t: d.decidedAt, p: d.position, pa: d.partnerId, u: d.userId, m: d.model, ip: d.clientIp, c: d.country, a: d.allow, r: d.reasons, l: d.licenseId });
      expect(entryJson(d)).toBe(reference);
    }
  });

  it('reads back every string as recorded, escaped where JSON needs it and unstorable text as U+FFFD (random text)', () => {
    const random = seeded(20261122);
    const alphabet = ['a', 'Z', '0', ' ', '"', '\\', '/', '\n', '\t', '\u0001', '\u001f', '\u007f', 'ü', '€', '😀', '\ud800', '\udc00', '\u0000', '\\u0000', '\\ud800', '\u2028'];
    const text = () => Array.from({ length: Math.floor(random() * 8) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
    for (let i = 0; i < 2000; i++) {
      const d: Entry = { ...base, id: text(), partnerId: random() < 0.2 ? null : text(), userId: text(), clientIp: text(), country: text(), reasons: [text(), text()], licenseId: text(), decidedAt: random() < 0.5 ? -0 : base.decidedAt + random() };
      const json = entryJson(d);
      expect(JSON.parse(json)).toEqual(expected(d));
      // What PostgreSQL's JSON refuses: the escape of a NUL or of a lone surrogate.
      expect(json).not.toMatch(/(?<!\\)(?:\\\\)*\\u(?:0000|d[89a-f])/);
    }
  });
});
