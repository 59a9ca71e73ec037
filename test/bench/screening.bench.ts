/**
 * Restricted-party screening benchmark: loads the full list snapshot, builds the screening index,
 * then screens a fixed, seeded mix of names (listed names as published, listed names with one or
 * two letters changed, and made-up clean names) one at a time, and reports per-name latency next
 * to same-run baselines (normalising the names only; an exact Map lookup of the normalised name).
 * Not a jest test: built by `npm run build` and run by `npm run bench:screening`.
 *
 * SCREENING_LISTS_DIR names the folder holding ofac-sdn.csv, ofac-alt.csv, ofac-add.csv,
 * bis-dpl.txt and csl-sample.csv (default: ../shared/data/restricted-parties from the working
 * directory, which npm sets to the repo root).
 */
import { join } from 'node:path';
import { seeded } from '../support/prng';
import {
  buildScreeningIndex,
  loadRestrictedPartyLists,
  normaliseName,
  screen,
  ScreeningBand,
  ScreeningThresholds,
} from '../../libs/screening/src';

const LISTS_DIR = process.env.SCREENING_LISTS_DIR ?? join(process.cwd(), '../shared/data/restricted-parties');
const THRESHOLDS: ScreeningThresholds = { reviewThreshold: 0.85, blockThreshold: 0.95 };
const MIX = { listed: 700, oneLetter: 350, twoLetters: 250, clean: 700 };
const WARM_UP = 1_000;
const TARGET_MS_PER_NAME = 5;
const SEED = 20260822;

// ---- measuring -----------------------------------------------------------------------------

const now = (): number => Number(process.hrtime.bigint()) / 1e6;

/** Nearest-rank percentile of an ascending list. */
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

function summarize(latenciesMs: number[]): { p50: number; p99: number; mean: number; max: number; total: number } {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  const total = sorted.reduce((sum, x) => sum + x, 0);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), mean: total / sorted.length, max: sorted[sorted.length - 1], total };
}

const int = (x: number): string => Math.round(x).toLocaleString('en-US');
const ms = (x: number): string => `${x.toFixed(3)} ms`;

/** Progress goes to stderr, so that stdout carries only the results. */
function progress(line: string): void {
  process.stderr.write(`  .. ${line}\n`);
}

// ---- the names screened --------------------------------------------------------------------

const random = seeded(SEED);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
const LETTERS = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'];

/** One typing error in a word: a letter replaced, inserted, dropped, or two swapped. */
function misspellWord(word: string): string {
  const i = Math.floor(random() * word.length);
  switch (Math.floor(random() * 4)) {
    case 0:
      return word.slice(0, i) + pick(LETTERS) + word.slice(i + 1);
    case 1:
      return word.slice(0, i) + pick(LETTERS) + word.slice(i);
    case 2:
      return word.slice(0, i) + word.slice(i + 1);
    default:
      return i + 1 < word.length ? word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2) : word.slice(0, i) + pick(LETTERS);
  }
}

/** `letters` typing errors, each in a word of five letters or more. */
function misspell(name: string, letters: number): string {
  const words = name.split(' ');
  for (let k = 0; k < letters; k += 1) {
    const long = words.flatMap((w, i) => (/^[A-Za-z]{5,}$/.test(w) ? [i] : []));
    if (long.length === 0) break;
    const i = pick(long);
    words[i] = misspellWord(words[i]);
  }
  return words.join(' ');
}

