/**
 * Lets a child `node` process run the TypeScript sources directly: `node -r test/support/swc-register.js
 * apps/worker/src/main.ts`. Compiles each .ts file with the installed @swc/core as jest does, and
 * resolves the @app/<lib> aliases from tsconfig.json's paths. For tests that need an app as a real
 * process (to kill it), without building dist first.
 */
const { readFileSync } = require('node:fs');
const Module = require('node:module');
const { join } = require('node:path');
const { transformSync } = require('@swc/core');

const root = join(__dirname, '../..');
const { compilerOptions } = require(join(root, 'tsconfig.json'));
const aliases = Object.entries(compilerOptions.paths).map(([alias, [target]]) => [alias, join(root, target)]);

const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function resolveAlias(request, ...rest) {
  for (const [alias, target] of aliases) {
    if (request === alias || request.startsWith(`${alias}/`)) return resolveFilename.call(this, target + request.slice(alias.length), ...rest);
  }
  return resolveFilename.call(this, request, ...rest);
};

const options = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};

require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(readFileSync(filename, 'utf8'), { ...options, filename });
  module._compile(code, filename);
};
