import { AppMetrics } from './metrics';

/** The samples of one metric in an exposition, as `name{labels} value` lines. */
function samples(text: string, name: string): string[] {
  return text.split('\n').filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `));
}

describe('AppMetrics request durations', () => {
  it('exposes a Prometheus histogram per method, route and status: cumulative buckets, sum and count', async () => {
    const metrics = new AppMetrics('unit');
    for (const seconds of [0.0002, 0.0005, 0.0007, 0.003, 7]) metrics.observeRequest('POST', '/v1/check', 200, seconds);
    metrics.observeRequest('GET', '/v1/authz', 403, 0.02);
    const { contentType, body } = await metrics.exposition();
    expect(contentType).toContain('text/plain');
    expect(body).toContain('# TYPE http_request_duration_seconds histogram');
    const buckets = samples(body, 'http_request_duration_seconds_bucket').filter((line) => line.includes('route="/v1/check"'));
    const byBound = Object.fromEntries(buckets.map((line) => [/le="([^"]+)"/.exec(line)![1], Number(line.split(' ').pop())]));
    // 0.0005 is in its own bucket (le is inclusive); 7 s is beyond every bound, so only in +Inf.
    expect(byBound).toMatchObject({ '0.0005': 2, '0.001': 3, '0.0025': 3, '0.005': 4, '2.5': 4, '+Inf': 5 });
    expect(buckets).toHaveLength(13);
    const counts = samples(body, 'http_request_duration_seconds_count');
    expect(counts).toHaveLength(2);
    const countOf = (labels: string[]) => Number(counts.find((line) => labels.every((label) => line.includes(label)))?.split(' ').pop());
    expect(countOf(['app="unit"', 'method="POST"', 'route="/v1/check"', 'status="200"'])).toBe(5);
    expect(countOf(['app="unit"', 'method="GET"', 'route="/v1/authz"', 'status="403"'])).toBe(1);
    const sum = samples(body, 'http_request_duration_seconds_sum').find((line) => line.includes('route="/v1/check"'))!;
    expect(Number(sum.split(' ').pop())).toBeCloseTo(7.0044, 6);
  });

  it('forgets its observations when the app shuts down', async () => {
    const metrics = new AppMetrics('unit');
    metrics.observeRequest('GET', '/v1/authz', 204, 0.001);
    metrics.onApplicationShutdown();
    expect((await metrics.exposition()).body).not.toContain('http_request_duration_seconds');
  });
});
