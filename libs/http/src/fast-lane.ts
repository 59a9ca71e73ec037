import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import Fastify, { FastifyInstance, RouteHandlerMethod } from 'fastify';
import { AppMetrics, observeResponses } from './operability/metrics';
import { answerRequestIds, requestIdOf } from './request-context';
import { sendError } from './http-error.filter';
import { TurnWrites } from './turn-writes';
import { rejectDeepBodies } from './validation';

/** Fastify's defaults for what it hands a server factory (its options, defaults applied). */
const FASTIFY_SERVER_DEFAULTS = { keepAliveTimeout: 72_000, requestTimeout: 0, connectionTimeout: 0, maxRequestsPerSocket: 0 };

/**
 * A few routes served by a Fastify instance of their own, on the app's port, ahead of Nest's request
 * pipeline. Nest's adapter and middleware runner put seven hooks in front of every request; for the
 * entitlement check, which runs before every inference request, they cost as much as the check itself.
 * The lane keeps what the contract needs, with the same pieces as the rest of the app: the body limit
 * (413), `rejectDeepBodies`, the one error answer (`sendError`), the request id and the latency histogram.
 * Everything else goes to Nest unchanged. A connection that carries lane requests sends its answers at the
 * end of the event loop's turn, together with the turn's other answers (`TurnWrites`).
 */
export class FastLane {
  readonly fastify: FastifyInstance;
  /** `METHOD path` of every route on the lane (HEAD follows GET, as in Fastify). */
  private readonly routes = new Set<string>();
  private readonly turnWrites = new TurnWrites();

  constructor(options: { bodyLimit: number }) {
    this.fastify = Fastify({ logger: false, bodyLimit: options.bodyLimit, genReqId: requestIdOf });
    answerRequestIds(this.fastify);
    // Nest's adapter reads form bodies too; the lane answers them the same way (a 400 naming the fields).
    this.fastify.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => done(null, parseQuery(body as string)));
    this.fastify.addHook('preValidation', rejectDeepBodies);
    this.fastify.setErrorHandler((error, _request, reply) => sendError(reply, error));
  }

  get(url: string, handler: RouteHandlerMethod): void {
    this.fastify.get(url, handler);
    this.routes.add(`GET ${url}`).add(`HEAD ${url}`);
  }

  post(url: string, handler: RouteHandlerMethod): void {
    this.fastify.post(url, handler);
    this.routes.add(`POST ${url}`);
  }

  /** Observes each answer's latency under its route, like every other route of the app. */
  observeWith(metrics: AppMetrics): void {
    observeResponses(this.fastify, metrics);
  }

  /**
   * The HTTP server for the app: the lane's routes go to the lane, everything else to `fallback`. Fastify
   * leaves a factory's server as it is made, so its timeouts are set here as Fastify sets its own: without
   * that, Node's 5 s keep-alive timeout closes connections that proxies keep open to reuse (Fastify's is 72 s),
   * and a proxy that sends on one just as it closes gets an error.
   */
  serverFor(fallback: (request: IncomingMessage, response: ServerResponse) => void, options: Record<string, unknown> = {}): Server {
    const setting = (name: keyof typeof FASTIFY_SERVER_DEFAULTS): number => {
      const value = options[name];
      return typeof value === 'number' ? value : FASTIFY_SERVER_DEFAULTS[name];
    };
    const server = createServer((request, response) => {
      if (this.serves(request)) {
        this.turnWrites.hold(request.socket);
        this.fastify.routing(request, response);
      } else fallback(request, response);
    });
    server.keepAliveTimeout = setting('keepAliveTimeout');
    server.requestTimeout = setting('requestTimeout');
    server.setTimeout(setting('connectionTimeout'));
    if (setting('maxRequestsPerSocket') > 0) server.maxRequestsPerSocket = setting('maxRequestsPerSocket');
    return server;
  }

  private serves(request: IncomingMessage): boolean {
    const url = request.url ?? '';
    const query = url.indexOf('?');
    return this.routes.has(`${request.method} ${query < 0 ? url : url.slice(0, query)}`);
  }
}
