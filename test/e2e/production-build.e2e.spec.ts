import { ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createTestDatabase, deleteRedisKeys, TestDatabase } from '@app/testing';
import { eventually } from '../support/test-system';

const ROOT = join(__dirname, '../..');
const run = promisify(execFile);

/**
 * What `npm run build` produces (tsc + path aliases rewritten), run the way production and the Dockerfile
 * run it: `node dist/apps/<app>/src/main.js`. Built into a directory of its own beside `dist/` (same depth,
 * so paths relative to the output resolve the same), migrated by the built CLI, each app ready, and each
 * stopping cleanly on SIGTERM.
 */
describe('the production build', () => {
  let out: string;
  let db: TestDatabase;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    out = mkdtempSync(join(ROOT, 'dist-test-'));
    const tsc = require.resolve('typescript/bin/tsc');
    const tscAlias = join(ROOT, 'node_modules/tsc-alias/dist/bin/index.js');
    await run(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', out, '--tsBuildInfoFile', join(out, '.tsbuildinfo')], { cwd: ROOT });
    await run(process.execPath, [tscAlias, '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', out], { cwd: ROOT });
    db = await createTestDatabase();
  }, 240_000);

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    if (db) await deleteRedisKeys('redis://127.0.0.1:6379/0', env().REDIS_PREFIX);
    await db?.drop();
    if (out) rmSync(out, { recursive: true, force: true });
  });

  const env = () => ({
    ...process.env,
    NODE_ENV: 'test',
    DATABASE_URL: db.url,
    REDIS_PREFIX: `ma-build-${db.name}`,
    HOST: '127.0.0.1',
    PARTNER_API_PORT: '0',
    ADMIN_API_PORT: '0',
    ENTITLEMENTS_PORT: '0',
    WORKER_PORT: '0',
    LOG_LEVEL: 'warn',
    // Decisions stay buffered until shutdown: finding them written proves the shutdown hooks ran.
    DECISION_LOG_FLUSH_INTERVAL_MS: '60000',
  });

  /** Starts a built app and resolves with the URL it prints once listening. */
  function start(app: string): Promise<{ child: ChildProcess; url: string }> {
    const child = spawn(process.execPath, [join(out, `apps/${app}/src/main.js`)], { cwd: ROOT, env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    return new Promise((resolve, reject) => {
      let output = '';
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const listening = /listening on (http:\/\/\S+)/.exec(output);
        if (listening) resolve({ child, url: listening[1] });
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code) => reject(new Error(`${app} exited (${code}) before listening:\n${output.slice(-2000)}`)));
    });
  }

  it('stops with one line naming the variable when the configuration is wrong', async () => {
    const failed = await run(process.execPath, [join(out, 'apps/cli/src/migrate.js')], { cwd: ROOT, env: { ...env(), DECISION_LOG_FLUSH_INTERVAL_MS: 'soon' } }).catch((error) => error);
    expect(failed.code).toBe(1);
    expect(failed.stderr.trim()).toBe('db:migrate: Invalid configuration: DECISION_LOG_FLUSH_INTERVAL_MS must be an integer from 10 to 60000 (got "soon")');
  });

  it('migrates with the built CLI, then serves every app from dist and stops each cleanly', async () => {
    const migrated = await run(process.execPath, [join(out, 'apps/cli/src/migrate.js')], { cwd: ROOT, env: env() });
    expect(migrated.stdout).toMatch(/up to date|applied|already/i);

    const apps = await Promise.all(['partner-api', 'admin-api', 'entitlements', 'worker'].map(start));
    for (const { url } of apps) {
      await eventually(async () => (await fetch(`${url}/health/ready`)).status === 200, 30_000);
      expect((await fetch(`${url}/health/live`)).status).toBe(200);
    }
    const docs = await fetch(`${apps[0].url}/docs-json`);
    expect(docs.status).toBe(200);

    const checked = await fetch(`${apps[2].url}/v1/authz`, { headers: { authorization: 'Bearer mk_live_unknown', 'x-model': 'open-1' } });
    expect(checked.status).toBe(401);
    const decisionId = checked.headers.get('x-decision-id');
    expect((await db.pool.query('SELECT 1 FROM decision_log WHERE id = $1', [decisionId])).rowCount).toBe(0);

    // Nest closes the app on SIGTERM (shutdown hooks), then ends the process with the same signal.
    const exits = apps.map(({ child }) => new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? `code ${code}`))));
    const stoppingAt = Date.now();
    for (const { child } of apps) child.kill('SIGTERM');
    expect(await Promise.all(exits)).toEqual(['SIGTERM', 'SIGTERM', 'SIGTERM', 'SIGTERM']);
    expect(Date.now() - stoppingAt).toBeLessThan(10_000);
    expect((await db.pool.query('SELECT allow, reasons FROM decision_log WHERE id = $1', [decisionId])).rows).toEqual([{ allow: false, reasons: ['UNKNOWN_CREDENTIAL', 'UNKNOWN_MODEL'] }]);
  }, 120_000);
});
