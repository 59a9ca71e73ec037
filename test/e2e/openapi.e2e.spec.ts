import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Role } from '@app/auth';
import { API_DOCS_JSON_PATH, API_DOCS_PATH, ID_PATTERN, servedRoutes, undocumentedRoutes } from '@app/http';
import { QUEUE_BOARD_PATH } from '../../apps/admin-api/src/queues/queue-board';
import { Api, startTestSystem, TestSystem } from '../support/test-system';

type Operation = {
  description?: string;
  parameters?: { name: string; in: string; required?: boolean; schema: Record<string, any> }[];
  requestBody?: { content: Record<string, { schema: { $ref?: string } }> };
  responses: Record<string, { content?: Record<string, { schema: { $ref?: string } }>; headers?: Record<string, unknown> }>;
  security?: Record<string, string[]>[];
  'x-roles'?: string[];
};
type Document = { openapi: string; paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, any> } };

const ERROR_REF = '#/components/schemas/Error';
// Readiness answers 503 with terminus's health body (which dependency is down), documented by its @HealthCheck().
const OWN_ERROR_BODIES = ['GET /health/ready 503'];
// The docs themselves, and on admin-api the queue board: Bull Board's operator UI and its private JSON API, not part of the API contract.
const LEFT_OUT = { partner: [API_DOCS_PATH, API_DOCS_JSON_PATH], admin: [API_DOCS_PATH, API_DOCS_JSON_PATH, QUEUE_BOARD_PATH] };

/** The operations of Nest's controllers: all but /metrics, which Fastify serves directly (tested on its own). */
function operationsOf(document: Document): { method: string; path: string; operation: Operation }[] {
  return Object.entries(document.paths)
    .filter(([path]) => path !== '/metrics')
    .flatMap(([path, item]) => Object.entries(item).map(([method, operation]) => ({ method, path, operation })));
}