const GIVEN = 'James Mary John Patricia Robert Jennifer Michael Linda Emma Olivia Noah Liam Sophia Lucas Hannah Lena Felix Jonas Marie Pierre Camille Julien Mateo Lucia Diego Valentina Hiroshi Yuki Sakura Kenji Priya Arjun Ananya Rahul Katarzyna Piotr Lars Ingrid Astrid Sven Giulia Marco Kwame Amara Chinedu Zanele Thabo'.split(' ');
const FAMILY = 'Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Moore Jackson Thompson White Harris Clark Lewis Walker Young Allen Wright Scott Muller Schmidt Schneider Fischer Weber Becker Dubois Moreau Laurent Rossi Russo Ferrari Esposito Tanaka Suzuki Takahashi Watanabe Sharma Gupta Novak Kowalski Nowak Andersson Johansson Nielsen Hansen Okafor Mensah Dlamini'.split(' ');
const BRAND = 'Acme Northwind Bluefin Contoso Fabrikam Globex Initech Vandelay Hooli Aperture Tyrell Cyberdyne Soylent Wonka Nakatomi Virtucon Monarch Sterling Prestige Dunder Bluth Nimbus Quantum Harbor Summit Evergreen Silverline Redwood Granite Meridian Keystone Lakeside Brightpath'.split(' ');
const TRADE = 'Robotics Analytics Systems Solutions Software Logistics Energy Grid Operations Foods Capital Partners Labs Cloud Networks Devices Consulting Media Health Pharma Materials Semiconductors Motors Aerospace Textiles Mining Retail Insurance Ventures Studios Data Security Telecom Water Agritech Biotech'.split(' ');
const LEGAL_FORM = ['Inc.', 'LLC', 'Ltd', 'GmbH', 'S.A.', 'Co., Ltd.', 'PLC', 'B.V.', 'AG'];

function cleanName(): string {
  if (random() < 0.5) return random() < 0.3 ? `${pick(FAMILY).toUpperCase()}, ${pick(GIVEN)}` : `${pick(GIVEN)} ${pick(FAMILY)}`;
  return `${pick(BRAND)} ${pick(TRADE)}${random() < 0.4 ? ` ${pick(TRADE)}` : ''} ${pick(LEGAL_FORM)}`;
}

type Kind = keyof typeof MIX;

// ---- the run -------------------------------------------------------------------------------

