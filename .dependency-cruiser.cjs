/** Dependency rules of STYLE.md, checked on every test run (`npm run lint:deps`). */
module.exports = {
  forbidden: [
    {
      name: 'pure-domain',
      comment: 'domain, entitlement and screening matching are pure: no Nest, Prisma or pg, and no I/O-bearing lib',
      severity: 'error',
      from: { path: '^libs/(domain|entitlement|screening|geo)/' },
      to: {
        path: [
          'node_modules/(@nestjs|@prisma|pg|pg-pool|bullmq|ioredis|fastify|passport|passport-jwt|class-validator|class-transformer)/',
          '^libs/(event-store|commands|projections|auth|config|database|http|testing|kyc)/',
          '^apps/',
        ],
      },
    },
    {
      name: 'pure-domain-builtins',
      comment: 'domain, entitlement and screening matching do no I/O; only the screening list loader reads files',
      severity: 'error',
      from: { path: '^libs/(domain|entitlement|screening|geo)/', pathNot: '^libs/(screening/src/restricted-party-lists|geo/src/geo-data)\\.loader\\.ts$' },
      to: { dependencyTypes: ['core'], path: '^(fs|net|http|https|child_process|dgram|dns|tls|worker_threads)(/|$)' },
    },
    {
      name: 'standalone-entitlement-client',
      comment: 'the entitlement client is published on its own: nothing but Node built-ins',
      severity: 'error',
      from: { path: '^libs/entitlement-client/' },
      to: { pathNot: '^libs/entitlement-client/', dependencyTypesNot: ['core'] },
    },
    {
      name: 'libs-never-import-apps',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'apps-use-lib-aliases-only',
      comment: 'apps reach libs through @app/<lib> (index.ts), never into a lib folder',
      severity: 'error',
      from: { path: '^apps/' },
      to: { path: '^libs/[^/]+/src/(?!index\\.ts$)' },
    },
    {
      name: 'no-app-to-app',
      severity: 'error',
      from: { path: '^apps/([^/]+)/' },
      to: { path: '^apps/', pathNot: '^apps/$1/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(generated/prisma|\\.spec\\.ts$)' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
