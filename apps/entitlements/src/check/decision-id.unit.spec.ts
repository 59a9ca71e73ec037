import { decisionId } from './decision-id';

describe('decisionId', () => {
  const UUID_V7 = /^d-[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

  it('is d- and a version 7 UUID carrying the time in its first 48 bits', () => {
    const now = Date.parse('2026-06-12T09:30:00.123Z');
    const id = decisionId(now);
    expect(id).toMatch(UUID_V7);
    expect(parseInt(id.slice(2, 10) + id.slice(11, 15), 16)).toBe(now);
  });

  it('sorts by time, whatever the random part', () => {
    const start = Date.parse('2026-06-12T00:00:00Z');
    const ids = Array.from({ length: 2000 }, (_, i) => decisionId(start + i * 37));
    expect([...ids].sort()).toEqual(ids);
  });

  it('is unique within one millisecond', () => {
    const now = Date.now();
    const ids = new Set(Array.from({ length: 10_000 }, () => decisionId(now)));
    expect(ids.size).toBe(10_000);
    for (const id of ids) expect(id).toMatch(UUID_V7);
  });

  it('carries the time of each call when calls alternate between milliseconds', () => {
    const times = [Date.parse('2026-06-12T09:30:00.123Z'), Date.parse('2026-06-12T09:30:00.124Z'), Date.parse('2026-06-12T09:30:00.123Z'), 0];
    expect(times.map((time) => parseInt(decisionId(time).slice(2, 10) + decisionId(time).slice(11, 15), 16))).toEqual(times);
  });
});
