/** A minimal JSON client for the demo seed: it drives the system through its public APIs. */
export class DemoClient {
  constructor(private readonly baseUrl: string, private readonly token: () => string) {}

  async post<T = any>(path: string, body: unknown, idempotencyKey: string): Promise<{ status: number; body: T }> {
    const response = await fetch(this.baseUrl + path, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.token()}`, 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json().catch(() => null)) as T };
  }

  async get<T = any>(path: string): Promise<{ status: number; body: T }> {
    const response = await fetch(this.baseUrl + path, { headers: { authorization: `Bearer ${this.token()}` } });
    return { status: response.status, body: (await response.json().catch(() => null)) as T };
  }
}

export class DemoStepError extends Error {}

/** A step succeeded (a retried step answers 2xx with its original result, thanks to its Idempotency-Key). */
export function expectDone(step: string, answer: { status: number; body: any }): { status: number; body: any } {
  if (answer.status >= 200 && answer.status < 300) return answer;
  throw new DemoStepError(`${step}: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
}

export async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new DemoStepError(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
