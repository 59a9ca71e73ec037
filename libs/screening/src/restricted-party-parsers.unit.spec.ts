import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseBisDpl } from './bis-dpl.parser';
import { parseCsl } from './csl.parser';
import { parseOfacSdn } from './ofac-sdn.parser';
import type { RestrictedPartyEntry } from './restricted-party';

// The real list snapshot of ../shared/data/README.md, from the repo root.
const LISTS = join(__dirname, '../../../../shared/data/restricted-parties');
const read = (file: string): string => readFileSync(join(LISTS, file), 'utf8');

/** Lines holding data: OFAC's files end with a line that is only the DOS end-of-file byte. */
const dataLines = (text: string): number => text.split(/\r?\n/).filter((line) => line.replace(/\u001a/g, '').trim() !== '').length;

const byId = (entries: RestrictedPartyEntry[], entryId: string): RestrictedPartyEntry => {
  const entry = entries.find((e) => e.entryId === entryId);
  if (!entry) throw new Error(`no entry ${entryId}`);
  return entry;
};

describe('parseOfacSdn on the real SDN snapshot', () => {
  const files = { sdn: read('ofac-sdn.csv'), alt: read('ofac-alt.csv'), add: read('ofac-add.csv') };
  const result = parseOfacSdn(files);

  it('reads one record per line of each file, and one entry per sdn line', () => {
    expect(result.rows).toEqual({ sdn: dataLines(files.sdn), alt: dataLines(files.alt), add: dataLines(files.add) });
    expect(result.rows).toEqual({ sdn: 8976, alt: 11910, add: 13837 });
    expect(result.entries).toHaveLength(8976);
    expect(result.skipped).toEqual([]);
  });

  it('gives every alt row to its entry, and every address row that has any content', () => {
    const strongAliases = result.entries.flatMap((e) => e.aliases.filter((a) => a.type !== 'weak aka'));
    expect(strongAliases).toHaveLength(11910);
    // 2,397 add rows are `-0-` in address, city and country alike: nothing to keep.
    expect(result.entries.reduce((n, e) => n + e.addresses.length, 0)).toBe(13837 - 2397);
  });

  it('joins name, aliases (strong, then weak from the remarks) and addresses by ent_num', () => {
    expect(byId(result.entries, '306')).toEqual({
      listId: 'OFAC-SDN',
      source: 'SDN',
      entryId: '306',
      name: 'BANCO NACIONAL DE CUBA',
      aliases: [
        { name: 'NATIONAL BANK OF CUBA', type: 'aka' },
        { name: 'BNC', type: 'weak aka' },
      ],
      entityType: 'entity',
      programs: ['CUBA'],
      addresses: [
        { address: 'Zweierstrasse 35', city: 'Zurich CH-8022', country: 'Switzerland' },
        { address: 'Avenida de Concha Espina 8', city: 'Madrid E-28036', country: 'Spain' },
        { address: 'Dai-Ichi Bldg. 6th Floor, 10-2 Nihombashi, 2-chome, Chuo-ku', city: 'Tokyo 103', country: 'Japan' },
        { address: 'Federico Boyd Avenue & 51 Street', city: 'Panama City', country: 'Panama' },
      ],
      countries: ['Switzerland', 'Spain', 'Japan', 'Panama'],
      remarks: "a.k.a. 'BNC'.",
    });
  });

  it('reads individuals with f.k.a. and a.k.a. names, weak aliases holding apostrophes, and nationality', () => {
    const abril = byId(result.entries, '4307');
    expect(abril.entityType).toBe('individual');
    expect(abril.aliases).toEqual([
      { name: 'CORTEZ, Oliverio Abril', type: 'fka' },
      { name: 'ABRIL CORTES, Oliverio', type: 'aka' },
    ]);
    expect(abril.addresses).toHaveLength(8);

    const djibo = byId(result.entries, '32391');
    expect(djibo.aliases.map((a) => `${a.type}: ${a.name}`)).toEqual([
      'aka: KOUNOU, Ousmane Illasou',
      'aka: DJIBO, Halid Illiassou',
      'weak aka: ILLIASSOU, Djibbo',
      'weak aka: CHAPORI, Aboubacar',
      'weak aka: CHAPORI, Petit',
      'weak aka: TCHAPORI, Petit',
      'weak aka: CHAPPORI, Petit',
      'weak aka: CHAFFORI, Petit',
    ]);
    expect(djibo.countries).toEqual(['Mali', 'Niger']);
    const hamas = result.entries.find((e) => e.remarks.includes("a.k.a. 'ABU-'UMAR'"));
    expect(hamas?.aliases).toContainEqual({ name: "ABU-'UMAR", type: 'weak aka' });
  });

  it('splits joined programs and maps SDN types, an empty type being an entity', () => {
    expect(byId(result.entries, '10392').programs).toEqual(['SDGT', 'NPWMD', 'IFSR', 'IRAN-CON-ARMS-EO']);
    const types = result.entries.reduce<Record<string, number>>((n, e) => ({ ...n, [e.entityType]: (n[e.entityType] ?? 0) + 1 }), {});
    expect(types).toEqual({ entity: 3673, individual: 4620, vessel: 406, aircraft: 277 });
  });

  it('reports alt and add rows whose ent_num has no sdn row instead of dropping them silently', () => {
    const orphan = parseOfacSdn({ sdn: '1,"X",-0- ,"CUBA"\r\n', alt: '2,9,"aka","Y",-0- \r\n', add: '3,9,"a","b","c",-0- \r\n' });
    expect(orphan.entries).toHaveLength(1);
    expect(orphan.skipped).toEqual([
      { record: 1, reason: 'alt: unknown ent_num 2' },
      { record: 1, reason: 'add: unknown ent_num 3' },
    ]);
  });
});

