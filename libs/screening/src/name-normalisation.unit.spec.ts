import { looksLikeOrganisation, normaliseName } from './name-normalisation';

const tokens = (name: string): string[] => normaliseName(name).tokens;
const same = (a: string, b: string): void => expect(normaliseName(a)).toEqual(normaliseName(b));

describe('normaliseName', () => {
  it('lower-cases and strips diacritics', () => {
    expect(normaliseName('José ÁLVAREZ Núñez')).toEqual({ tokens: ['jose', 'alvarez', 'nunez'], normalised: 'jose alvarez nunez', key: 'alvarez jose nunez' });
    same('ÇAĞRI ÖZTÜRK', 'cagri ozturk');
  });

  it('spells out letters that do not decompose', () => {
    expect(tokens('Straße Æsir Øster Łukasz Đorđe Þór Œuvre')).toEqual(['strasse', 'aesir', 'oster', 'lukasz', 'dorde', 'thor', 'oeuvre']);
  });

  it('drops punctuation, joins apostrophes and closes up initialisms', () => {
    expect(tokens("ABU-'UMAR")).toEqual(['abu', 'umar']);
    expect(tokens("O'Brien & Sons (Pty)")).toEqual(['obrien', 'sons']);
    expect(tokens('A.S.P. BUILDERS')).toEqual(['asp', 'builders']);
    expect(tokens('“Quoted”  —  name!')).toEqual(['quoted', 'name']);
  });

  it('puts `LAST, First` in natural order, so both orders normalise alike', () => {
    expect(normaliseName('DJIBO, Ousmane Illiassou').normalised).toBe('ousmane illiassou djibo');
    same('DJIBO, Ousmane Illiassou', 'Ousmane Illiassou Djibo');
    expect(normaliseName('Djibo Ousmane Illiassou').key).toBe(normaliseName('DJIBO, Ousmane Illiassou').key);
  });

  it('does not take a legal form after a comma for a given name', () => {
    expect(normaliseName('CIMEX, S.A.').normalised).toBe('cimex');
    expect(normaliseName('ACHIM DEVELOPMENT, OOO').normalised).toBe('achim development');
  });

  it('drops legal forms in their dotted, spelt-out and transliterated forms, wherever they stand', () => {
    for (const name of [
      'Avia Group Terminal LLC',
      'AVIA GROUP TERMINAL L.L.C.',
      'Avia Group Terminal Limited Liability Company',
      'LLC Avia Group Terminal',
      'Avia Group Terminal, OOO',
      'OBSHCHESTVO S OGRANICHENNOI OTVETSTVENNOSTYU AVIA GROUP TERMINAL',
      'Avia Group Terminal Co., Ltd.',
      'AVIA GROUP TERMINAL JOINT-STOCK COMPANY',
      'Avia Group Terminal GmbH',
      'Avia Group Terminal Corp.',
      'Avia Group Terminal S.A. de C.V.',
      'Avia Group Terminal PJSC',
    ]) {
      expect(normaliseName(name).normalised).toBe('avia group terminal');
    }
  });

  it('drops titles at the start, generational suffixes at the end, and stopwords', () => {
    expect(tokens('Dr. Sheikh Ahmed Hassan Jr.')).toEqual(['ahmed', 'hassan']);
    expect(tokens('Gen. Qasem Soleimani')).toEqual(['qasem', 'soleimani']);
    expect(tokens('Mr John Smith III')).toEqual(['john', 'smith']);
    expect(tokens('Bank of the Republic and Trust')).toEqual(['bank', 'republic', 'trust']);
    // A word that is a title and also starts organisation names stays.
    expect(tokens('General Directorate of Intelligence')).toEqual(['general', 'directorate', 'intelligence']);
  });

  it('keeps a name made only of legal forms or stopwords as it is', () => {
    expect(tokens('The Company Ltd')).toEqual(['the', 'company', 'ltd']);
    expect(tokens('Dr.')).toEqual(['dr']);
  });

  it('yields no tokens for a name with no letters or digits', () => {
    expect(normaliseName(' -- ., ')).toEqual({ tokens: [], normalised: '', key: '' });
  });

  it('keeps non-Latin letters and digits as tokens', () => {
    expect(tokens('ПУТИН Владимир')).toEqual(['путин', 'владимир']);
    expect(tokens('7TH OF TIR')).toEqual(['7th', 'tir']);
  });
});

describe('looksLikeOrganisation', () => {
  it('is true for names holding a legal form', () => {
    expect(looksLikeOrganisation('AIR FREIGHT LTD')).toBe(true);
    expect(looksLikeOrganisation('ACTIVEBUSINESSCOLLECTION LIMITED LIABILITY COMPANY')).toBe(true);
    expect(looksLikeOrganisation('AARON ABRAHAM VILLA')).toBe(false);
  });
});
