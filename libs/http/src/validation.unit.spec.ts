import { randomValue } from '../../../test/support/fuzz';
import { seeded } from '../../../test/support/prng';
import { bodyDepthExceeds, MAX_BODY_DEPTH } from './validation';

/** Depth by definition: the deepest object or array below the top (the top is level 0); -1 for a scalar. */
function depth(value: unknown): number {
  if (value === null || typeof value !== 'object') return -1;
  const children = Array.isArray(value) ? value : Object.values(value);
  return children.reduce((deepest: number, child) => Math.max(deepest, depth(child) + 1), 0);
}

const nested = (levels: number, leaf: unknown = 1): unknown => {
  let value: unknown = leaf;
  for (let i = 0; i < levels; i++) value = i % 2 === 0 ? [value] : { a: value };
  return value;
};

describe('bodyDepthExceeds', () => {
  it('refuses a body with an object or array MAX_BODY_DEPTH levels below the top, and only that', () => {
    expect(bodyDepthExceeds(nested(MAX_BODY_DEPTH), MAX_BODY_DEPTH)).toBe(false);
    expect(bodyDepthExceeds(nested(MAX_BODY_DEPTH + 1), MAX_BODY_DEPTH)).toBe(true);
    expect(bodyDepthExceeds(nested(MAX_BODY_DEPTH, {}), MAX_BODY_DEPTH)).toBe(true);
    for (const scalar of [undefined, null, 0, 'x', true]) expect(bodyDepthExceeds(scalar, 0)).toBe(false);
    expect(bodyDepthExceeds({}, 0)).toBe(true);
  });

  it('answers at once for a body nested far deeper than the stack could walk', () => {
    expect(bodyDepthExceeds(nested(1_000_000), MAX_BODY_DEPTH)).toBe(true);
  });

  it('looks at own keys only, a "__proto__" key of parsed JSON included', () => {
    expect(bodyDepthExceeds(JSON.parse('{"__proto__": {"a": {"b": {}}}}'), 3)).toBe(true);
    expect(bodyDepthExceeds(Object.create({ inherited: nested(10) }), 3)).toBe(false);
  });

  it('agrees with the depth of random JSON bodies', () => {
    const random = seeded(20261122);
    const vocabulary = { keys: ['a', 'b', 'checks', '__proto__', 'constructor'], strings: ['x', ''] };
    for (let i = 0; i < 3000; i++) {
      const body = JSON.parse(JSON.stringify(randomValue(random, 8, vocabulary)) ?? 'null');
      const limit = Math.floor(random() * 8);
      expect([limit, bodyDepthExceeds(body, limit)]).toEqual([limit, depth(body) >= limit]);
    }
  });
});
