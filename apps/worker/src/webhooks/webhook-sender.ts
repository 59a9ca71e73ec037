import { lookup as dnsLookup } from 'node:dns';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { isInternalHost, SignedDeliveryRequest } from '@app/webhooks';

export interface AttemptOutcome {
  succeeded: boolean;
  statusCode: number | null;
  /** Why it failed, in words an operator can act on; never the secret or the partner's answer body. */
  error: string | null;
  durationMs: number;
}

export interface SendOptions {
  timeoutMs: number;
  /** Hosts that may resolve to private addresses (configuration: WEBHOOK_HTTP_ALLOWED_HOSTS). */
  allowedHosts: readonly string[];
}

class EndpointNotPublicError extends Error {
  readonly code = 'ENDPOINT_NOT_PUBLIC';
}

/**
 * Resolves like the system resolver, but refuses a name that resolves to a loopback or private
 * address: a public name re-pointed at our own network (DNS rebinding) is not a partner's endpoint.
 * It runs at connect time, so the address checked is the address used.
 */
const publicAddressesOnly: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, '', 0);
    const internal = addresses.find((a) => isInternalHost(a.address));
    if (internal) return callback(new EndpointNotPublicError(`${hostname} resolves to a private or loopback address`), '', 0);
    if (options.all) return (callback as unknown as (e: null, all: typeof addresses) => void)(null, addresses);
    callback(null, addresses[0].address, addresses[0].family);
  });
};

function describeFailure(error: unknown, timeoutMs: number): string {
  const e = error as { name?: string; code?: string; message?: string };
  if (e?.name === 'AbortError' || e?.name === 'TimeoutError') return `timed out after ${timeoutMs} ms`;
  return `${e?.code ?? e?.name ?? 'Error'}: ${e?.message ?? String(error)}`.slice(0, 300);
}

/**
 * One POST to a partner endpoint, bounded by `timeoutMs` from connect to the response headers. Only a
 * 2xx counts; redirects are not followed (a partner's endpoint must not send us elsewhere), and the
 * answer's body is discarded unread.
 */
export function postWebhook(url: string, request: SignedDeliveryRequest, options: SendOptions): Promise<AttemptOutcome> {
  const started = performance.now();
  const target = new URL(url);
  const allowListed = options.allowedHosts.includes(target.hostname.replace(/^\[|\]$/g, '').toLowerCase());
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (outcome: Omit<AttemptOutcome, 'durationMs'>) => {
      if (settled) return;
      settled = true;
      resolve({ ...outcome, durationMs: Math.round(performance.now() - started) });
    };
    const outgoing = send(
      target,
      {
        method: 'POST',
        headers: { ...request.headers, 'content-length': Buffer.byteLength(request.body) },
        signal: AbortSignal.timeout(options.timeoutMs),
        lookup: allowListed ? undefined : publicAddressesOnly,
      },
      (response) => {
        response.resume();
        response.on('error', () => undefined);
        const statusCode = response.statusCode ?? 0;
        const succeeded = statusCode >= 200 && statusCode < 300;
        finish({ succeeded, statusCode, error: succeeded ? null : `answered HTTP ${statusCode}` });
      },
    );
    outgoing.on('error', (error) => finish({ succeeded: false, statusCode: null, error: describeFailure(error, options.timeoutMs) }));
    outgoing.end(request.body);
  });
}
