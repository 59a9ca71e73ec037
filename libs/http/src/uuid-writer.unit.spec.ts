import { UuidWriter } from './uuid-writer';

describe('UuidWriter', () => {
  const V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
  const V7 = /^x-[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
  /** Offsets of every digit of a UUID but the version and variant digits. */
  const digitsBut = (skip: number[]) => Array.from({ length: 36 }, (_, i) => i).filter((i) => ![8, 13, 18, 23, ...skip].includes(i));

  it('writes version 4 UUIDs: every digit but the version and the variant random, across the pool refills', () => {
    const writer = new UuidWriter(4);
    const ids = Array.from({ length: 5000 }, () => writer.next());
    for (const id of ids) expect(id).toMatch(V4);
    expect(new Set(ids).size).toBe(ids.length);
    for (const at of digitsBut([14, 19])) expect(new Set(ids.map((id) => id[at])).size).toBe(16);
    expect([...new Set(ids.map((id) => id[19]))].sort()).toEqual(['8', '9', 'a', 'b']);
  });

  it('writes version 7 UUIDs after a prefix: the time in the first 48 bits, the rest random', () => {
    const writer = new UuidWriter(7, 'x-');
    const now = Date.parse('2026-06-12T09:30:00.123Z');
    const ids = Array.from({ length: 5000 }, () => writer.next(now));
    for (const id of ids) {
      expect(id).toMatch(V7);
      expect(parseInt(id.slice(2, 10) + id.slice(11, 15), 16)).toBe(now);
    }
    expect(new Set(ids).size).toBe(ids.length);
    for (const at of digitsBut([0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 14, 19])) expect(new Set(ids.map((id) => id[at + 2])).size).toBe(16);
    expect([...new Set(ids.map((id) => id[21]))].sort()).toEqual(['8', '9', 'a', 'b']);
    expect(writer.next(-5).slice(2, 15)).toBe('00000000-0000');
  });

  it('hands out strings of their own: an id does not change when the next one is written', () => {
    const writer = new UuidWriter(4);
    const first = writer.next();
    const copy = `${first}`;
    writer.next();
    expect(first).toBe(copy);
  });
});
