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
