/**
 * A PostgreSQL transaction snapshot (`pg_current_snapshot()`, text form `xmin:xmax:xip,...`).
 * `xmin` is the lowest transaction id still running when it was taken (or `xmax` when none is).
 * Caution: `xmax` is one past the latest *completed* id, so a running transaction whose id is at
 * or above it is missing from the in-progress list; only ids below `xmax` are listed.
 */
export interface TxSnapshot {
  xmin: number;
  xmax: number;
  inProgress: number[];
}

export function parseSnapshot(text: string): TxSnapshot {
  const [xmin, xmax, xip] = text.split(':');
  return {
    xmin: Number(xmin),
    xmax: Number(xmax),
    inProgress: xip ? xip.split(',').map(Number) : [],
  };
}

/**
 * True when no transaction with an id below `bound` was running at the snapshot. Sound only for
 * a snapshot taken after the transaction that drew `bound` completed: its xmax then exceeds
 * `bound`, so every running id below `bound` is listed and `xmin` is the lowest of them.
 */
export function noneRunningBelow(snapshot: TxSnapshot, bound: number): boolean {
  return snapshot.xmin >= bound;
}
