/**
 * A PostgreSQL transaction snapshot (`pg_current_snapshot()`, text form `xmin:xmax:xip,...`).
 * Used by the global reader to know whether the transactions that might still commit an event
 * into a gap of global positions have all finished.
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

/** True when no transaction that was in progress at `earlier` is still in progress at `later`. */
export function allFinishedSince(earlier: TxSnapshot, later: TxSnapshot): boolean {
  const stillRunning = new Set(later.inProgress);
  return earlier.inProgress.every((xid) => xid < later.xmin || !stillRunning.has(xid));
}
