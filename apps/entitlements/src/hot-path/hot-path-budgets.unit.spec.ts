import { HotPathBudgets } from './hot-path-budgets';
import { RequestBudget } from './request-budget';

describe('RequestBudget', () => {
  const T0 = 1_000_000;

  it('lets `limit` requests of a key through per window, then refuses until the window turns', () => {
    const budget = new RequestBudget(3, 1000);
    expect([1, 2, 3, 4].map(() => budget.take('a', T0))).toEqual([true, true, true, false]);
    expect(budget.take('b', T0 + 10)).toBe(true);
    expect(budget.retryAfterSeconds(T0 + 10)).toBe(1);
    expect(budget.take('a', T0 + 999)).toBe(false);
    expect(budget.take('a', T0 + 1000)).toBe(true);
  });

  it('counts recorded attempts without refusing them, and says when a key is exhausted', () => {
    const budget = new RequestBudget(2, 60_000);
    budget.record('ip', T0);
    expect(budget.exhausted('ip', T0)).toBe(false);
    budget.record('ip', T0);
    budget.record('ip', T0);
    expect(budget.exhausted('ip', T0 + 1)).toBe(true);
    expect(budget.retryAfterSeconds(T0 + 30_500)).toBe(30);
    expect(budget.exhausted('ip', T0 + 60_000)).toBe(false);
  });

  it('starts every window afresh for every key, however many windows it missed', () => {
    const budget = new RequestBudget(2, 1000);
    expect([budget.take('a', T0), budget.take('a', T0), budget.take('a', T0)]).toEqual([true, true, false]);
    budget.record('b', T0);
    budget.record('b', T0);
    expect(budget.exhausted('b', T0)).toBe(true);
    // Windows turn only when a request comes: the next one begins at T0 + 5,000.
    expect(budget.exhausted('b', T0 + 5000)).toBe(false);
    expect([budget.take('a', T0 + 5001), budget.take('a', T0 + 5002), budget.take('a', T0 + 5003)]).toEqual([true, true, false]);
    expect(budget.retryAfterSeconds(T0 + 5003)).toBe(1);
    expect(budget.take('a', T0 + 6000)).toBe(true);
  });

  it('tracks at most maxKeys keys: others pass uncounted, and a window that turns with more than half of them tracked drops them all', () => {
    const budget = new RequestBudget(1, 1000, 4);
    for (const key of ['a', 'b', 'c', 'd']) expect(budget.take(key, T0)).toBe(true);
    expect(budget.take('a', T0)).toBe(false);
    // A fifth key has no room: it is not counted, so not refused.
    expect([budget.take('e', T0), budget.take('e', T0)]).toEqual([true, true]);
    // Four tracked (more than half): the next window tracks afresh, 'e' too.
    expect([budget.take('e', T0 + 1000), budget.take('e', T0 + 1000)]).toEqual([true, false]);
  });

  it('keeps the keys it tracks across windows while at most half of maxKeys are tracked (they count towards it)', () => {
    const budget = new RequestBudget(1, 1000, 4);
    expect([budget.take('a', T0), budget.take('b', T0)]).toEqual([true, true]);
    expect([budget.take('a', T0 + 1000), budget.take('a', T0 + 1000)]).toEqual([true, false]);
    for (const key of ['c', 'd']) expect(budget.take(key, T0 + 1000)).toBe(true);
    // 'a' and 'b' are still tracked (from the window before for 'b'): no room is left for 'e'.
    expect([budget.take('e', T0 + 1000), budget.take('e', T0 + 1000)]).toEqual([true, true]);
    expect(budget.take('b', T0 + 1000)).toBe(true);
    expect(budget.take('b', T0 + 1000)).toBe(false);
  });
});

describe('HotPathBudgets', () => {
  const limits = { perActorPerMinute: 1, perIpPerMinute: 1, perCredentialPerSecond: 2, unknownCredentialsPerIpPerMinute: 2 };
  const T0 = 5_000_000;

  it('refuses a credential beyond its requests per second, not another credential', () => {
    const budgets = new HotPathBudgets(limits);
    expect([budgets.admit('hash-a', true, '203.0.113.7', T0), budgets.admit('hash-a', true, '203.0.113.7', T0)]).toEqual([0, 0]);
    expect(budgets.admit('hash-a', true, '203.0.113.7', T0 + 1)).toBe(1);
    expect(budgets.admit('hash-b', true, '203.0.113.7', T0 + 1)).toBe(0);
    expect(budgets.admit('hash-a', true, '203.0.113.7', T0 + 1000)).toBe(0);
  });

  it('refuses further unknown credentials from an address that sent too many, and only from that address', () => {
    const budgets = new HotPathBudgets(limits);
    budgets.recordUnknownCredential('198.51.100.9', T0);
    expect(budgets.admit('guess-2', false, '198.51.100.9', T0)).toBe(0);
    budgets.recordUnknownCredential('198.51.100.9', T0);
    expect(budgets.admit('guess-3', false, '198.51.100.9', T0 + 1)).toBe(60);
    expect(budgets.admit('guess-3', false, '203.0.113.7', T0 + 1)).toBe(0);
    expect(budgets.admit('guess-3', false, '198.51.100.9', T0 + 60_000)).toBe(0);
  });

  it('never locks out a credential the index knows, and never counts requests without an address against one', () => {
    const budgets = new HotPathBudgets(limits);
    for (let i = 0; i < 5; i++) budgets.recordUnknownCredential('198.51.100.9', T0);
    expect(budgets.admit('real-credential', true, '198.51.100.9', T0 + 1)).toBe(0);
    for (let i = 0; i < 5; i++) budgets.recordUnknownCredential(undefined, T0);
    expect(budgets.admit('guess-4', false, undefined, T0 + 1)).toBe(0);
  });
});
