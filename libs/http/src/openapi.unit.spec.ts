import { openApiPathOf, undocumentedRoutes } from './openapi';

const document = {
  paths: {
    '/v1/licenses': { get: {}, post: {} },
    '/v1/licenses/{licenseId}/approve': { post: {} },
  },
} as never;

describe('undocumentedRoutes: the routes an OpenAPI document lacks', () => {
  it('finds nothing when every route is in the document with its method', () => {
    const routes = [
      { method: 'GET', url: '/v1/licenses' },
      { method: 'POST', url: '/v1/licenses' },
      { method: 'POST', url: '/v1/licenses/:licenseId/approve' },
    ];
    expect(undocumentedRoutes(routes, document, [])).toEqual([]);
  });

  it('names a route whose path is missing', () => {
    const routes = [{ method: 'POST', url: '/v1/licenses/:licenseId/revoke' }];
    expect(undocumentedRoutes(routes, document, [])).toEqual(routes);
  });

  it('names a route whose path is documented for other methods only', () => {
    const routes = [{ method: 'DELETE', url: '/v1/licenses' }, { method: 'GET', url: '/v1/licenses' }];
    expect(undocumentedRoutes(routes, document, [])).toEqual([{ method: 'DELETE', url: '/v1/licenses' }]);
  });

  it('leaves out only the paths under a prefix left out on purpose, not paths that merely start alike', () => {
    const routes = [
      { method: 'GET', url: '/docs' },
      { method: 'GET', url: '/docs/*' },
      { method: 'GET', url: '/docs-json' },
      { method: 'GET', url: '/docsearch' },
    ];
    expect(undocumentedRoutes(routes, document, ['/docs', '/docs-json'])).toEqual([{ method: 'GET', url: '/docsearch' }]);
  });
});

describe('openApiPathOf', () => {
  it('writes Fastify path parameters the OpenAPI way', () => {
    expect(openApiPathOf('/v1/models/:modelId/:change')).toBe('/v1/models/{modelId}/{change}');
    expect(openApiPathOf('/health/live')).toBe('/health/live');
  });
});
