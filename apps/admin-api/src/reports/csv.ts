/**
 * What a spreadsheet reads as the start of a formula: = + - @, and a tab or carriage return (which some
 * programs skip before one). An end user's id such as `=HYPERLINK("https://…","open")` reaches the
 * decision log from the serving stack, and a compliance officer opens the export in a spreadsheet
 * (CSV injection, CWE-1236).
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, a quote, or a line break; quotes doubled. Text
 * that a spreadsheet would run as a formula is written with an apostrophe before it, which spreadsheets
 * show as text and do not display; numbers are written as they are (a negative number is not a formula).
 */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value !== 'number' && typeof value !== 'bigint' && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV record, CRLF-terminated as RFC 4180 has it. */
export function csvRow(values: readonly unknown[]): string {
  return values.map(csvField).join(',') + '\r\n';
}
