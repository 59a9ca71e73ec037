import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DomainError } from '@app/domain';
import { RestrictedPartyListFiles, RestrictedPartyListProgress, loadRestrictedPartyLists } from './restricted-party-lists.loader';

// The real list snapshot of ../shared/data/README.md, from the repo root.
const LISTS = join(__dirname, '../../../../shared/data/restricted-parties');
const FILE_NAMES = { ofacSdn: 'ofac-sdn.csv', ofacAlt: 'ofac-alt.csv', ofacAdd: 'ofac-add.csv', bisDpl: 'bis-dpl.txt', csl: 'csl-sample.csv' } as const;
const filesIn = (dir: string): RestrictedPartyListFiles =>
  Object.fromEntries(Object.entries(FILE_NAMES).map(([role, name]) => [role, join(dir, name)]));
const LOADED_AT = new Date('2026-08-22T09:00:00.000Z');

describe('loadRestrictedPartyLists', () => {
  it('finds the real snapshot', () => {
    for (const name of Object.values(FILE_NAMES)) expect(existsSync(join(LISTS, name))).toBe(true);
  });

  it('parses every file, reports each as it goes, and names the exact contents in the version', async () => {
    const progress: RestrictedPartyListProgress[] = [];
    const { entries, version } = await loadRestrictedPartyLists(filesIn(LISTS), { loadedAt: LOADED_AT, onProgress: (p) => progress.push(p) });

    expect(entries).toHaveLength(8976 + 581 + 115);
    expect(progress.map((p) => [p.role, p.records, p.entries, p.skipped.length])).toEqual([
      ['ofacSdn', 8976, 8976, 0],
      ['ofacAlt', 11910, 11910, 0],
      ['ofacAdd', 13837, 13837, 0],
      ['bisDpl', 581, 581, 0],
      ['csl', 115, 115, 0],
    ]);
    expect(version.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(version.loadedAt).toBe('2026-08-22T09:00:00.000Z');
    expect(version.files.map((f) => [f.role, f.name, f.entries])).toEqual([
      ['ofacSdn', 'ofac-sdn.csv', 8976],
      ['ofacAlt', 'ofac-alt.csv', 11910],
      ['ofacAdd', 'ofac-add.csv', 13837],
      ['bisDpl', 'bis-dpl.txt', 581],
      ['csl', 'csl-sample.csv', 115],
    ]);
    expect(version.files.every((f) => /^[0-9a-f]{64}$/.test(f.sha256))).toBe(true);
    expect(progress.map((p) => p.sha256)).toEqual(version.files.map((f) => f.sha256));
  });

  it('loads any subset of the lists', async () => {
    const { entries, version } = await loadRestrictedPartyLists({ csl: join(LISTS, FILE_NAMES.csl) }, { loadedAt: LOADED_AT });
    expect(entries).toHaveLength(115);
    expect(version.files.map((f) => f.role)).toEqual(['csl']);
  });

  describe('with a fresh copy of the files', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'restricted-parties-'));
      for (const name of Object.values(FILE_NAMES)) copyFileSync(join(LISTS, name), join(dir, name));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('gives the same hash for the same contents, wherever they are and whenever loaded', async () => {
      const original = await loadRestrictedPartyLists(filesIn(LISTS), { loadedAt: LOADED_AT });
      const copy = await loadRestrictedPartyLists(filesIn(dir), { loadedAt: new Date('2027-01-01T00:00:00.000Z') });
      expect(copy.version.hash).toBe(original.version.hash);
    });

    it('gives a new hash, and the new row, when a file changes', async () => {
      const before = await loadRestrictedPartyLists(filesIn(dir), { loadedAt: LOADED_AT });
      // As OFAC would publish it: the new row before the end-of-file byte.
      const alt = join(dir, FILE_NAMES.ofacAlt);
      writeFileSync(alt, readFileSync(alt, 'latin1').replace('\u001a', '306,999999,"aka","BNC HAVANA",-0- \r\n\u001a'), 'latin1');
      const after = await loadRestrictedPartyLists(filesIn(dir), { loadedAt: LOADED_AT });

      expect(after.version.hash).not.toBe(before.version.hash);
      const changed = after.version.files.filter((f, i) => f.sha256 !== before.version.files[i].sha256).map((f) => f.role);
      expect(changed).toEqual(['ofacAlt']);
      expect(after.entries.find((e) => e.entryId === '306')?.aliases).toContainEqual({ name: 'BNC HAVANA', type: 'aka' });
    });

    it('tells files apart by role: the same bytes under another role hash differently', async () => {
      copyFileSync(join(dir, FILE_NAMES.bisDpl), join(dir, 'copy.txt'));
      const asDpl = await loadRestrictedPartyLists({ bisDpl: join(dir, 'copy.txt') }, { loadedAt: LOADED_AT });
      copyFileSync(join(dir, FILE_NAMES.csl), join(dir, 'copy.txt'));
      const asCsl = await loadRestrictedPartyLists({ csl: join(dir, 'copy.txt') }, { loadedAt: LOADED_AT });
      expect(asDpl.version.hash).not.toBe(asCsl.version.hash);
    });
  });

  it("refuses OFAC's alt or add file without its sdn file, and an empty file set", async () => {
    await expect(loadRestrictedPartyLists({ ofacAlt: join(LISTS, FILE_NAMES.ofacAlt) }, { loadedAt: LOADED_AT })).rejects.toMatchObject({
      code: 'SCREENING.OFAC_SDN_FILE_MISSING',
    });
    await expect(loadRestrictedPartyLists({}, { loadedAt: LOADED_AT })).rejects.toBeInstanceOf(DomainError);
  });

  it('fails on a missing file', async () => {
    await expect(loadRestrictedPartyLists({ bisDpl: join(LISTS, 'no-such-file.txt') }, { loadedAt: LOADED_AT })).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
