import { noneRunningBelow, parseSnapshot, TxSnapshot } from './snapshot';

const snapshot = (xmin: number, xmax: number, inProgress: number[] = []): TxSnapshot => ({ xmin, xmax, inProgress });

describe('parseSnapshot', () => {
  it('reads the text form of pg_current_snapshot() with transactions in progress', () => {
    expect(parseSnapshot('740:748:740,743,745')).toEqual(snapshot(740, 748, [740, 743, 745]));
  });

  it('reads a snapshot with no transaction in progress (empty list after the last colon)', () => {
    expect(parseSnapshot('812:812:')).toEqual(snapshot(812, 812, []));
  });

  it('keeps epoch-extended 64-bit transaction ids exact', () => {
    // xid8 values past the first wraparound epoch: 2^32 + n, still well inside 2^53.
    expect(parseSnapshot('4294967396:4294967400:4294967396,4294967399')).toEqual(
      snapshot(4294967396, 4294967400, [4294967396, 4294967399]),
    );
  });
});

describe('noneRunningBelow', () => {
  it('holds when the lowest running id is at or above the bound', () => {
    expect(noneRunningBelow(snapshot(120, 130, [120, 125]), 120)).toBe(true);
    expect(noneRunningBelow(snapshot(131, 131), 120)).toBe(true);
  });

  it('fails while any transaction below the bound is still running', () => {
    expect(noneRunningBelow(snapshot(104, 130, [104, 125]), 120)).toBe(false);
  });

  it('works on snapshots parsed from PostgreSQL text', () => {
    expect(noneRunningBelow(parseSnapshot('507:515:507,512'), 510)).toBe(false);
    expect(noneRunningBelow(parseSnapshot('512:515:512'), 510)).toBe(true);
  });
});
