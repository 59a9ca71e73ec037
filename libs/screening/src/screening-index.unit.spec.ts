import type { RestrictedPartyEntry } from './restricted-party';
import { screen } from './screen';
import { buildScreeningIndex, similarVocabulary } from './screening-index';

const entry = (entryId: string, name: string, aliases: RestrictedPartyEntry['aliases'] = [], entityType: RestrictedPartyEntry['entityType'] = 'individual'): RestrictedPartyEntry => ({
  listId: 'OFAC-SDN',
  source: 'SDN',
  entryId,
  name,
  aliases,
  entityType,
  programs: ['SDGT'],
  addresses: [],
  countries: [],
  remarks: '',
});

const entries = [
  entry('1', 'DJIBO, Ousmane Illiassou', [
    { name: 'Ousmane Illiassou Djibo', type: 'aka' }, // the name reordered: adds nothing
    { name: 'KOUNOU, Ousmane Illasou', type: 'aka' },
    { name: 'CHAPORI, Petit', type: 'weak aka' },
  ]),
  entry('2', 'MUHAMMAD, Muhammad Abd al-Rahman'),
  entry('3', 'AERO-CARIBBEAN AIRLINES', [], 'entity'),
];

describe('buildScreeningIndex', () => {
  const index = buildScreeningIndex(entries);

  it('indexes each distinct normalised name of an entry once', () => {
    expect(index.names.map((n) => [index.entries[n.entry].entryId, n.nameType, n.tokens.join(' ')])).toEqual([
      ['1', 'primary', 'ousmane illiassou djibo'],
      ['1', 'aka', 'ousmane illasou kounou'],
      ['1', 'weak aka', 'petit chapori'],
      ['2', 'primary', 'muhammad abd al rahman muhammad'],
      ['3', 'primary', 'aero caribbean airlines'],
    ]);
  });

  it('posts a name once per occurrence of a token, and runs adjacent tokens together', () => {
    expect([...index.postings[index.tokenIds.get('muhammad') as number]]).toEqual([3, 3]);
    expect(index.joinedPairs.get('aerocaribbean')).toEqual([4]);
    expect(index.joinedPairs.get('abdal')).toEqual([3]);
  });

  it('finds vocabulary within the allowed edits of a token, and only that', () => {
    const found = (token: string): string[] => [...similarVocabulary(index, token).keys()].map((id) => index.vocabulary[id]).sort();
    expect(found('iliassou')).toEqual(['illasou', 'illiassou']);
    expect(found('mohammad')).toEqual(['muhammad']);
    expect(found('al')).toEqual(['al']);
    expect(found('el')).toEqual([]);
  });

  it('takes matching settings, and the list version it is told', () => {
    const strict = buildScreeningIndex(entries, { matching: { surplusTokenCost: 1 }, listVersion: { hash: 'h', loadedAt: 't', files: [] } });
    expect(strict.matching).toEqual({ surplusTokenCost: 1, entityTypeMismatchFactor: 0.9 });
    const thresholds = { reviewThreshold: 0.85, blockThreshold: 0.95 };
    expect(screen(index, { name: 'Ousmane Djibo' }, thresholds).band).toBe('review');
    expect(screen(strict, { name: 'Ousmane Djibo' }, thresholds).band).toBe('clear');
    expect(screen(strict, { name: 'Ousmane Djibo' }, thresholds).listVersion).toEqual({ hash: 'h', loadedAt: 't', files: [] });
  });

  it('leaves its working memory clean between screenings', () => {
    const thresholds = { reviewThreshold: 0.85, blockThreshold: 0.95 };
    const first = screen(index, { name: 'Muhammad Abd al Rahman' }, thresholds);
    screen(index, { name: 'Aero Caribbean' }, thresholds);
    expect(screen(index, { name: 'Muhammad Abd al Rahman' }, thresholds)).toEqual(first);
    expect(index.scratch.agreementBound.every((x) => x === 0)).toBe(true);
    expect(index.scratch.mark.every((x) => x === 0)).toBe(true);
  });
});
