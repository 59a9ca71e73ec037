import { ConfigError } from '@app/config';

/** Starts an app from the command line; a configuration error stops it with one line naming the variable. */
export function runMain(name: string, start: () => Promise<string | void>): void {
  // `then(start)`: a start that throws before its first await is reported the same way.
  Promise.resolve().then(start).then(
    (url) => {
      if (url) console.log(`${name} listening on ${url}`);
    },
    (error: unknown) => {
      if (error instanceof ConfigError) console.error(`${name}: ${error.message}`);
      else console.error(`${name} failed to start:`, error);
      process.exit(1);
    },
  );
}
