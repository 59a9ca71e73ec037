/** The apps `npm start` runs, each from `dist/apps/<name>/src/main.js`. */
export const APPS = ['partner-api', 'admin-api', 'entitlements', 'worker'] as const;

/**
 * Node flags per app. The entitlements app allocates a few objects per check at thousands of checks a
 * second: with V8's default young generation (16 MiB semi-spaces) its scavenges took 8.5% of its thread
 * under load, against 2.3-2.7% with 64 MiB (npm run bench:check; the benchmarks run with the same flags).
 * Its old generation is mostly the index, which lives as long as the process: it may double before V8 marks
 * it again (`--heap-growing-percent=100`). With V8's own growing factor (about 1.2 for that heap) and 64 MiB
 * semi-spaces, the room left under the limit after a mark-compact was already small enough for V8 to start
 * marking again, and major GCs (about 20 ms pauses, and marking on the second core) came back to back
 * under load; see "Operating it" in the README. docker-compose and the benchmarks' scripts start the
 * entitlements app with the same flags (node-flags.unit.spec.ts holds them to it).
 */
export const NODE_FLAGS: Record<(typeof APPS)[number], string[]> = {
  'partner-api': [],
  'admin-api': [],
  entitlements: ['--max-semi-space-size=64', '--heap-growing-percent=100'],
  worker: [],
};
