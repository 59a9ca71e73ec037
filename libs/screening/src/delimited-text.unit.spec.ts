import { parseDelimited, parseDelimitedWithHeader } from './delimited-text';

describe('parseDelimited', () => {
  it('splits plain fields and records', () => {
    expect(parseDelimited('a,b,c\nd,e,f\n')).toEqual([
      ['a', 'b', 'c'],
      ['d', 'e', 'f'],
    ]);
  });

  it('keeps delimiters, doubled quotes and line breaks inside quoted fields', () => {
    expect(parseDelimited('1,"ANGLO-CARIBBEAN CO., LTD.","say ""hi""","two\nlines"\n')).toEqual([
      ['1', 'ANGLO-CARIBBEAN CO., LTD.', 'say "hi"', 'two\nlines'],
    ]);
  });

  it('accepts CRLF, LF and CR line ends, and a last record without one', () => {
    expect(parseDelimited('a,b\r\nc,d\re,f\ng,h')).toEqual([
      ['a', 'b'],
      ['c', 'd'],
      ['e', 'f'],
      ['g', 'h'],
    ]);
  });

  it("drops OFAC's DOS end-of-file byte and a UTF-8 byte order mark", () => {
    expect(parseDelimited('\uFEFF36,"AEROCARIBBEAN AIRLINES",-0- \r\n\u001a')).toEqual([['36', 'AEROCARIBBEAN AIRLINES', '-0- ']]);
  });

  it('reads rows appended after the end-of-file byte, and keeps the byte inside quotes', () => {
    expect(parseDelimited('1,"A"\r\n\u001a2,"B\u001a"\r\n')).toEqual([
      ['1', 'A'],
      ['2', 'B\u001a'],
    ]);
  });

  it('keeps empty fields, and yields no record for blank lines', () => {
    expect(parseDelimited('a,,c\n\n,,\n')).toEqual([
      ['a', '', 'c'],
      ['', '', ''],
    ]);
  });

  it('drops layout spaces around a quoted field, keeps a stray quote inside an unquoted one', () => {
    expect(parseDelimited(' "x" ,O\'BRIEN 5" PIPE,"y"')).toEqual([['x', 'O\'BRIEN 5" PIPE', 'y']]);
  });

  it('reads tab-separated files with quoted fields', () => {
    expect(parseDelimited('"Name"\t"City"\n" I. ASH"\t"SEAGOVILLE, TX"\n', '\t')).toEqual([
      ['Name', 'City'],
      [' I. ASH', 'SEAGOVILLE, TX'],
    ]);
  });

  it('closes a quoted field left open at the end of the text', () => {
    expect(parseDelimited('a,"unterminated')).toEqual([['a', 'unterminated']]);
  });
});

describe('parseDelimitedWithHeader', () => {
  it('keys each record by the header, with missing trailing fields empty', () => {
    expect(parseDelimitedWithHeader('source,name,alt_names\nEL,"X, Inc.",A; B\nSDN,Y\n')).toEqual([
      { source: 'EL', name: 'X, Inc.', alt_names: 'A; B' },
      { source: 'SDN', name: 'Y', alt_names: '' },
    ]);
  });

  it('returns nothing for an empty file', () => {
    expect(parseDelimitedWithHeader('')).toEqual([]);
  });
});
