import type { Type } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { ModulesContainer } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, OpenAPIObject, OperationObject, ParameterObject, PathItemObject, ResponseObject, SchemaObject, SwaggerModule } from '@nestjs/swagger';
import type { MetadataStorage } from 'class-transformer/types/MetadataStorage';
import { validationMetadatasToSchemas } from 'class-validator-jsonschema';
import { accessOf, PARTNER_ROLES, Role } from '@app/auth';
import { ID_PATTERN, IDEMPOTENCY_KEY, ParseIdPipe } from './request-context';
import type { ServedRoute } from './served-routes';

export const API_DOCS_PATH = '/docs';
export const API_DOCS_JSON_PATH = '/docs-json';

export interface ApiDocsOptions {
  title: string;
  description: string;
  /** The app answers 429 beyond its per-actor budget (HttpAppOptions.rateLimited). */
  rateLimited: boolean;
}

interface Endpoint {
  controller: Type;
  methodKey: string;
}

interface RouteArgument {
  type: RouteParamtypes;
  index: number;
  data?: unknown;
  pipes?: unknown[];
}

// class-transformer keeps its @Type() registry (nested DTOs) outside its typed entry point.
const { defaultMetadataStorage } = require('class-transformer/cjs/storage') as { defaultMetadataStorage: MetadataStorage };

const SCHEMAS = '#/components/schemas/';
/** The one error body, for the rare response a handler describes itself (@ApiResponse). */
export const ERROR_REF = { $ref: `${SCHEMAS}Error` };

/** The one error body of every app (toErrorBody): a 400 names each wrong field in `fields`. */
const ERROR_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['statusCode', 'error', 'code', 'message'],
  properties: {
    statusCode: { type: 'integer', example: 400 },
    error: { type: 'string', example: 'Bad Request' },
    code: { type: 'string', description: 'Stable code such as VALIDATION_FAILED, DIRECTIVE.NOT_FOUND, STORE_UNAVAILABLE.', example: 'VALIDATION_FAILED' },
    message: { type: 'string' },
    fields: {
      type: 'array',
      description: 'On 400 VALIDATION_FAILED: every wrong field and what is wrong with it.',
      items: {
        type: 'object',
        required: ['field', 'messages'],
        properties: { field: { type: 'string', example: 'partnerId' }, messages: { type: 'array', items: { type: 'string' } } },
      },
    },
  },
  additionalProperties: true,
};

const RETRY_AFTER = { 'Retry-After': { description: 'Seconds to wait before retrying.', schema: { type: 'integer' } } };

const ERRORS: Record<number, ResponseObject> = {
  400: { description: 'Invalid request: `fields` names every wrong field (VALIDATION_FAILED), or a domain rule refused the value.' },
  401: { description: 'No valid bearer token.' },
  403: { description: "The caller's role may not call this endpoint, or a domain rule forbids the action." },
  404: { description: 'Nothing with that id (for a partner: nothing of its own).' },
  409: { description: 'Conflict: changed by someone else first (reload and retry), an Idempotency-Key reused for another request, or a state that does not allow it.' },
  413: { description: 'The body is larger than this service accepts (PAYLOAD_TOO_LARGE).' },
  429: { description: 'Too many requests (RATE_LIMITED).', headers: RETRY_AFTER },
  503: { description: 'The database cannot be reached (STORE_UNAVAILABLE); nothing was changed.', headers: RETRY_AFTER },
};

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

const errorResponse = (status: number): ResponseObject => ({ ...ERRORS[status], content: { 'application/json': { schema: ERROR_REF } } });

/** `GET /metrics` is registered on Fastify directly (registerMetrics), so Nest's scanner does not see it. */
const METRICS_PATH = '/metrics';

function metricsPath(options: ApiDocsOptions): PathItemObject {
  return {
    get: {
      operationId: 'metrics',
      tags: ['Operability'],
      description: 'Prometheus text format. Bearer METRICS_TOKEN (the scraper\'s token, not a user token).',
      security: [{ metrics: [] }],
      parameters: [],
      responses: {
        200: { description: 'The metrics of this app.', content: { 'text/plain': { schema: { type: 'string' } } } },
        401: errorResponse(401),
        ...(options.rateLimited ? { 429: errorResponse(429) } : {}),
      },
    },
  };
}

/**
 * The OpenAPI 3 document of an app, from its routes (paths, path parameters, body types) and its DTOs'
 * validation rules (request schemas and query parameters), with each operation's roles and error shapes.
 */
