/**
 * A delimited-text reader for the government list formats: quoted fields with doubled quotes,
 * delimiters and line breaks inside quotes, CRLF, LF or CR line ends, a UTF-8 byte order mark,
 * and the DOS end-of-file byte (0x1A) that the OFAC files end with. That byte is ignored outside
 * quotes wherever it stands, so rows appended after it by a careless tool are still read.
 * Lenient where the lists are sloppy: whitespace around a quoted field is dropped, a stray quote
 * inside an unquoted field is kept as text. Blank lines yield no record.
 */
export function parseDelimited(text: string, delimiter = ','): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false; // inside a quoted field
  let wasQuoted = false; // the current field opened with a quote
  let i = 0;
  const end = text.length;
  if (text.charCodeAt(0) === 0xfeff) i = 1;

  const endField = (): void => {
    record.push(field);
    field = '';
    wasQuoted = false;
  };
  const endRecord = (): void => {
    endField();
    if (!(record.length === 1 && record[0] === '')) records.push(record);
    record = [];
  };

  while (i < end) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i += 1;
        // Skip layout between the closing quote and the next delimiter or line end.
        while (i < end && (text[i] === ' ' || (text[i] === '\t' && delimiter !== '\t'))) i += 1;
        continue;
      }
      field += ch;
      i += 1;
      continue;
    }
    if (ch === DOS_END_OF_FILE) {
      i += 1;
      continue;
    }
    if (ch === delimiter) {
      endField();
      i += 1;
      continue;
    }
    if (ch === '\r' || ch === '\n') {
      endRecord();
      i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
      continue;
    }
    if (ch === '"' && field.trim() === '' && !wasQuoted) {
      field = '';
      quoted = true;
      wasQuoted = true;
      i += 1;
      continue;
    }
    field += ch;
    i += 1;
  }
  if (field !== '' || record.length > 0 || quoted) endRecord();
  return records;
}

const DOS_END_OF_FILE = '\u001a';

/** Records of a file whose first row names the columns, as objects keyed by those names. */
export function parseDelimitedWithHeader(text: string, delimiter = ','): Record<string, string>[] {
  const [header, ...rows] = parseDelimited(text, delimiter);
  if (!header) return [];
  const columns = header.map((name) => name.trim());
  return rows.map((row) => {
    const record: Record<string, string> = {};
    columns.forEach((column, k) => {
      record[column] = row[k] ?? '';
    });
    return record;
  });
}
