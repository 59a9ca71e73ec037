import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { Role } from '@app/auth';
import { EntitlementClient } from '@app/entitlement-client';
import { EntitledPartner, onboardEntitledPartner } from '../support/entitled-partner';
import { freePort } from '../support/free-port';
import { startTestSystem, TestSystem } from '../support/test-system';

/** libs/entitlement-client against the real entitlements app, and against servers that misbehave. */
describe('entitlement client', () => {
  let system: TestSystem;
  let partner: EntitledPartner;
  let client: EntitlementClient;
  const servers: Server[] = [];

  beforeAll(async () => {
    system = await startTestSystem();
    partner = await onboardEntitledPartner(system, { partnerId: 'p-client', models: ['open-1', 'open-2'], licensed: ['open-1'] });
    client = new EntitlementClient({ baseUrl: system.entitlements.baseUrl, serviceToken: system.token(Role.Service), timeoutMs: 2000 });
  }, 60_000);

  afterAll(async () => {
    for (const server of servers) await new Promise((resolve) => server.close(resolve));
    await system.close();
  });

  /** A real HTTP server on a random port with the given behaviour. */
  async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
    const server = createServer(handler);
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it('checks, reading its own writes through minPosition', async () => {
    const allowed = await client.check({ credential: partner.credential, model: 'open-1', minPosition: partner.position });
    expect(allowed).toMatchObject({ allow: true, reasons: [], partnerId: 'p-client', licenseId: partner.licenses['open-1'], failedClosed: false });
    expect(allowed.decisionId).toMatch(/^d-/);
    expect(allowed.ttlMs).toBeGreaterThan(0);

    const revoked = await system.adminApi.post(`/v1/licenses/${partner.licenses['open-1']}/revoke`, { reason: 'ended' }, partner.officer);
    expect(revoked.status).toBe(200);
    const denied = await client.check({ credential: partner.credential, model: 'open-1', minPosition: BigInt(revoked.body.position) });
    expect(denied).toMatchObject({ allow: false, reasons: ['LICENSE_REVOKED'], failedClosed: false, ttlMs: 0 });
    expect(BigInt(denied.position!)).toBeGreaterThanOrEqual(BigInt(revoked.body.position));
  });

  it('checks a batch in order, and refuses more than 100 before sending anything', async () => {
    const decisions = await client.checkBatch([
      { credential: partner.credential, model: 'open-2' },
      { credential: 'mk_live_unknown', model: 'open-1' },
      { partnerId: 'p-client', model: 'open-2' },
    ]);
    expect(decisions.map((d) => [d.allow, d.reasons])).toEqual([
      [false, ['NO_LICENSE']],
      [false, ['UNKNOWN_CREDENTIAL']],
      [false, ['NO_LICENSE']],
    ]);
    await expect(client.checkBatch(Array.from({ length: 101 }, () => ({ partnerId: 'p-client', model: 'open-1' })))).rejects.toThrow(RangeError);
    expect(await client.checkBatch([])).toEqual([]);
  });

  it('fails closed when the server does not answer in time', async () => {
    const hanging = await serve(() => undefined);
    const slow = new EntitlementClient({ baseUrl: hanging, serviceToken: 't', timeoutMs: 150 });
    const started = Date.now();
    const decision = await slow.check({ credential: partner.credential, model: 'open-1' });
    expect(Date.now() - started).toBeLessThan(1500);
    expect(decision).toMatchObject({ allow: false, reasons: ['STALE_STATE'], failedClosed: true, error: 'timed out', position: null });
    const batch = await slow.checkBatch([{ partnerId: 'p-client', model: 'open-1' }, { partnerId: 'p-client', model: 'open-2' }]);
    expect(batch.every((d) => !d.allow && d.failedClosed)).toBe(true);
  });

  it('fails closed when nothing listens, when the token is refused, and when the answer is not a decision', async () => {
    const port = await freePort();
    const unreachable = await new EntitlementClient({ baseUrl: `http://127.0.0.1:${port}`, serviceToken: 't' }).check({ partnerId: 'p-client', model: 'open-1' });
    expect(unreachable).toMatchObject({ allow: false, failedClosed: true });

    const refused = await new EntitlementClient({ baseUrl: system.entitlements.baseUrl, serviceToken: 'not-a-token' }).check({ credential: partner.credential, model: 'open-1' });
    expect(refused).toMatchObject({ allow: false, failedClosed: true });
    expect(refused.error).toContain('401');

    const liar = await serve((_, response) => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ allow: true })));
    expect(await new EntitlementClient({ baseUrl: liar, serviceToken: 't' }).check({ partnerId: 'p', model: 'open-1' })).toMatchObject({ allow: false, failedClosed: true });
    const contradictory = await serve((_, response) => response.writeHead(200).end(JSON.stringify({ allow: true, reasons: ['NO_LICENSE'], model: 'open-1' })));
    expect((await new EntitlementClient({ baseUrl: contradictory, serviceToken: 't' }).check({ partnerId: 'p', model: 'open-1' })).allow).toBe(false);
    expect(() => new EntitlementClient({ baseUrl: 'entitlements:3003', serviceToken: 't' })).toThrow(/baseUrl/);
  });

  it('builds on its own and works from plain Node outside this repository', async () => {
    const out = mkdtempSync(join(tmpdir(), 'ma-client-'));
    try {
      execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(__dirname, '../../libs/entitlement-client/tsconfig.json'), '--outDir', out], { stdio: 'pipe' });
      const script = `
        const { EntitlementClient } = require(${JSON.stringify(join(out, 'index.js'))});
        new EntitlementClient({ baseUrl: process.argv[1], serviceToken: process.argv[2], timeoutMs: 5000 })
          .check({ credential: process.argv[3], model: 'open-2' })
          .then((d) => process.stdout.write(JSON.stringify(d)));`;
      // Asynchronously: the entitlements app answering it runs in this process.
      const { stdout: output } = await promisify(execFile)(process.execPath, ['-e', script, system.entitlements.baseUrl, system.token(Role.Service), partner.credential], { cwd: out, encoding: 'utf8' });
      expect(JSON.parse(output)).toEqual(expect.objectContaining({ allow: false, reasons: ['NO_LICENSE'], partnerId: 'p-client', failedClosed: false }));
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 60_000);
});