describe('parseBisDpl on the real Denied Persons List', () => {
  const text = read('bis-dpl.txt');
  const result = parseBisDpl(text);

  it('reads one entry per line after the header, each with its own id', () => {
    expect(result.rows).toBe(dataLines(text) - 1);
    expect(result.entries).toHaveLength(581);
    expect(new Set(result.entries.map((e) => e.entryId)).size).toBe(581);
    expect(result.entries.every((e) => e.listId === 'BIS-DPL' && e.source === 'DPL')).toBe(true);
  });

  it('trims names, builds the address, and calls a name with a legal form an entity', () => {
    const ash = result.entries.find((e) => e.name === 'I. ASH');
    expect(ash?.addresses).toEqual([
      { address: 'UPON THE DATE OF THE ORDER INCARCERATED AT USM NO: 26265-177, FCI SEAGOVILLE, 2113 NORTH HIGHWAY 175', city: 'SEAGOVILLE, TX 75159', country: 'US' },
    ]);
    expect(ash?.entityType).toBe('unknown');
    const freight = result.entries.find((e) => e.name === 'AIR FREIGHT LTD');
    expect(freight).toMatchObject({ entityType: 'entity', countries: ['IQ'] });
    expect(freight?.remarks).toMatch(/^effective 05\/13\/2022; expires 11\/09\/2022; /);
  });

  it('gives a row the same id on every import', () => {
    expect(parseBisDpl(text).entries.map((e) => e.entryId)).toEqual(result.entries.map((e) => e.entryId));
  });
});

describe('parseCsl on the real Consolidated Screening List sample', () => {
  const text = read('csl-sample.csv');
  const result = parseCsl(text);

  it('reads one entry per line after the header, with the source code of each list', () => {
    expect(result.rows).toBe(dataLines(text) - 1);
    expect(result.entries).toHaveLength(115);
    const sources = result.entries.reduce<Record<string, number>>((n, e) => ({ ...n, [e.source]: (n[e.source] ?? 0) + 1 }), {});
    expect(sources).toEqual({ SDN: 28, SSI: 26, EL: 22, PLC: 13, DTC: 10, DPL: 8, UVL: 4, ISN: 3, CAP: 1 });
    expect(new Set(result.entries.map((e) => e.entryId)).size).toBe(115);
  });

  it('splits alt_names on `;` into aliases', () => {
    const transneft = result.entries.find((e) => e.name === 'AK TRANSNEFT OAO');
    expect(transneft).toMatchObject({ listId: 'CSL', source: 'SSI', entryId: 'SSI-17254', entityType: 'entity', programs: ['UKRAINE-EO13662'] });
    expect(transneft?.aliases.map((a) => a.name)).toEqual([
      'OAO AK TRANSNEFT',
      'AKTSIONERNAYA KOMPANIYA PO TRANSPORTUNEFTI TRANSNEFT OAO',
      'OIL TRANSPORTING JOINT-STOCK COMPANY TRANSNEFT',
      'TRANSNEFT, JSC',
      'TRANSNEFT OJSC',
      'TRANSNEFT',
    ]);
    expect(transneft?.addresses).toEqual([
      { address: '57 B. Polyanka ul.', city: 'Moscow 119180', country: 'RU' },
      { address: '57 Bolshaya. Polyanka', city: 'Moscow 119180', country: 'RU' },
    ]);
    expect(transneft?.countries).toEqual(['RU']);
  });

  it("drops the `and` and full stop of an alt_names list written as a sentence", () => {
    const institute = result.entries.find((e) => e.name === '54th Research Institute of China');
    expect(institute?.aliases.map((a) => a.name)).toEqual([
      'China Electronics Technology Group Corp. (CETC) 54th Research Institute',
      'Communication, Telemetry and Telecontrol Research Institute (CTI)',
      'Shijiazhuang Communication Observation and Control Technology Institute',
    ]);
    expect(institute?.countries).toEqual(['CN']);
  });

  it('keeps every alt name of the sample', () => {
    expect(result.entries.reduce((n, e) => n + e.aliases.length, 0)).toBe(161);
  });
});
