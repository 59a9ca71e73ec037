import { isStoreUnavailable, toErrorBody } from './http-error.filter';

describe('toErrorBody: a database that cannot take the work is a 503, not a 500', () => {
  it('maps lost and refused connections, and PostgreSQL refusing work', () => {
    for (const error of [
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
      new Error('Connection terminated unexpectedly'),
      Object.assign(new Error('driver adapter error'), { meta: { driverAdapterError: { cause: { code: '53300' } } } }),
    ]) {
      expect(toErrorBody(error)).toMatchObject({ statusCode: 503, code: 'STORE_UNAVAILABLE' });
    }
  });

  it("maps Prisma's P2028 when no connection freed up in time to start the transaction", () => {
    const error = Object.assign(new Error('Transaction API error: Unable to start a transaction in the given time.'), { code: 'P2028' });
    expect(isStoreUnavailable(error)).toBe(true);
    expect(toErrorBody(error)).toMatchObject({ statusCode: 503, code: 'STORE_UNAVAILABLE' });
  });

  it('leaves other errors alone: an unexpected one stays a 500', () => {
    expect(toErrorBody(new Error('boom'))).toBeNull();
    expect(toErrorBody(Object.assign(new Error('Transaction already closed'), { code: 'P2028' }))).toBeNull();
  });
});
