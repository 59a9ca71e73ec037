import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { APPS, NODE_FLAGS } from './node-flags';

const ROOT = join(__dirname, '../../..');

/** Every `command: [...]` of docker-compose.yml, as the array it is. */
function composeCommands(): string[][] {
  const compose = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');
  return [...compose.matchAll(/^\s*command:\s*(\[.*\])\s*$/gm)].map((match) => JSON.parse(match[1]) as string[]);
}

/** The Node flags an npm script passes before the script it runs (`node <flags> dist/...`). */
function scriptFlags(name: string): string[] {
  const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  const match = /\bnode((?:\s+--\S+)*)\s+dist\//.exec(scripts[name] ?? '');
  if (!match) throw new Error(`npm script ${name} does not run node on a built file`);
  return match[1].trim().split(/\s+/).filter(Boolean);
}

describe('Node flags of the apps', () => {
  it.each(APPS)('docker-compose starts %s with the flags npm start gives it', (app) => {
    const command = composeCommands().find((c) => c[c.length - 1] === `dist/apps/${app}/src/main.js`);
    expect(command).toBeDefined();
    expect(command![0]).toBe('node');
    expect(command!.slice(1, -1)).toEqual(NODE_FLAGS[app]);
  });

  it.each(['bench:check', 'bench:propagation'])('%s runs the entitlements app in process with its flags', (script) => {
    expect(scriptFlags(script)).toEqual(NODE_FLAGS.entitlements);
  });
});
