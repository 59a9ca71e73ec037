import type { SignedDeliveryRequest } from '@app/webhooks';

export interface AttemptOutcome {
  succeeded: boolean;
  statusCode: number | null;
  /** Why it failed, in words an operator can act on; never the secret or the partner's answer body. */
  error: string | null;
  durationMs: number;
}

function describeFailure(error: unknown, timeoutMs: number): string {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return `timed out after ${timeoutMs} ms`;
  if (e?.cause?.code || e?.cause?.message) return `${e.cause.code ?? 'network error'}: ${e.cause.message ?? e.message}`.slice(0, 300);
  return `${e?.name ?? 'Error'}: ${e?.message ?? String(error)}`.slice(0, 300);
}

/**
 * One POST to a partner endpoint, bounded by `timeoutMs` from connect to the response headers. Only a
 * 2xx counts; redirects are not followed (a partner's endpoint must not send us elsewhere).
 */
export async function postWebhook(url: string, request: SignedDeliveryRequest, timeoutMs: number): Promise<AttemptOutcome> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const response = await fetch(url, { method: 'POST', headers: request.headers, body: request.body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel().catch(() => undefined);
    const succeeded = response.status >= 200 && response.status < 300;
    return { succeeded, statusCode: response.status, error: succeeded ? null : `answered HTTP ${response.status}`, durationMs: elapsed() };
  } catch (error) {
    return { succeeded: false, statusCode: null, error: describeFailure(error, timeoutMs), durationMs: elapsed() };
  }
}
