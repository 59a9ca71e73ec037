/**
 * A client for the entitlements app's check API, for serving stacks written in Node (>= 18: it uses the
 * global fetch). It has no dependencies and fails closed: when no decision can be had in time (network
 * error, timeout, an answer that is not a decision), the answer is a denial marked `failedClosed`.
 */

export interface EntitlementClientOptions {
  /** Where the entitlements app listens, e.g. `http://entitlements:3003`. */
  baseUrl: string;
  /** A bearer token with the `service` role, or a function that returns a current one. */
  serviceToken: string | (() => string | Promise<string>);
  /** Per call, including any wait for `minPosition` (the server bounds that wait itself). Default 500 ms. */
  timeoutMs?: number;
  /** For tests or a custom agent; defaults to the global fetch. */
  fetch?: typeof fetch;
}

export interface CheckRequest {
  /** The partner credential the request carried (`mk_live_...`), or `partnerId` when already resolved. */
  credential?: string;
  partnerId?: string;
  model: string;
  /** The end user the partner serves; rules about people deny without it. */
  userId?: string;
  /** The caller's address, for geofencing. */
  clientIp?: string;
  /** Read your writes: the `position` a command answered; the check waits (bounded) until the index has it. */
  minPosition?: string | number | bigint;
}

export interface Decision {
  allow: boolean;
  /** Reason codes (API.md); empty when allowed. */
  reasons: string[];
  partnerId: string | null;
  licenseId: string | null;
  model: string;
  /** The index position the decision was computed at; null when failed closed. */
  position: string | null;
  decisionId: string | null;
  /** How long an allow may be reused; 0 for denials. */
  ttlMs: number;
  /** True when no decision could be had and this denial was made by the client. */
  failedClosed: boolean;
  /** Why it failed closed. */
  error?: string;
}

/** The reason a client-made denial carries: no fresh decision could be had. */
export const FAIL_CLOSED_REASON = 'STALE_STATE';

export class EntitlementClient {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly fetch: typeof fetch;

  constructor(private readonly options: EntitlementClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 500;
    this.fetch = options.fetch ?? globalThis.fetch;
    if (!/^https?:\/\//.test(this.baseUrl)) throw new TypeError(`baseUrl must be an http(s) URL, got ${JSON.stringify(options.baseUrl)}`);
    if (!(this.timeoutMs > 0)) throw new TypeError('timeoutMs must be positive');
  }

  /** One decision; never throws, never allows on error. */
  async check(request: CheckRequest): Promise<Decision> {
    try {
      const answer = await this.post('/v1/check', toBody(request));
      return toDecision(answer);
    } catch (error) {
      return failedClosed(request, error);
    }
  }

  /** Up to 100 decisions in one round trip, in the order asked; never throws, never allows on error. */
  async checkBatch(requests: readonly CheckRequest[]): Promise<Decision[]> {
    if (requests.length === 0) return [];
    if (requests.length > 100) throw new RangeError('checkBatch takes at most 100 checks; split the batch');
    try {
      const answer = (await this.post('/v1/check/batch', { checks: requests.map(toBody) })) as { decisions?: unknown };
      if (!Array.isArray(answer.decisions) || answer.decisions.length !== requests.length) throw new Error('the batch answer does not hold one decision per check');
      return answer.decisions.map(toDecision);
    } catch (error) {
      return requests.map((request) => failedClosed(request, error));
    }
  }

  private async post(path: string, body: unknown): Promise<unknown> {
    const token = typeof this.options.serviceToken === 'function' ? await this.options.serviceToken() : this.options.serviceToken;
    const response = await this.fetch(this.baseUrl + path, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`entitlements answered ${response.status}: ${text.slice(0, 200)}`);
    return JSON.parse(text) as unknown;
  }
}

function toBody(request: CheckRequest): Record<string, unknown> {
  const body: Record<string, unknown> = { model: request.model };
  if (request.credential !== undefined) body.credential = request.credential;
  if (request.partnerId !== undefined) body.partnerId = request.partnerId;
  if (request.userId !== undefined) body.userId = request.userId;
  if (request.clientIp !== undefined) body.clientIp = request.clientIp;
  if (request.minPosition !== undefined) body.minPosition = String(request.minPosition);
  return body;
}

/** Only a well-formed decision is believed; anything else is an error, and errors deny. */
function toDecision(raw: unknown): Decision {
  const d = raw as Record<string, unknown>;
  if (typeof d !== 'object' || d === null || typeof d.allow !== 'boolean' || !Array.isArray(d.reasons) || typeof d.model !== 'string') {
    throw new Error('the answer is not a decision');
  }
  const reasons = d.reasons.map(String);
  // An allow that also names a reason is contradictory: deny.
  const allow = d.allow && reasons.length === 0;
  return {
    allow,
    reasons,
    partnerId: typeof d.partnerId === 'string' ? d.partnerId : null,
    licenseId: typeof d.licenseId === 'string' ? d.licenseId : null,
    model: d.model,
    position: typeof d.position === 'string' ? d.position : null,
    decisionId: typeof d.decisionId === 'string' ? d.decisionId : null,
    ttlMs: allow && typeof d.ttlMs === 'number' ? d.ttlMs : 0,
    failedClosed: false,
  };
}

/** Errors may come from another realm (fetch's DOMException), so they are read by shape, not by class. */
function describeError(error: unknown): string {
  const { name, message } = (typeof error === 'object' && error !== null ? error : {}) as { name?: unknown; message?: unknown };
  if (name === 'TimeoutError') return 'timed out';
  return typeof message === 'string' ? message : String(error);
}

function failedClosed(request: CheckRequest, error: unknown): Decision {
  const message = describeError(error);
  return {
    allow: false,
    reasons: [FAIL_CLOSED_REASON],
    partnerId: request.partnerId ?? null,
    licenseId: null,
    model: request.model,
    position: null,
    decisionId: null,
    ttlMs: 0,
    failedClosed: true,
    error: message,
  };
}
