import { join } from 'node:path';
import { DomainError } from '@app/domain';
import { normaliseName } from './name-normalisation';
import { matchTokens } from './name-similarity';
import { loadRestrictedPartyLists } from './restricted-party-lists.loader';
import { bandFor, screen, ScreeningEvidence, ScreeningQuery, ScreeningThresholds } from './screen';
import { buildScreeningIndex, ScreeningIndex } from './screening-index';

// The real list snapshot of ../shared/data/README.md, from the repo root.
const LISTS = join(__dirname, '../../../../shared/data/restricted-parties');
const THRESHOLDS: ScreeningThresholds = { reviewThreshold: 0.85, blockThreshold: 0.95 };

let index: ScreeningIndex;

beforeAll(async () => {
  const { entries, version } = await loadRestrictedPartyLists(
    {
      ofacSdn: join(LISTS, 'ofac-sdn.csv'),
      ofacAlt: join(LISTS, 'ofac-alt.csv'),
      ofacAdd: join(LISTS, 'ofac-add.csv'),
      bisDpl: join(LISTS, 'bis-dpl.txt'),
      csl: join(LISTS, 'csl-sample.csv'),
    },
    { loadedAt: new Date('2026-08-22T09:00:00.000Z') },
  );
  index = buildScreeningIndex(entries, { listVersion: version });
});

const screenName = (name: string, query: Partial<ScreeningQuery> = {}): ScreeningEvidence => screen(index, { name, ...query }, THRESHOLDS);
const top = (evidence: ScreeningEvidence) => evidence.candidates[0];

