import { allowedEdits, compactSimilarity, matchTokens, nameSimilarity, tokenSimilarity } from './name-similarity';

describe('tokenSimilarity', () => {
  it('allows no edit up to 3 letters, one up to 5, two from 6 (by the shorter token)', () => {
    expect([1, 3, 4, 5, 6, 12].map(allowedEdits)).toEqual([0, 0, 1, 1, 2, 2]);
    expect(tokenSimilarity('ali', 'aly')).toBe(0);
    expect(tokenSimilarity('ali', 'ali')).toBe(1);
    expect(tokenSimilarity('hasan', 'hassan')).toBeGreaterThan(0.9);
    expect(tokenSimilarity('smith', 'smyth')).toBeGreaterThan(0.85);
    expect(tokenSimilarity('smith', 'smythe')).toBe(0); // two edits, shorter token of 5
    expect(tokenSimilarity('mohammed', 'muhammad')).toBeGreaterThan(0.8); // two edits, 8 letters
    expect(tokenSimilarity('mohammed', 'mahmoud')).toBe(0);
  });

  it('is symmetric and in [0, 1]', () => {
    for (const [a, b] of [
      ['ousmane', 'usmane'],
      ['djibo', 'djibbo'],
      ['martha', 'marhta'],
    ]) {
      expect(tokenSimilarity(a, b)).toBe(tokenSimilarity(b, a));
      expect(tokenSimilarity(a, b)).toBeGreaterThan(0);
      expect(tokenSimilarity(a, b)).toBeLessThan(1);
    }
  });
});

describe('nameSimilarity', () => {
  it('is 1 for names equal after normalisation, whatever the word order, case, accents or legal form', () => {
    expect(nameSimilarity('DJIBO, Ousmane Illiassou', 'óusmane illiassou djibo')).toBe(1);
    expect(nameSimilarity('AVIA GROUP TERMINAL LIMITED LIABILITY COMPANY', 'Avia Group Terminal LLC')).toBe(1);
  });

  it('stays high for one or two misspelt letters', () => {
    expect(nameSimilarity('Ousmane Illiassou Djibo', 'Ousmane Iliassou Djibo')).toBeGreaterThan(0.95);
    expect(nameSimilarity('Ousmane Djibo', 'Usmane Djibbo')).toBeGreaterThan(0.85);
  });

  it('forgives a missing middle name or patronymic more than a different one', () => {
    const missing = nameSimilarity('Vladimir Putin', 'PUTIN, Vladimir Vladimirovich');
    const different = nameSimilarity('Vladimir Putin', 'PUTIN, Sergei');
    expect(missing).toBeGreaterThan(0.85);
    expect(missing).toBeLessThan(0.95);
    expect(different).toBeLessThan(0.75);
  });

  it('does not let one shared word carry a name', () => {
    expect(nameSimilarity('Ali', 'Aws Ali')).toBeLessThan(0.75);
    expect(nameSimilarity('Vladimir Putin', 'VLADIMIR')).toBeLessThan(0.8);
    expect(nameSimilarity('Zeus Technologies', 'ZEUS')).toBeLessThan(0.75);
    expect(nameSimilarity('Jane Smith', 'John Smith')).toBeLessThan(0.75);
  });

  it('compares names that split words differently written without spaces', () => {
    expect(nameSimilarity('Aero Caribbean', 'AEROCARIBBEAN')).toBe(1);
    expect(nameSimilarity('AEROCARIBBEAN AIRLINES', 'Aero-Caribbean Airlines')).toBe(1);
    expect(nameSimilarity('Aero Caribean Airlines', 'AEROCARIBBEAN AIRLINES')).toBeGreaterThan(0.95);
    // A short particle must join exactly: `abd al` is not `abdul`.
    expect(nameSimilarity('Abd al Bari', 'ABDUL BARI')).toBeLessThan(0.75);
  });

  it('is symmetric when no words are split, and always in [0, 1]', () => {
    const pairs = [
      ['Ousmane Djibo', 'DJIBO, Ousmane Illiassou'],
      ['Banco Nacional de Cuba', 'National Bank of Cuba'],
      ['Jane Smith', 'Acme Robotics Inc.'],
    ];
    for (const [a, b] of pairs) {
      expect(nameSimilarity(a, b)).toBeCloseTo(nameSimilarity(b, a), 10);
      expect(nameSimilarity(a, b)).toBeGreaterThanOrEqual(0);
      expect(nameSimilarity(a, b)).toBeLessThanOrEqual(1);
    }
  });
});

describe('matchTokens', () => {
  it('says whether every word of both names found a counterpart', () => {
    expect(matchTokens(['ousmane', 'djibo'], ['ousmane', 'illiassou', 'djibo'])).toMatchObject({ wholeName: false });
    expect(matchTokens(['usmane', 'djibbo'], ['ousmane', 'djibo'])).toMatchObject({ wholeName: true });
    expect(matchTokens(['aero', 'caribbean'], ['aerocaribbean'])).toEqual({ score: 1, wholeName: true });
  });
});

describe('compactSimilarity', () => {
  it('is 1 - edits / length, and 0 below the floor', () => {
    expect(compactSimilarity('abcdefghij', 'abcdefghix', 0.5)).toBeCloseTo(0.9);
    expect(compactSimilarity('abcdefghij', 'abcdefghix', 0.95)).toBe(0);
    expect(compactSimilarity('', '', 0)).toBe(0);
  });
});