export function buildApiDocument(app: NestFastifyApplication, options: ApiDocsOptions): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle(options.title)
    .setDescription(options.description)
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, 'bearer')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'METRICS_TOKEN' }, 'metrics')
    .build();
  const document = SwaggerModule.createDocument(app, config);
  document.paths[METRICS_PATH] = metricsPath(options);
  const dtoSchemas = schemasFromValidationRules();
  const endpoints = endpointsOf(app);
  for (const [path, item] of Object.entries(document.paths)) {
    if (path === METRICS_PATH) continue;
    for (const method of METHODS) {
      const operation = item[method];
      const endpoint = operation && endpoints.get(operation.operationId ?? '');
      if (operation && endpoint) describeOperation(operation, method, endpoint, dtoSchemas, options);
      else if (operation) throw new Error(`OpenAPI: no handler found for ${method.toUpperCase()} ${path}`);
    }
  }
  document.components = { ...document.components, schemas: componentSchemas(document.components?.schemas ?? {}, dtoSchemas) };
  return document;
}

/** Serves the document at /docs-json and the Swagger UI at /docs (public: documentation, not data). */
export function serveApiDocs(app: NestFastifyApplication, options: ApiDocsOptions): OpenAPIObject {
  const document = buildApiDocument(app, options);
  SwaggerModule.setup(API_DOCS_PATH.slice(1), app, document, {
    jsonDocumentUrl: API_DOCS_JSON_PATH.slice(1),
    raw: ['json'],
    customSiteTitle: options.title,
  });
  return document;
}

/** `/v1/licenses/:licenseId` (Fastify) as `/v1/licenses/{licenseId}` (OpenAPI). */
export function openApiPathOf(url: string): string {
  return url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

/** The routes that the document lacks, except those under a path deliberately left out (e.g. the docs themselves). */
export function undocumentedRoutes(routes: ServedRoute[], document: Pick<OpenAPIObject, 'paths'>, leftOut: string[]): ServedRoute[] {
  const isLeftOut = (url: string) => leftOut.some((prefix) => url === prefix || url.startsWith(`${prefix}/`));
  return routes.filter(({ method, url }) => {
    if (isLeftOut(url)) return false;
    const item = document.paths[openApiPathOf(url)] as Record<string, unknown> | undefined;
    return !item?.[method.toLowerCase()];
  });
}

function endpointsOf(app: NestFastifyApplication): Map<string, Endpoint> {
  const endpoints = new Map<string, Endpoint>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Type | null;
      if (!controller) continue;
      for (const methodKey of Object.getOwnPropertyNames(controller.prototype)) {
        endpoints.set(`${controller.name}_${methodKey}`, { controller, methodKey });
      }
    }
  }
  return endpoints;
}

function describeOperation(operation: OperationObject, method: string, endpoint: Endpoint, dtoSchemas: Record<string, SchemaObject>, options: ApiDocsOptions): void {
  const handler = endpoint.controller.prototype[endpoint.methodKey] as Function;
  const access = accessOf(handler, endpoint.controller);
  const isCommand = method !== 'get';
  const parameters = [...((operation.parameters ?? []) as ParameterObject[]), ...queryParameters(endpoint, dtoSchemas)];
  restrictIdParameters(parameters, endpoint);
  if (isCommand && !access.public) parameters.push(idempotencyKeyParameter());
  operation.parameters = parameters;
  operation.description = [operation.description, accessDescription(access)].filter(Boolean).join('\n\n');
  operation.security = access.public ? [] : [{ bearer: [] }];
  (operation as unknown as Record<string, unknown>)['x-roles'] = access.public ? [] : access.roles;
  for (const response of Object.values(operation.responses)) if (response && 'description' in response && !response.description) response.description = 'Success';
  const hasInput = parameters.length > 0 || operation.requestBody !== undefined;
  const statuses = [
    ...(hasInput ? [400] : []),
    ...(access.public ? [] : [401, 403]),
    ...(parameters.some((p) => p.in === 'path') ? [404] : []),
    ...(isCommand ? [409, 413] : []),
    ...(options.rateLimited ? [429] : []),
    503,
  ];
  for (const status of statuses) operation.responses[status] ??= errorResponse(status);
}

function accessDescription(access: { public: boolean; roles: Role[] }): string {
  if (access.public) return 'Public: no bearer token.';
  const lines = [`Roles: ${access.roles.join(', ') || '(none: closed to everyone)'}.`];
  if (access.roles.length > 0 && access.roles.every((role) => PARTNER_ROLES.includes(role))) {
    lines.push("Acts only on the caller's own partner (the partnerId of the token); other partners' data is never visible.");
  }
  return lines.join('\n\n');
}

