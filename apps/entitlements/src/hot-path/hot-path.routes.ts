import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { hashApiCredential, Role, TokenVerifier } from '@app/auth';
import { APP_CONFIG, AppConfig } from '@app/config';
import { ReasonCode } from '@app/entitlement';
import { FastLane, ID_PATTERN, LaneReply, LaneRequest, sendError } from '@app/http';
import { clientAddress, trustedProxies } from '../authz/client-address';
import { CheckInput, invalid, parseCheckInput } from '../check/check-request';
import { CheckAnswer, CheckService } from '../check/check.service';
import { IndexService } from '../index/index.service';
import { HotPathBudgets, RATE_LIMITED } from './hot-path-budgets';

const MAX_BATCH = 100;

function tooManyRequests(reply: LaneReply, retryAfterSeconds: number): void {
  void reply
    .status(429)
    .header('Retry-After', String(retryAfterSeconds))
    .send({ statusCode: 429, error: 'Too Many Requests', code: RATE_LIMITED, message: `Too many requests: retry after ${retryAfterSeconds} seconds.` });
}

/** `then(value)` at once for a value, after it for a promise. */
function whenSettled<T, R>(value: T | Promise<T>, then: (value: T) => R): R | Promise<R> {
  return value instanceof Promise ? value.then(then) : then(value);
}

/**
 * The serving stack's endpoints, on the app's fast lane (served straight on Node's HTTP server, on the
 * same port) rather than through Nest's router, hooks, guards and pipes: they run before every inference
 * request, so each layer's microseconds count.
 * They keep the same contract and the same rules: a `service` bearer token for /v1/check (401
 * without a valid one, 403 for another role), hand-written validation naming the wrong field,
 * the one error mapping, and /v1/authz authenticated by the partner credential it carries.
 * Request budgets per credential and against credential guessing are kept in memory (no I/O).
 * The handlers are synchronous unless a check waits for its `minPosition`: an async handler costs each
 * request a promise, and `return reply` a listener for the end of the answer.
 */