async function main(): Promise<void> {
  const files = {
    ofacSdn: join(LISTS_DIR, 'ofac-sdn.csv'),
    ofacAlt: join(LISTS_DIR, 'ofac-alt.csv'),
    ofacAdd: join(LISTS_DIR, 'ofac-add.csv'),
    bisDpl: join(LISTS_DIR, 'bis-dpl.txt'),
    csl: join(LISTS_DIR, 'csl-sample.csv'),
  };
  let started = now();
  const { entries, version } = await loadRestrictedPartyLists(files, {
    loadedAt: new Date(),
    onProgress: (p) => progress(`${p.role}: ${int(p.records)} records, ${int(p.entries)} taken, ${p.skipped.length} skipped`),
  });
  const loadMs = now() - started;

  started = now();
  const index = buildScreeningIndex(entries, { listVersion: version });
  const buildMs = now() - started;
  const heapMb = process.memoryUsage().heapUsed / 2 ** 20;

  const strongNames = index.names.filter((n) => n.nameType !== 'weak aka');
  const multiWord = strongNames.filter((n) => n.tokens.filter((t) => t.length >= 5).length > 0);
  const queries: { kind: Kind; name: string }[] = [];
  for (let k = 0; k < MIX.listed; k += 1) queries.push({ kind: 'listed', name: pick(strongNames).name });
  for (let k = 0; k < MIX.oneLetter; k += 1) queries.push({ kind: 'oneLetter', name: misspell(pick(multiWord).tokens.join(' ').toUpperCase(), 1) });
  for (let k = 0; k < MIX.twoLetters; k += 1) queries.push({ kind: 'twoLetters', name: misspell(pick(multiWord).tokens.join(' ').toUpperCase(), 2) });
  for (let k = 0; k < MIX.clean; k += 1) queries.push({ kind: 'clean', name: cleanName() });
  // Interleave the kinds, so no kind runs only warm or only cold.
  for (let i = queries.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [queries[i], queries[j]] = [queries[j], queries[i]];
  }

  // Steady state, as in a running service: the JIT has seen every path before the clock starts.
  progress(`warming up on ${WARM_UP} other names`);
  for (let k = 0; k < WARM_UP; k += 1) {
    const name = k % 2 === 0 ? cleanName() : misspell(pick(multiWord).tokens.join(' ').toUpperCase(), k % 3);
    screen(index, { name }, THRESHOLDS);
  }

  // Baselines, same names, same process: normalising only; normalising plus an exact Map lookup.
  const exact = new Map<string, number>();
  index.names.forEach((n, id) => exact.set([...n.tokens].sort().join(' '), id));
  const normaliseLatency: number[] = [];
  const lookupLatency: number[] = [];
  let exactHits = 0;
  for (const { name } of queries) {
    let t = now();
    normaliseName(name);
    normaliseLatency.push(now() - t);
    t = now();
    if (exact.has(normaliseName(name).key)) exactHits += 1;
    lookupLatency.push(now() - t);
  }

  progress(`screening ${queries.length} names`);
  const latency: number[] = [];
  const bands: Record<Kind, Record<ScreeningBand, number>> = {
    listed: { clear: 0, review: 0, block: 0 },
    oneLetter: { clear: 0, review: 0, block: 0 },
    twoLetters: { clear: 0, review: 0, block: 0 },
    clean: { clear: 0, review: 0, block: 0 },
  };
  let slowest = { ms: 0, name: '' };
  const cleanNotClear: string[] = [];
  const screenStarted = now();
  for (const { kind, name } of queries) {
    const t = now();
    const evidence = screen(index, { name }, THRESHOLDS);
    const took = now() - t;
    latency.push(took);
    if (took > slowest.ms) slowest = { ms: took, name };
    bands[kind][evidence.band] += 1;
    if (kind === 'clean' && evidence.band !== 'clear') {
      const top = evidence.candidates[0];
      cleanNotClear.push(`${JSON.stringify(name)} -> ${evidence.band} ${top.score} ${top.listId}/${top.entryId} ${JSON.stringify(top.matchedName)}`);
    }
  }
  const screenWallMs = now() - screenStarted;

  const s = summarize(latency);
  const n = summarize(normaliseLatency);
  const l = summarize(lookupLatency);
  const line = (label: string, x: ReturnType<typeof summarize>): string =>
    `${label.padEnd(34)} p50 ${ms(x.p50)}  p99 ${ms(x.p99)}  max ${ms(x.max)}  mean ${ms(x.mean)}  ${int(queries.length / (x.total / 1000))} names/s`;

  console.log('Restricted-party screening benchmark');
  console.log(`node ${process.version}, ${process.platform}/${process.arch}`);
  console.log(`lists: ${LISTS_DIR}`);
  console.log(`  version ${version.hash.slice(0, 16)}…  ${version.files.map((f) => `${f.name} ${int(f.entries)}`).join(', ')}`);
  console.log(`load + parse: ${ms(loadMs)}  (${int(entries.length)} entries)`);
  console.log(
    `index build: ${ms(buildMs)}  (${int(index.names.length)} names incl. aliases, ${int(index.vocabulary.length)} distinct tokens, ` +
      `${int(index.deletions.size)} deletion keys, ${int(index.joinedPairs.size)} joined pairs; heap ${heapMb.toFixed(0)} MiB)`,
  );
  console.log(`thresholds: review >= ${THRESHOLDS.reviewThreshold}, block >= ${THRESHOLDS.blockThreshold}, candidates listed from ${THRESHOLDS.reviewThreshold - 0.1}`);
  console.log(`names screened: ${queries.length} (${Object.entries(MIX).map(([k, v]) => `${v} ${k}`).join(', ')}), one at a time, after ${WARM_UP} other names to warm up`);
  console.log(line('screen()', s));
  console.log(`${''.padEnd(34)} wall ${ms(screenWallMs)} for all; slowest: ${JSON.stringify(slowest.name)}`);
  console.log(line('baseline: normaliseName() only', n));
  console.log(line('baseline: normalise + exact Map.get', l) + `  (${exactHits} exact hits)`);
  console.log(`target: < ${TARGET_MS_PER_NAME} ms per name -> p99 ${s.p99 < TARGET_MS_PER_NAME ? 'PASS' : 'FAIL'}, max ${s.max < TARGET_MS_PER_NAME ? 'PASS' : 'FAIL'}`);
  console.log('bands by kind of name (clear / review / block):');
  for (const [kind, count] of Object.entries(bands)) console.log(`  ${kind.padEnd(11)} ${count.clear} / ${count.review} / ${count.block}`);
  for (const line of cleanNotClear) console.log(`  made-up name not clear: ${line}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