describe('screen against the full OFAC SDN, BIS DPL and CSL snapshot', () => {
  it('blocks a listed name given exactly, and says which entry and name matched', () => {
    const evidence = screenName('BANCO NACIONAL DE CUBA');
    expect(evidence.band).toBe('block');
    expect(evidence.topScore).toBe(1);
    expect(top(evidence)).toMatchObject({
      listId: 'OFAC-SDN',
      source: 'SDN',
      entryId: '306',
      name: 'BANCO NACIONAL DE CUBA',
      matchedName: 'BANCO NACIONAL DE CUBA',
      matchedNameType: 'primary',
      score: 1,
      band: 'block',
      programs: ['CUBA'],
    });
  });

  it('blocks `First Last` against a list written `LAST, First`', () => {
    const evidence = screenName('Manuel Antonio Noriega');
    expect(evidence).toMatchObject({ band: 'block', topScore: 1, normalisedQuery: 'manuel antonio noriega' });
    expect(top(evidence)).toMatchObject({ entryId: '1572', matchedName: 'NORIEGA, Manuel Antonio' });
    expect(top(screenName('Illiassou Djibo Ousmane'))).toMatchObject({ entryId: '32391', score: 1, band: 'block' });
  });

  it('blocks a listed name in lower case with accents', () => {
    const evidence = screenName('noriéga, manuel antónio');
    expect(evidence.band).toBe('block');
    expect(top(evidence)).toMatchObject({ entryId: '1572', score: 1 });
    expect(top(screenName('óusmane illiàssou djíbo'))).toMatchObject({ entryId: '32391', score: 1 });
  });

  it('matches whatever legal form the company name carries, or none', () => {
    // Listed as AVIA GROUP TERMINAL LIMITED LIABILITY COMPANY
    expect(top(screenName('Avia Group Terminal LLC'))).toMatchObject({ entryId: '19038', score: 1, band: 'block' });
    // Listed as ANGLO-CARIBBEAN CO., LTD. and GALAX TRADING CO., LTD.
    expect(top(screenName('Anglo Caribbean'))).toMatchObject({ entryId: '173', score: 1, band: 'block' });
    expect(top(screenName('Galax Trading Company Limited'))).toMatchObject({ entryId: '815', score: 1, band: 'block' });
    // Listed on the CSL (SSI) as GAZPROMBANK OAO
    expect(top(screenName('Gazprombank PJSC'))).toMatchObject({ listId: 'CSL', source: 'SSI', entryId: 'SSI-17016', score: 1 });
  });

  it('sends one or two misspelt letters to review or block, never clear', () => {
    for (const misspelt of ['Manuel Antonio Noreiga', 'Manuel Antonoi Norieqa', 'Banco Nacional de Cubba', 'Usmane Iliassou Djibbo', 'Avia Grup Terminal']) {
      const evidence = screenName(misspelt);
      expect({ misspelt, band: evidence.band }).toEqual({ misspelt, band: expect.stringMatching(/^(review|block)$/) });
    }
    expect(top(screenName('Manuel Antonoi Norieqa'))).toMatchObject({ entryId: '1572' });
    expect(top(screenName('Ousmane Djibbo'))).toMatchObject({ entryId: '32391', band: 'review' });
  });

  it('matches an alias, and the evidence names the alias that matched', () => {
    expect(top(screenName('National Bank of Cuba'))).toMatchObject({
      entryId: '306',
      name: 'BANCO NACIONAL DE CUBA',
      matchedName: 'NATIONAL BANK OF CUBA',
      matchedNameType: 'aka',
      band: 'block',
    });
    expect(top(screenName('Oliverio Abril Cortes'))).toMatchObject({ entryId: '4307', matchedName: 'ABRIL CORTES, Oliverio', matchedNameType: 'aka' });
    expect(top(screenName('Aero-Caribbean'))).toMatchObject({ entryId: '36', matchedName: 'AERO-CARIBBEAN' });
    // CSL alt_names are aliases too.
    expect(top(screenName('Oil Transporting Joint Stock Company Transneft'))).toMatchObject({ entryId: 'SSI-17254', matchedNameType: 'aka', score: 1 });
  });

  it('clears clearly unrelated names', () => {
    for (const name of ['Jane Smith', 'Acme Robotics Inc.', 'Northwind Grid Operations LLC', 'Contoso Pharmaceuticals GmbH', 'Hiroshi Tanaka']) {
      const evidence = screenName(name);
      expect({ name, band: evidence.band, topScore: evidence.topScore < THRESHOLDS.reviewThreshold }).toEqual({ name, band: 'clear', topScore: true });
    }
  });

  it('does not let a short name or a single common word match everything', () => {
    const ali = screenName('Ali');
    expect(ali.band).toBe('clear');
    const cimex = screenName('Cimex Iberica Trading');
    expect(cimex.candidates.find((c) => c.entryId === '535')?.band ?? 'clear').toBe('clear'); // listed as plain CIMEX
  });

  it('sends a match on a weak alias only to review', () => {
    // OFAC 32391 has the weak a.k.a. 'CHAPORI, Petit' in its remarks.
    expect(top(screenName('Petit Chapori'))).toMatchObject({ entryId: '32391', score: 1, band: 'review', reviewOnly: 'weak alias', matchedNameType: 'weak aka' });
  });

  it('sends a high score that leaves a word of either name unmatched only to review', () => {
    const partial = top(screenName('Horizon Systems')); // listed on the DPL as HORIZON RX SYSTEMS
    expect(partial).toMatchObject({ listId: 'BIS-DPL', matchedName: 'HORIZON RX SYSTEMS', band: 'review', reviewOnly: 'partial name' });
    expect(partial.score).toBeGreaterThanOrEqual(THRESHOLDS.blockThreshold);
    expect(screenName('Ousmane Djibo').band).toBe('review'); // without the middle name
  });

  it('lowers the score when the query and the entry are different kinds of party', () => {
    const asPerson = screenName('Banco Nacional de Cuba', { entityType: 'individual' });
    expect(top(asPerson)).toMatchObject({ entryId: '306', score: 0.9, band: 'review' });
    expect(top(screenName('Banco Nacional de Cuba', { entityType: 'entity' }))).toMatchObject({ score: 1, band: 'block' });
  });

  it("flags whether the query's country is among the entry's", () => {
    expect(top(screenName('Banco Nacional de Cuba', { country: 'Spain' }))).toMatchObject({ countryMatch: true });
    expect(top(screenName('Banco Nacional de Cuba', { country: 'Germany' }))).toMatchObject({ countryMatch: false });
    expect(top(screenName('Banco Nacional de Cuba'))).not.toHaveProperty('countryMatch');
  });

  it('records the query, the thresholds and the list version on the evidence, and lists at most `limit` entries best first', () => {
    const evidence = screen(index, { name: 'Mohammed Ali' }, THRESHOLDS, 3);
    expect(evidence.query).toEqual({ name: 'Mohammed Ali' });
    expect(evidence.thresholds).toEqual({ ...THRESHOLDS, reportThreshold: 0.75 });
    expect(evidence.listVersion).toBe(index.listVersion);
    expect(evidence.listVersion?.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(evidence.candidates).toHaveLength(3);
    const severity = { clear: 0, review: 1, block: 2 };
    const order = evidence.candidates.map((c) => [severity[c.band], c.score]);
    expect(order).toEqual([...order].sort((a, b) => b[0] - a[0] || b[1] - a[1]));
    expect(evidence.topScore).toBe(Math.max(...evidence.candidates.map((c) => c.score)));
    expect(new Set(evidence.candidates.map((c) => `${c.listId}/${c.entryId}`)).size).toBe(3);
  });

  it('refuses thresholds out of order or out of [0, 1], and a name with nothing to screen', () => {
    expect(() => screen(index, { name: 'x' }, { reviewThreshold: 0.96, blockThreshold: 0.95 })).toThrow(DomainError);
    expect(() => screen(index, { name: 'x' }, { reviewThreshold: 0.85, blockThreshold: 1.2 })).toThrow(expect.objectContaining({ code: 'SCREENING.INVALID_THRESHOLDS' }));
    expect(() => screen(index, { name: 'x' }, { ...THRESHOLDS, reportThreshold: 0.9 })).toThrow(expect.objectContaining({ code: 'SCREENING.INVALID_THRESHOLDS' }));
    expect(() => screen(index, { name: ' -- ' }, THRESHOLDS)).toThrow(expect.objectContaining({ code: 'SCREENING.NAME_NOT_SCREENABLE' }));
  });

  it('bands by the thresholds given', () => {
    expect([0.5, 0.85, 0.9, 0.95, 1].map((s) => bandFor(s, THRESHOLDS))).toEqual(['clear', 'review', 'review', 'block', 'block']);
    expect(screen(index, { name: 'Ousmane Djibo' }, { reviewThreshold: 0.6, blockThreshold: 0.7 }).band).toBe('review'); // partial name: review only
    expect(screen(index, { name: 'Ousmane Djibo' }, { reviewThreshold: 0.92, blockThreshold: 0.97 }).band).toBe('clear');
  });

  it('finds exactly what scoring every listed name would find: candidate generation loses nothing', () => {
    const reportThreshold = 0.6;
    const thresholds = { ...THRESHOLDS, reportThreshold };
    const queries = [
      'Manuel Antonio Noreiga',
      'Ousmane Djibo',
      'Mohammed Ali',
      'Abd al Rahman Muhammad',
      'Banco Nacional',
      'Aero Caribean Airlines',
      'Avia Grup Terminal LLC',
      'Jane Smith',
      'Horizon Systems',
      'Kim Jong',
      'Rosneft',
      'Petrochemical Trading Company',
      'AL QAIDA',
      'Hezbolah',
    ];
    for (const name of queries) {
      const { tokens } = normaliseName(name);
      const expected = new Map<string, number>();
      for (const listed of index.names) {
        const score = Math.round(matchTokens(tokens, listed.tokens, index.matching, reportThreshold).score * 1e4) / 1e4;
        const entry = index.entries[listed.entry];
        const key = `${entry.listId}/${entry.entryId}`;
        if (score >= reportThreshold && score > (expected.get(key) ?? 0)) expected.set(key, score);
      }
      const found = screen(index, { name }, thresholds, Number.MAX_SAFE_INTEGER).candidates;
      // An entry's listed score is that of its most severe name, which is its best unless a weak alias or partial name outscored it.
      const foundBest = new Map(found.map((c) => [`${c.listId}/${c.entryId}`, c.score]));
      expect({ name, entries: [...foundBest.keys()].sort() }).toEqual({ name, entries: [...expected.keys()].sort() });
      for (const [key, score] of foundBest) expect(score).toBeLessThanOrEqual(expected.get(key) as number);
      expect(Math.max(0, ...foundBest.values())).toBe(Math.max(0, ...expected.values()));
    }
  });
});
