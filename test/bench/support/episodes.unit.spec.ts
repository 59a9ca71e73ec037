import { episodeNote, slowEpisodes } from './episodes';
import type { ThreadHold } from './world';

/** Slow answers as the load generator lists them: intended send, send delay, time from send to answer. */
const slow = (...rows: [number, number, number][]) => Float64Array.from(rows.flat());

describe('slow episodes of an open-loop run', () => {
  const T = 1_000_000;

  it('groups answers closer than 20 ms into one episode and counts those sent late', () => {
    const episodes = slowEpisodes(
      slow([T + 10, 0.2, 6], [T, 3, 4], [T + 25, 1.5, 5], [T + 100, 0, 7]),
      [],
      [],
    );
    expect(episodes.map((e) => [e.from, e.spanMs, e.answers, e.sentLate, e.maxMs, e.maxAnswerMs])).toEqual([
      [T, 25, 3, 2, 7, 6],
      [T + 100, 0, 1, 0, 7, 7],
    ]);
  });

  it('sets beside an episode the holds of each thread that overlap it, or began shortly before it', () => {
    const hold = (at: number, ms: number, kind: ThreadHold['kind']): ThreadHold => ({ at, ms, kind });
    const app = [hold(T - 200, 5, 'scavenge'), hold(T - 30, 12, 'mark-compact'), hold(T + 4, 3, 'loop'), hold(T + 500, 4, 'loop')];
    const generator = [hold(T + 2, 2.5, 'loop')];
    const [episode] = slowEpisodes(slow([T, 0, 9], [T + 5, 2, 8]), app, generator);
    expect(episode.app.map((h) => h.kind)).toEqual(['mark-compact', 'loop']);
    expect(episode.generator).toEqual(generator);
    expect(episodeNote(episode, T - 1000)).toBe(
      'at +1.000 s for 5 ms: 2 answers (max 10.0 ms; 1 sent late, slowest from send 9.0 ms); ' +
        'app: mark-compact 12.0 ms at +0.970 s, a turn late by 3.0 ms at +1.004 s; generator: a turn late by 2.5 ms at +1.002 s',
    );
  });

  it('has no episodes without slow answers', () => {
    expect(slowEpisodes(new Float64Array(0), [], [])).toEqual([]);
  });

  it('sums up the late turns of a thread and names the latest, after its GC pauses', () => {
    const late = [3, 9, 4].map((ms, i) => ({ at: T + i * 3, ms, kind: 'loop' as const }));
    const [episode] = slowEpisodes(slow([T, 0, 9]), [...late, { at: T + 1, ms: 2.5, kind: 'scavenge' }], []);
    expect(episodeNote(episode, T)).toBe(
      'at +0.000 s for 0 ms: 1 answers (max 9.0 ms; 0 sent late, slowest from send 9.0 ms); ' +
        'app: scavenge 2.5 ms at +0.001 s, 3 turns late by 2 ms or more, the most by 9.0 ms at +0.003 s; generator: nothing over 2 ms',
    );
  });
});
