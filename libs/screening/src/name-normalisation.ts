/**
 * Name normalisation for screening: what two spellings of one name have in common once case,
 * diacritics, punctuation, word order, legal forms and titles are set aside.
 */

export interface NormalisedName {
  /** Significant tokens, given names first for `LAST, First` input. */
  tokens: string[];
  /** The tokens joined by single spaces. */
  normalised: string;
  /** The tokens sorted: equal for two names that differ only in word order. */
  key: string;
}

/** Letters that Unicode decomposition leaves alone, spelt the way English-language lists spell them. */
const TRANSLITERATION: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
  ħ: 'h',
  ŧ: 't',
  ŋ: 'n',
  ĸ: 'k',
  ſ: 's',
  ƒ: 'f',
  ŀ: 'l',
};
const TRANSLITERABLE = new RegExp(`[${Object.keys(TRANSLITERATION).join('')}]`, 'g');

/**
 * Legal forms, in many languages and as they appear on the lists, dotted forms included once dots
 * are gone (`S.A.` -> `sa`, `CO.` -> `co`). Dropped wherever they stand: the lists write both
 * `LLC ACTIVEBUSINESSCOLLECTION` and `ACTIVEBUSINESSCOLLECTION LIMITED LIABILITY COMPANY`.
 */
const LEGAL_FORM_TOKENS = new Set(
  (
    'llc llp lp pllc lc ltd ltda lda limited inc incorporated co cia corp corporation company ' +
    'gmbh mbh ag kg kgaa ohg ug ev sa sas sarl srl spa sl slu sae sau bv nv plc ' +
    'jsc ojsc cjsc pjsc oao zao pao ao ooo tov too ' +
    'ab oy oyj aps asa kft zrt doo dd ad eood ood sro as ' +
    'pte pty pvt bhd fze fzco fzc fzllc fz dmcc cv limitada'
  ).split(/\s+/),
);

/** Multi-word legal forms, matched as whole token runs before the single tokens. */
const LEGAL_FORM_PHRASES: string[][] = [
  'limited liability company',
  'limited liability partnership',
  'limited partnership',
  'public limited company',
  'private limited company',
  'private limited',
  'open joint stock company',
  'closed joint stock company',
  'public joint stock company',
  'joint stock company',
  'joint stock',
  'obshchestvo s ogranichennoi otvetstvennostyu',
  'obshchestvo s ogranichennoy otvetstvennostyu',
  'otkrytoe aktsionernoe obshchestvo',
  'zakrytoe aktsionernoe obshchestvo',
  'publichnoe aktsionernoe obshchestvo',
  'aktsionernoe obshchestvo',
  'aktsionernaya kompaniya',
  'sociedad anonima',
  'sociedad de responsabilidad limitada',
  'societe anonyme',
  'societa per azioni',
  'gesellschaft mit beschrankter haftung',
  's de rl de cv',
  'sa de cv',
  's de rl',
  'sdn bhd',
  'sp z oo',
].map((phrase) => phrase.split(' '));

/** Words that carry no identity in a name. */
const STOPWORDS = new Set(['and', 'of', 'the', 'for', 'und', 'et', 'y']);

/**
 * Titles and honorifics: dropped only at the start of the name, where they stand as titles. Words
 * that also begin organisation names (`GENERAL DIRECTORATE ...`, `CAPTAIN ...`) are not here;
 * their abbreviations are.
 */
const HONORIFICS = new Set(
  (
    'mr mrs ms miss mx mme mlle dr prof sir dame herr frau sr sra srta ' +
    'sheikh sheik shaikh shaykh haji hajji hadji alhaj alhajji mullah mulla maulana maulvi ' +
    'gen col lt capt cmdr adm brig sgt rev hon'
  ).split(/\s+/),
);

/** Generational and degree suffixes: dropped only at the end of the name. */
const NAME_SUFFIXES = new Set(['jr', 'snr', 'sr', 'jnr', 'ii', 'iii', 'iv', 'esq', 'phd']);

/** Lower case, decomposed, marks stripped, special letters spelt out. */
function foldCharacters(text: string): string {
  return text
    .toLowerCase()
    .replace(TRANSLITERABLE, (ch) => TRANSLITERATION[ch])
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '');
}

/** Raw tokens of folded text: apostrophes join (`o'brien`), initialisms close up (`s.a.` -> `sa`). */
function splitTokens(folded: string): string[] {
  return folded
    .replace(/['’‘`´ʼʹ]/g, '')
    .replace(/\b\p{L}(?:\.\p{L})+\b\.?/gu, (initialism) => initialism.replace(/\./g, ''))
    .split(/[^\p{L}\p{N}]+/u)
    .filter((token) => token !== '');
}

function removeLegalForms(tokens: string[]): string[] {
  const kept: string[] = [];
  let i = 0;
  outer: while (i < tokens.length) {
    for (const phrase of LEGAL_FORM_PHRASES) {
      if (phrase.every((word, k) => tokens[i + k] === word)) {
        i += phrase.length;
        continue outer;
      }
    }
    if (!LEGAL_FORM_TOKENS.has(tokens[i])) kept.push(tokens[i]);
    i += 1;
  }
  return kept;
}

function significantTokens(tokens: string[]): string[] {
  const kept = removeLegalForms(tokens).filter((token) => !STOPWORDS.has(token));
  let start = 0;
  let end = kept.length;
  while (end - start > 1 && HONORIFICS.has(kept[start])) start += 1;
  while (end - start > 1 && NAME_SUFFIXES.has(kept[end - 1])) end -= 1;
  return kept.slice(start, end);
}

/**
 * `DJIBO, Ousmane Illiassou` -> tokens of `Ousmane Illiassou DJIBO`. Text after the first comma
 * that is only legal form (`CIMEX, S.A.`) is not a given name, and the order stays.
 */
function inNaturalOrder(folded: string): string[] {
  const comma = folded.indexOf(',');
  if (comma < 0) return splitTokens(folded);
  const head = splitTokens(folded.slice(0, comma));
  const tail = splitTokens(folded.slice(comma + 1));
  return significantTokens(tail).length > 0 && head.length > 0 ? [...tail, ...head] : [...head, ...tail];
}

export function normaliseName(name: string): NormalisedName {
  const raw = inNaturalOrder(foldCharacters(name));
  const significant = significantTokens(raw);
  // A name made only of legal forms or stopwords (`THE COMPANY`) keeps what it has.
  const tokens = significant.length > 0 ? significant : raw;
  return { tokens, normalised: tokens.join(' '), key: [...tokens].sort().join(' ') };
}

/** True when a name holds a legal form (`... LTD`, `LLC ...`, `... JOINT STOCK COMPANY`): an organisation. */
export function looksLikeOrganisation(name: string): boolean {
  const tokens = splitTokens(foldCharacters(name));
  return removeLegalForms(tokens).length < tokens.length;
}