/** Nest's own parameter decorators (@Body, @Query, @Param...) of a handler; custom ones have no numeric type. */
function routeArguments(endpoint: Endpoint): RouteArgument[] {
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, endpoint.controller, endpoint.methodKey) ?? {}) as Record<string, Omit<RouteArgument, 'type'>>;
  return Object.entries(args)
    .map(([key, arg]) => ({ ...arg, type: Number(key.split(':')[0]) as RouteParamtypes }))
    .filter((arg) => Number.isInteger(arg.type));
}

/** A whole-object @Query() DTO becomes one query parameter per property, with the rules that validate it. */
function queryParameters(endpoint: Endpoint, dtoSchemas: Record<string, SchemaObject>): ParameterObject[] {
  const paramTypes = (Reflect.getMetadata('design:paramtypes', endpoint.controller.prototype, endpoint.methodKey) ?? []) as Function[];
  const queryDtos = routeArguments(endpoint)
    .filter((arg) => arg.type === RouteParamtypes.QUERY && arg.data === undefined)
    .map((arg) => paramTypes[arg.index])
    .filter((dto): dto is Function => typeof dto === 'function' && dto.name in dtoSchemas);
  return queryDtos.flatMap((dto) => {
    const schema = dtoSchemas[dto.name];
    // A query string has no null: an optional parameter is simply left out.
    return (Object.entries(schema.properties ?? {}) as [string, SchemaObject][]).map(([name, { nullable: _, ...property }]) => ({
      name,
      in: 'query' as const,
      required: schema.required?.includes(name) ?? false,
      schema: property,
    }));
  });
}

/** Path ids checked by ParseIdPipe carry its pattern. */
function restrictIdParameters(parameters: ParameterObject[], endpoint: Endpoint): void {
  const checkedIds = routeArguments(endpoint)
    .filter((arg) => arg.type === RouteParamtypes.PARAM && (arg.pipes ?? []).some((pipe) => pipe === ParseIdPipe || pipe instanceof ParseIdPipe))
    .map((arg) => String(arg.data));
  for (const parameter of parameters) {
    if (parameter.in === 'path' && checkedIds.includes(parameter.name)) parameter.schema = { type: 'string', pattern: ID_PATTERN.source };
  }
}

function idempotencyKeyParameter(): ParameterObject {
  return {
    name: 'Idempotency-Key',
    in: 'header',
    required: false,
    description: 'A retry with the same key appends nothing twice and answers as the first time.',
    schema: { type: 'string', pattern: IDEMPOTENCY_KEY.source },
  };
}

/** JSON schemas of every DTO from its class-validator rules: the same rules that validate requests. */
function schemasFromValidationRules(): Record<string, SchemaObject> {
  const schemas = validationMetadatasToSchemas({
    refPointerPrefix: SCHEMAS,
    classTransformerMetadataStorage: defaultMetadataStorage,
    additionalConverters: {
      // @IsOptional() lets null through as well as an absent field.
      conditionalValidation: { nullable: true },
      isIsoTime: { type: 'string', description: 'An ISO-8601 date or time such as 2026-06-12T00:00:00Z.' },
      isISO31661Alpha2: { type: 'string', pattern: '^[A-Za-z]{2}$', description: 'An ISO 3166-1 alpha-2 country code such as US.' },
    },
  }) as Record<string, SchemaObject>;
  // The validation pipe refuses fields a DTO does not declare.
  for (const schema of Object.values(schemas)) schema.additionalProperties = false;
  return schemas;
}

/** The schemas the document refers to (request bodies and the DTOs nested in them), and the error body. */
function componentSchemas(referenced: Record<string, unknown>, dtoSchemas: Record<string, SchemaObject>): Record<string, SchemaObject> {
  const schemas: Record<string, SchemaObject> = { Error: ERROR_SCHEMA };
  const pending = Object.keys(referenced);
  while (pending.length > 0) {
    const name = pending.pop()!;
    if (schemas[name]) continue;
    const schema = dtoSchemas[name] ?? (referenced[name] as SchemaObject | undefined);
    if (!schema) throw new Error(`OpenAPI: no schema for ${name}: give it class-validator rules`);
    schemas[name] = schema;
    pending.push(...referencesIn(schemas[name]));
  }
  return schemas;
}

function referencesIn(schema: unknown): string[] {
  const json = JSON.stringify(schema);
  return [...json.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((match) => match[1]);
}
