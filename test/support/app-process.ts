import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '../..');
const REGISTER = join(__dirname, 'swc-register.js');

export interface AppProcess {
  readonly child: ChildProcess;
  /** Everything it wrote to stdout and stderr so far (for failure messages). */
  output(): string;
  /** Resolves when it has exited, with its code or the signal that ended it. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves once a line of its output matches (rejects if it exits first or after timeoutMs). */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Sends a signal and waits for the exit. */
  kill(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts one app (e.g. `apps/worker/src/main.ts`) as a real child process running the TypeScript
 * sources, with the given environment on top of this one's. For fault tests that kill an app
 * (SIGKILL) and start it again.
 */
export function startAppProcess(entry: string, env: Record<string, string>): AppProcess {
  const child = spawn(process.execPath, ['-r', REGISTER, join(ROOT, entry)], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const listeners = new Set<() => void>();
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    for (const listener of listeners) listener();
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      for (const listener of listeners) listener();
      resolve({ code, signal });
    });
  });
  return {
    child,
    output: () => output,
    exited,
    waitForOutput(pattern, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => finish(new Error(`no output matching ${pattern} within ${timeoutMs} ms:\n${output}`)), timeoutMs);
        const finish = (error?: Error) => {
          clearTimeout(timer);
          listeners.delete(check);
          if (error) reject(error);
          else resolve();
        };
        const check = () => {
          if (pattern.test(output)) finish();
          else if (child.exitCode !== null || child.signalCode !== null) finish(new Error(`exited before output matching ${pattern}:\n${output}`));
        };
        listeners.add(check);
        check();
      });
    },
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