export function registerHotPath(app: NestFastifyApplication, lane: FastLane): void {
  const checks = app.get(CheckService);
  const config = app.get<AppConfig>(APP_CONFIG);
  const tokens = new TokenVerifier(config);
  const trusted = trustedProxies(config.entitlements.trustedProxies);
  const budgets = new HotPathBudgets(config.rateLimits);
  const index = app.get(IndexService);

  /**
   * Spends the input's budget (hashing its credential once for the check too); seconds to wait, or 0. A
   * known credential is counted under its id, a string the index holds anyway: the request's own hash would
   * be one more young object for the garbage collector to copy while the budget's window lasts. An unknown
   * one is counted under its hash (ids have a dash, SHA-256 hex never does).
   */
  const admit = (input: CheckInput, now: number): number => {
    if (input.credential === undefined) return 0;
    input.credentialHash = hashApiCredential(input.credential);
    const known = index.index.credentialsByHash.get(input.credentialHash);
    return budgets.admit(known ? known.credentialId : input.credentialHash, known !== undefined, input.clientIp, now);
  };
  /** Counts an unknown credential against the client's budget; gives the answer back. */
  const noted = (input: CheckInput, answer: CheckAnswer, now: number): CheckAnswer => {
    if (input.credential !== undefined && answer.reasons.includes(ReasonCode.UNKNOWN_CREDENTIAL)) budgets.recordUnknownCredential(input.clientIp, now);
    return answer;
  };

  /** True when the request carries a service token; otherwise the 401 / 403 is already sent. */
  const serviceOnly = (request: LaneRequest, reply: LaneReply): boolean => {
    const actor = tokens.actorOf(request.headers.authorization);
    if (!actor) {
      void reply.status(401).send({ statusCode: 401, error: 'Unauthorized', code: 'HTTP_401', message: 'Unauthorized' });
      return false;
    }
    if (actor.role !== Role.Service) {
      void reply.status(403).send({ statusCode: 403, error: 'Forbidden', code: 'HTTP_403', message: `This endpoint needs one of the roles: ${Role.Service}.` });
      return false;
    }
    return true;
  };

  lane.post('/v1/check', (request, reply) => {
    if (!serviceOnly(request, reply)) return;
    try {
      const input = parseCheckInput(request.body);
      const now = Date.now();
      const wait = admit(input, now);
      if (wait > 0) return tooManyRequests(reply, wait);
      return whenSettled(checks.check(input), (answer) => noted(input, answer, now));
    } catch (error) {
      void sendError(reply, error);
    }
  });

  lane.post('/v1/check/batch', (request, reply) => {
    if (!serviceOnly(request, reply)) return;
    try {
      const body = request.body;
      if (typeof body !== 'object' || body === null || Array.isArray(body)) invalid('body', 'must be a JSON object');
      for (const key of Object.keys(body)) if (key !== 'checks') invalid(key, 'is not a known field');
      const items = (body as { checks?: unknown }).checks;
      if (!Array.isArray(items) || items.length === 0 || items.length > MAX_BATCH) invalid('checks', `must be an array of 1 to ${MAX_BATCH} checks`);
      const inputs = items.map((item, i) => parseCheckInput(item, `checks.${i}.`));
      const now = Date.now();
      const wait = Math.max(...inputs.map((input) => admit(input, now)));
      if (wait > 0) return tooManyRequests(reply, wait);
      const answers = inputs.map((input) => checks.check(input));
      const settled = answers.some((answer) => answer instanceof Promise) ? Promise.all(answers) : (answers as CheckAnswer[]);
      return whenSettled(settled, (decisions) => ({ decisions: decisions.map((answer, i) => noted(inputs[i], answer, now)) }));
    } catch (error) {
      void sendError(reply, error);
    }
  });

  // nginx auth_request / Envoy ext_authz (HTTP mode): only 204, 401 or 403, the result in headers.
  lane.get('/v1/authz', (request, reply) => {
    const headers = request.headers;
    const authorization = headers.authorization;
    const credential = typeof authorization === 'string' && authorization.startsWith('Bearer ') ? authorization.slice(7).trim() : '';
    if (!credential || credential.length > 128) {
      void reply.status(401).header('X-Entitlement-Reasons', ReasonCode.UNKNOWN_CREDENTIAL).send();
      return;
    }
    const model = typeof headers['x-model'] === 'string' ? headers['x-model'] : '';
    const endUser = typeof headers['x-end-user'] === 'string' ? headers['x-end-user'] : undefined;
    const input: CheckInput = {
      credential,
      model: ID_PATTERN.test(model) ? model : '',
      userId: endUser && endUser.length <= 200 ? endUser : undefined,
      clientIp: clientAddress(request.socket.remoteAddress, headers, trusted),
    };
    const now = Date.now();
    const wait = admit(input, now);
    // nginx auth_request passes only 401 and 403 on: a refusal is a 403 naming its reason.
    if (wait > 0) {
      void reply.status(403).header('X-Entitlement-Reasons', RATE_LIMITED).header('Retry-After', String(wait)).send();
      return;
    }
    return whenSettled(checks.check(input), (answer) => authzAnswer(reply, noted(input, answer, now)));
  });
}

/** The check's answer as auth_request wants it: the status, and the result in headers. */
export function authzAnswer(reply: LaneReply, answer: CheckAnswer): void {
  const status = answer.allow ? 204 : answer.reasons.includes(ReasonCode.UNKNOWN_CREDENTIAL) ? 401 : 403;
  void reply
    .status(status)
    .header('X-Entitlement-Reasons', answer.reasons.join(','))
    .header('X-Partner-Id', answer.partnerId ?? '')
    .header('X-License-Id', answer.licenseId ?? '')
    .header('X-Entitlement-Position', answer.position)
    .header('X-Decision-Id', answer.decisionId)
    .send();
}
