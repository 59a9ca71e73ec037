import { allFinishedSince, parseSnapshot, TxSnapshot } from './snapshot';

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

describe('allFinishedSince', () => {
  it('holds when the earlier snapshot had nothing in progress', () => {
    expect(allFinishedSince(snapshot(100, 100), snapshot(100, 105, [100, 101]))).toBe(true);
  });

  it('holds when every earlier transaction is below the later xmin (all finished by then)', () => {
    expect(allFinishedSince(snapshot(100, 110, [100, 104]), snapshot(105, 120, [105, 119]))).toBe(true);
  });

  it('holds when the earlier transactions lie inside the later window but are no longer listed', () => {
    expect(allFinishedSince(snapshot(100, 110, [101, 104]), snapshot(100, 120, [100, 110]))).toBe(true);
  });

  it('fails while any earlier transaction is still in progress', () => {
    expect(allFinishedSince(snapshot(100, 110, [101, 104]), snapshot(101, 120, [104]))).toBe(false);
    expect(allFinishedSince(snapshot(100, 110, [101]), snapshot(101, 120, [101, 112]))).toBe(false);
  });

  it('ignores transactions that started after the earlier snapshot', () => {
    // 115 was not running at the earlier snapshot, so it cannot own an earlier gap.
    expect(allFinishedSince(snapshot(100, 110, [104]), snapshot(112, 120, [115]))).toBe(true);
  });

  it('works on snapshots parsed from PostgreSQL text', () => {
    expect(allFinishedSince(parseSnapshot('500:510:500,507'), parseSnapshot('507:515:507,512'))).toBe(false);
    expect(allFinishedSince(parseSnapshot('500:510:500,507'), parseSnapshot('508:515:512'))).toBe(true);
  });
});
