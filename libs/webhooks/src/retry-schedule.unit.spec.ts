import { loadConfig } from '@app/config';
import { nominalRetryDelayMs, retryDelayMs, shortestRetryWindowMs } from './retry-schedule';

const HOUR = 3_600_000;

describe('webhook retry schedule', () => {
  const schedule = { baseDelayMs: 1000, maxDelayMs: 60_000 };

  it('doubles from the base delay and stops at the cap', () => {
    expect([1, 2, 3, 4, 6, 7, 20].map((retry) => nominalRetryDelayMs(retry, schedule))).toEqual([1000, 2000, 4000, 8000, 32_000, 60_000, 60_000]);
  });

  it('jitters between half and all of the nominal delay', () => {
    expect(retryDelayMs(3, schedule, 0)).toBe(2000);
    expect(retryDelayMs(3, schedule, 0.5)).toBe(3000);
    expect(retryDelayMs(3, schedule, 0.999999)).toBe(4000);
    const draws = Array.from({ length: 1000 }, () => retryDelayMs(5, schedule));
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(8000);
    expect(Math.max(...draws)).toBeLessThanOrEqual(16_000);
    expect(new Set(draws).size).toBeGreaterThan(100);
  });

  it('keeps retrying for at least 24 hours with the default configuration, whatever the jitter draws', () => {
    const { webhooks } = loadConfig({ NODE_ENV: 'test' });
    const window = shortestRetryWindowMs(webhooks.maxAttempts, { baseDelayMs: webhooks.backoffBaseMs, maxDelayMs: webhooks.backoffMaxMs });
    expect(window).toBeGreaterThanOrEqual(24 * HOUR);
    // ...and gives up within a few days, so dead letters surface.
    expect(window * 2).toBeLessThan(72 * HOUR);
  });
});