describe('OpenAPI documents of partner-api and admin-api', () => {
  let system: TestSystem;
  let partnerDocument: Document;
  let adminDocument: Document;
  let partnerApp: NestFastifyApplication;
  let adminApp: NestFastifyApplication;

  beforeAll(async () => {
    system = await startTestSystem();
    [partnerApp, adminApp] = system.apps as NestFastifyApplication[];
    // The documentation is public: no token.
    const [partner, admin] = await Promise.all([system.partnerApi.get(API_DOCS_JSON_PATH), system.adminApi.get(API_DOCS_JSON_PATH)]);
    expect([partner.status, admin.status]).toEqual([200, 200]);
    partnerDocument = partner.body;
    adminDocument = admin.body;
  });
  afterAll(() => system.close());

  describe('every endpoint is in the document', () => {
    it.each([
      ['partner-api', () => partnerApp, () => partnerDocument, LEFT_OUT.partner],
      ['admin-api', () => adminApp, () => adminDocument, LEFT_OUT.admin],
    ])('%s: each route Fastify serves is documented with its method', (_name, app, document, leftOut) => {
      expect(document().openapi).toMatch(/^3\./);
      const routes = servedRoutes(app());
      expect(routes.length).toBeGreaterThan(15);
      expect(undocumentedRoutes(routes, document(), leftOut)).toEqual([]);
    });

    it('fails when an endpoint is missing from the document', () => {
      const lacking: Document = JSON.parse(JSON.stringify(adminDocument));
      delete lacking.paths['/v1/licenses'].post;
      delete lacking.paths['/v1/models/{modelId}/{change}'];
      const missing = undocumentedRoutes(servedRoutes(adminApp), lacking, LEFT_OUT.admin);
      expect(missing.sort((a, b) => a.url.localeCompare(b.url))).toEqual([
        { method: 'POST', url: '/v1/licenses' },
        { method: 'POST', url: '/v1/models/:modelId/:change' },
      ]);
    });
  });

  describe('roles', () => {
    it('names the roles of each operation, with bearer security; public routes have none', () => {
      for (const { method, path, operation } of [...operationsOf(partnerDocument), ...operationsOf(adminDocument)]) {
        const where = `${method.toUpperCase()} ${path}`;
        if (operation.security?.length === 0) {
          expect([where, operation.description]).toEqual([where, expect.stringContaining('Public')]);
          continue;
        }
        expect([where, operation.security]).toEqual([where, [{ bearer: [] }]]);
        expect([where, (operation['x-roles'] ?? []).length > 0]).toEqual([where, true]);
        expect(operation.description).toContain(`Roles: ${operation['x-roles']!.join(', ')}.`);
      }
    });

    it('gives the roles of known routes as their guards enforce them', async () => {
      const grant = adminDocument.paths['/v1/licenses'].post;
      expect(grant['x-roles']).toEqual([Role.ComplianceOfficer]);
      expect(adminDocument.paths['/v1/licenses'].get['x-roles']).toEqual(expect.arrayContaining([Role.Auditor, Role.Reviewer]));
      expect(adminDocument.paths['/v1/applications/{partnerId}/approve'].post['x-roles']).toEqual([Role.Reviewer]);
      expect(partnerDocument.paths['/v1/credentials'].post['x-roles']).toEqual([Role.PartnerAdmin]);
      const kycWebhook = partnerDocument.paths['/v1/webhooks/kyc/{provider}'].post;
      expect(kycWebhook.security).toEqual([]);
      // Signed rather than authenticated by a token: the signature header and its 401 are documented.
      expect(kycWebhook.parameters!.find((p) => p.in === 'header')).toMatchObject({ name: 'x-signature', required: true });
      expect(kycWebhook.responses['401'].content?.['application/json'].schema.$ref).toBe(ERROR_REF);
      expect(adminDocument.paths['/health/live'].get.security).toEqual([]);
      const reviewer = system.token(Role.Reviewer, { sub: 'openapi-reviewer' });
      expect((await system.adminApi.post('/v1/licenses', { partnerId: 'p-1', modelId: 'm-1' }, reviewer)).status).toBe(403);
    });

    it("admin-api: on every parameterless read, a documented role passes the guards and any other role is refused", async () => {
      const reads = operationsOf(adminDocument).filter(({ method, path, operation }) => method === 'get' && !path.includes('{') && operation.security?.length);
      expect(reads.length).toBeGreaterThan(8);
      for (const { path, operation } of reads) {
        const roles = operation['x-roles']!;
        const outsider = [Role.Reviewer, Role.ComplianceOfficer, Role.Auditor, Role.Admin, Role.Service, Role.PartnerAdmin].find((role) => !roles.includes(role))!;
        const refused = await system.adminApi.get(path, system.token(outsider, { sub: `outsider-${outsider}`, partnerId: 'p-outsider' }));
        expect([path, outsider, refused.status]).toEqual([path, outsider, 403]);
        const allowed = await system.adminApi.get(path, system.token(roles[0] as Role, { sub: `insider-${roles[0]}` }));
        expect([path, roles[0], [401, 403].includes(allowed.status)]).toEqual([path, roles[0], false]);
      }
    });

    it("partner-api: every secured operation says it acts only on the caller's own partner", () => {
      for (const { operation } of operationsOf(partnerDocument).filter(({ operation }) => operation.security?.length)) {
        expect(operation['x-roles']!.every((role) => role === Role.PartnerAdmin || role === Role.PartnerMember)).toBe(true);
        expect(operation.description).toContain("Acts only on the caller's own partner");
      }
    });
  });

  describe('request shapes come from the validation rules', () => {
    it('describes a body DTO with its required fields and patterns, refusing unknown fields as the validation pipe does', async () => {
      const grant = adminDocument.paths['/v1/licenses'].post;
      expect(grant.requestBody!.content['application/json'].schema.$ref).toBe('#/components/schemas/GrantLicenseRequestDto');
      const schema = adminDocument.components.schemas.GrantLicenseRequestDto;
      expect(schema.required).toEqual(['partnerId', 'modelId']);
      expect(schema.properties.partnerId).toEqual({ type: 'string', pattern: ID_PATTERN.source });
      expect(schema.properties.monthlyTokenQuota).toMatchObject({ type: 'integer', minimum: 1 });
      // Optional fields may be null (no end date, any destination); required ones may not.
      expect(schema.properties.validUntil).toMatchObject({ type: 'string', nullable: true });
      expect(schema.properties.allowedDestinations).toMatchObject({ type: 'array', maxItems: 250, items: { type: 'string', pattern: '^[A-Za-z]{2}$' } });
      expect(schema.additionalProperties).toBe(false);
      // What the document calls required is what the API refuses without.
      const officer = system.token(Role.ComplianceOfficer, { sub: 'openapi-officer' });
      const refused = await system.adminApi.post('/v1/licenses', { partnerId: 'p-1' }, officer);
      expect(refused.status).toBe(400);
      expect(refused.body.fields.map((f: { field: string }) => f.field)).toEqual(['modelId']);
    });

    it('describes nested DTOs by reference, and every reference resolves', () => {
      const application = partnerDocument.components.schemas.SubmitApplicationRequestDto;
      expect(application.properties.beneficialOwners).toMatchObject({ type: 'array', items: { $ref: '#/components/schemas/BeneficialOwnerDto' } });
      expect(partnerDocument.components.schemas.BeneficialOwnerDto.required).toEqual(['name', 'nationality', 'ownershipPercent']);
      for (const document of [partnerDocument, adminDocument]) {
        const references = [...JSON.stringify(document).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]);
        expect(references.length).toBeGreaterThan(10);
        expect(references.filter((name) => !document.components.schemas[name])).toEqual([]);
      }
    });

    it('lists a query DTO as query parameters, and path ids with their pattern', () => {
      const list = adminDocument.paths['/v1/licenses'].get.parameters!;
      expect(list.find((p) => p.name === 'limit')).toEqual({ name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 200 } });
      expect(list.find((p) => p.name === 'status')).toMatchObject({ in: 'query', schema: { enum: expect.arrayContaining(['pending_approval', 'revoked']) } });
      const approve = adminDocument.paths['/v1/licenses/{licenseId}/approve'].post.parameters!;
      expect(approve.find((p) => p.in === 'path')).toEqual({ name: 'licenseId', in: 'path', required: true, schema: { type: 'string', pattern: ID_PATTERN.source } });
      expect(approve.find((p) => p.in === 'header')).toMatchObject({ name: 'Idempotency-Key', required: false });
    });
  });

  describe('error shapes', () => {
    it('has one Error schema, the body every error answers with', async () => {
      const schema = adminDocument.components.schemas.Error;
      expect(schema.required).toEqual(['statusCode', 'error', 'code', 'message']);
      expect(schema.properties.fields.items.required).toEqual(['field', 'messages']);
      const refused = await system.adminApi.get('/v1/licenses?limit=0', system.token(Role.Auditor, { sub: 'openapi-auditor' }));
      expect(refused.status).toBe(400);
      expect(Object.keys(refused.body).sort()).toEqual(Object.keys(schema.properties).sort());
    });

    it.each([
      ['partner-api', () => partnerDocument, true],
      ['admin-api', () => adminDocument, false],
    ])('%s: every operation lists its usual errors, each with the Error schema', (_name, document, rateLimited) => {
      for (const { method, path, operation } of operationsOf(document())) {
        const secured = (operation.security?.length ?? 0) > 0;
        const hasPathIds = path.includes('{');
        const isCommand = method !== 'get';
        const expected = [
          ...(secured ? ['401', '403'] : []),
          ...(hasPathIds ? ['400', '404'] : []),
          ...(isCommand ? ['409', '413'] : []),
          ...(rateLimited ? ['429'] : []),
          '503',
        ];
        const errors = Object.keys(operation.responses).filter((status) => Number(status) >= 400);
        expect([method, path, errors]).toEqual([method, path, expect.arrayContaining(expected)]);
        for (const status of errors.filter((s) => !OWN_ERROR_BODIES.includes(`${method.toUpperCase()} ${path} ${s}`))) {
          expect([path, status, operation.responses[status].content?.['application/json'].schema.$ref]).toEqual([path, status, ERROR_REF]);
          if (status === '503' || status === '429') expect(operation.responses[status].headers).toHaveProperty('Retry-After');
        }
      }
    });
  });

  it('documents /metrics, which Fastify serves outside Nest, behind the metrics token', async () => {
    for (const [document, rateLimited] of [[partnerDocument, true], [adminDocument, false]] as const) {
      const metrics = document.paths['/metrics'].get;
      expect(metrics.security).toEqual([{ metrics: [] }]);
      expect(Object.keys(metrics.responses).sort()).toEqual(rateLimited ? ['200', '401', '429'] : ['200', '401']);
      expect(metrics.responses['401'].content?.['application/json'].schema.$ref).toBe(ERROR_REF);
    }
    const refused = await system.adminApi.get('/metrics', system.token(Role.Admin));
    expect(refused.status).toBe(401);
    expect(Object.keys(refused.body).sort()).toEqual(['code', 'error', 'message', 'statusCode']);
    const scraped = await system.adminApi.get('/metrics', undefined, { authorization: `Bearer ${system.config.metrics.token}` });
    expect(scraped.status).toBe(200);
    expect(scraped.headers.get('content-type')).toMatch(/^text\/plain/);
  });

  describe('Swagger UI', () => {
    it.each([
      ['partner-api', () => system.partnerApi],
      ['admin-api', () => system.adminApi],
    ])('%s: /docs serves the UI without a token, its scripts from the same origin as helmet\'s CSP allows', async (_name, api: () => Api) => {
      const page = await api().get(API_DOCS_PATH);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(page.body).toContain('<div id="swagger-ui"></div>');
      const csp = page.headers.get('content-security-policy') ?? '';
      expect(csp).toMatch(/script-src 'self'(;|$)/);
      const scripts = [...String(page.body).matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
      expect(scripts.length).toBeGreaterThan(0);
      // No inline script: script-src 'self' would block it.
      for (const [, attributes, code] of scripts) {
        expect(code.trim()).toBe('');
        const source = /src="([^"]+)"/.exec(attributes)![1];
        expect(source).toMatch(/^\.\//);
        const asset = await fetch(new URL(source, `${api().baseUrl}${API_DOCS_PATH}`));
        expect([source, asset.status]).toEqual([source, 200]);
        await asset.arrayBuffer();
      }
    });
  });
});
