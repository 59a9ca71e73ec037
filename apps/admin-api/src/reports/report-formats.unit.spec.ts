import { csvField, csvRow } from './csv';
import { escapeHtml } from './partner-dossier.html';

describe('report formats', () => {
  it('quotes a CSV field only when it holds a comma, a quote or a line break, doubling quotes', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\r')).toBe('"cr\r"');
    expect(csvField(null)).toBe('');
    expect(csvField(undefined)).toBe('');
    expect(csvField(false)).toBe('false');
    expect(csvRow(['a', 1, null, 'b,c'])).toBe('a,1,,"b,c"\r\n');
  });

  it('writes text a spreadsheet would run as a formula with an apostrophe before it, and numbers as they are', () => {
    expect(csvField('=HYPERLINK("https://x.example","open")')).toBe(`"'=HYPERLINK(""https://x.example"",""open"")"`);
    expect(csvField('+1-2')).toBe("'+1-2");
    expect(csvField('-2+3')).toBe("'-2+3");
    expect(csvField('@SUM(A1:A9)')).toBe("'@SUM(A1:A9)");
    expect(csvField('\t=1+1')).toBe("'\t=1+1");
    expect(csvField('\r=1+1')).toBe(`"'\r=1+1"`);
    // Only at the start; and a number, negative or not, is data.
    expect(csvField('a=b')).toBe('a=b');
    expect(csvField('u-1')).toBe('u-1');
    expect(csvField(-5)).toBe('-5');
    expect(csvField(-5n)).toBe('-5');
    expect(csvRow(['=1', -1])).toBe("'=1,-1\r\n");
  });

  it('escapes every character that could open markup or close an attribute', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
    expect(escapeHtml(null)).toBe('');
    expect(escapeHtml(42)).toBe('42');
  });
});
