import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { loadConfig } from '@app/config';
import { runMain } from '@app/http';
import { migrateDatabase } from './migrate';
import { APPS, NODE_FLAGS } from './node-flags';
import { printCredentials, seedDemo } from './seed';

/** `npm start`: migrate, seed the demo idempotently, start the four apps, stop them all on Ctrl-C. */
async function start(): Promise<void> {
  const config = loadConfig();
  console.log('== migrating');
  await migrateDatabase(config.database.url);

  console.log('== starting apps');
  const children: ChildProcess[] = APPS.map((app) => {
    const child = spawn(process.execPath, [...NODE_FLAGS[app], join(__dirname, `../../${app}/src/main.js`)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      // Nest's start-up chatter drowns the URLs; LOG_LEVEL=log brings it back.
      env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' },
    });
    const prefix = (line: string) => `[${app}] ${line}`;
    for (const stream of [child.stdout!, child.stderr!]) {
      let buffered = '';
      stream.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop()!;
        for (const line of lines) console.log(prefix(line));
      });
    }
    child.on('exit', (code, signal) => {
      if (!stopping) {
        console.error(prefix(`exited (${signal ?? code}); stopping everything`));
        void stop(1);
      }
    });
    return child;
  });

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log('== stopping');
    await Promise.all(
      children.map((child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
          setTimeout(() => child.kill('SIGKILL'), 5000).unref();
        }),
      ),
    );
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  const { host, ports } = config.http;
  const urls = {
    partnerApi: `http://${host}:${ports.partnerApi}`,
    adminApi: `http://${host}:${ports.adminApi}`,
    entitlements: `http://${host}:${ports.entitlements}`,
    worker: `http://${host}:${ports.worker}`,
  };
  try {
    await Promise.all(Object.values(urls).map((url) => waitUntilReady(`${url}/health/ready`)));
    console.log('== seeding the June 2026 demo world (idempotent: a second start changes nothing)');
    printCredentials(await seedDemo(config, urls, (line) => console.log(`   ${line}`)));
  } catch (error) {
    console.error(`start: ${(error as Error).message}`);
    await stop(1);
    return;
  }
  console.log(`
  partner-api   http://${host}:${ports.partnerApi}
  admin-api     http://${host}:${ports.adminApi}
  entitlements  http://${host}:${ports.entitlements}   (POST /v1/check, GET /v1/authz)
  worker        http://${host}:${ports.worker}/health/ready
  Mint a token: npm run token -- --role reviewer      Ctrl-C stops everything.
`);
}

async function waitUntilReady(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await fetch(url).then((r) => r.ok, () => false);
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${url} did not become ready within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

runMain('start', start);
