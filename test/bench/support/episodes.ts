import type { ThreadHold } from './world';

/** A stretch of slow answers at a fixed rate, with what held the two threads meanwhile. */
export interface SlowEpisode {
  /** Wall clock (ms since the epoch) of the first slow answer's intended send. */
  from: number;
  /** From the first slow answer's intended send to the last one's. */
  spanMs: number;
  answers: number;
  /** The slowest, from its intended send. */
  maxMs: number;
  /** Answers whose send was later than intended by more than a millisecond (no free connection, or a late generator). */
  sentLate: number;
  /** The slowest from send to answer. */
  maxAnswerMs: number;
  app: ThreadHold[];
  generator: ThreadHold[];
}

/** Slow answers closer than this (by intended send) belong to one episode. */
const GAP_MS = 20;
/** Holds this long before an episode's first slow answer are counted as its cause too. */
const LEAD_MS = 50;

/**
 * Groups the slow answers of an open-loop run (`LoadResult.slow`: intended send, send delay, answer time,
 * in turn) into episodes, and sets beside each the holds of the app's and the generator's threads that
 * overlap it: which of them was held when the answers came late.
 */
export function slowEpisodes(slow: Float64Array, app: readonly ThreadHold[], generator: readonly ThreadHold[]): SlowEpisode[] {
  const rows: [number, number, number][] = [];
  for (let i = 0; i + 2 < slow.length; i += 3) rows.push([slow[i], slow[i + 1], slow[i + 2]]);
  rows.sort((a, b) => a[0] - b[0]);
  const episodes: SlowEpisode[] = [];
  let current: SlowEpisode | null = null;
  let last = -Infinity;
  for (const [intended, sendDelay, answer] of rows) {
    if (!current || intended - last > GAP_MS) {
      current = { from: intended, spanMs: 0, answers: 0, maxMs: 0, sentLate: 0, maxAnswerMs: 0, app: [], generator: [] };
      episodes.push(current);
    }
    last = intended;
    current.spanMs = intended - current.from;
    current.answers++;
    current.maxMs = Math.max(current.maxMs, sendDelay + answer);
    current.maxAnswerMs = Math.max(current.maxAnswerMs, answer);
    if (sendDelay > 1) current.sentLate++;
  }
  const overlapping = (holds: readonly ThreadHold[], e: SlowEpisode) => holds.filter((h) => h.at + h.ms >= e.from - LEAD_MS && h.at <= e.from + e.spanMs + e.maxMs);
  for (const e of episodes) {
    e.app = overlapping(app, e);
    e.generator = overlapping(generator, e);
  }
  return episodes;
}

/**
 * One line for an episode, times relative to `origin` (the measured window's start): each GC pause of a
 * thread, then how many of its turns came late and the latest of them.
 */
export function episodeNote(e: SlowEpisode, origin: number): string {
  const at = (h: ThreadHold) => `${h.ms.toFixed(1)} ms at +${((h.at - origin) / 1000).toFixed(3)} s`;
  const holds = (list: ThreadHold[]) => {
    if (list.length === 0) return 'nothing over 2 ms';
    const pauses = list.filter((h) => h.kind !== 'loop').map((h) => `${h.kind} ${at(h)}`);
    const late = list.filter((h) => h.kind === 'loop');
    if (late.length > 0) {
      const worst = late.reduce((a, b) => (b.ms > a.ms ? b : a));
      pauses.push(late.length === 1 ? `a turn late by ${at(worst)}` : `${late.length} turns late by 2 ms or more, the most by ${at(worst)}`);
    }
    return pauses.join(', ');
  };
  return (
    `at +${((e.from - origin) / 1000).toFixed(3)} s for ${e.spanMs.toFixed(0)} ms: ${e.answers} answers (max ${e.maxMs.toFixed(1)} ms; ${e.sentLate} sent late, ` +
    `slowest from send ${e.maxAnswerMs.toFixed(1)} ms); app: ${holds(e.app)}; generator: ${holds(e.generator)}`
  );
}
