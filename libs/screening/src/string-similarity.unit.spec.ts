import { boundedOsaDistance, deletionNeighbourhood, jaroWinkler } from './string-similarity';

describe('jaroWinkler', () => {
  it.each([
    ['martha', 'marhta', 0.9611],
    ['dwayne', 'duane', 0.84],
    ['dixon', 'dicksonx', 0.8133],
    ['abc', 'abc', 1],
    ['abc', 'xyz', 0],
    ['', 'abc', 0],
  ])('%s / %s = %d (the published reference values)', (a, b, expected) => {
    expect(jaroWinkler(a, b)).toBeCloseTo(expected, 4);
    expect(jaroWinkler(b, a)).toBeCloseTo(expected, 4);
  });
});

describe('boundedOsaDistance', () => {
  it.each([
    ['kitten', 'sitting', 3],
    ['putin', 'puttin', 1],
    ['martha', 'marhta', 1], // one transposition
    ['ca', 'abc', 3], // optimal string alignment, not unrestricted Damerau-Levenshtein
    ['', 'abc', 3],
    ['same', 'same', 0],
  ])('%s / %s = %d', (a, b, expected) => {
    expect(boundedOsaDistance(a, b, 5)).toBe(expected);
    expect(boundedOsaDistance(b, a, 5)).toBe(expected);
  });

  it('answers max + 1 once the distance is known to exceed max', () => {
    expect(boundedOsaDistance('kitten', 'sitting', 2)).toBe(3);
    expect(boundedOsaDistance('a', 'abcdef', 2)).toBe(3);
    expect(boundedOsaDistance('abcdefgh', 'hgfedcba', 1)).toBe(2);
  });

  it('handles tokens longer than its working buffers', () => {
    const long = 'x'.repeat(200);
    expect(boundedOsaDistance(long, `${long}y`, 2)).toBe(1);
    expect(jaroWinkler(long, `${long}y`)).toBeGreaterThan(0.99);
  });
});

describe('deletionNeighbourhood', () => {
  it('holds the token and every string up to `depth` deletions away', () => {
    expect([...deletionNeighbourhood('abc', 1)].sort()).toEqual(['ab', 'abc', 'ac', 'bc']);
    expect(deletionNeighbourhood('abcd', 2)).toEqual(new Set(['abcd', 'bcd', 'acd', 'abd', 'abc', 'cd', 'bd', 'bc', 'ad', 'ac', 'ab']));
    expect(deletionNeighbourhood('abc', 0)).toEqual(new Set(['abc']));
  });
});
