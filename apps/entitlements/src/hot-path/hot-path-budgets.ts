import type { AppConfig } from '@app/config';
import { RequestBudget } from './request-budget';

/** The reason a refused request carries (a transport refusal, not a decision of the rules). */
export const RATE_LIMITED = 'RATE_LIMITED';

/**
 * What the hot path lets one caller spend, per replica and in memory only: requests per second per
 * partner credential (keyed by its id, or by its hash when the index does not know it; never the secret),
 * and unknown credentials per minute per client address, which stops credential guessing. An address that
 * spent that budget is refused any further credential the index does not know; a known credential still
 * passes (a NAT, or a serving stack sending without `clientIp`, must not lock every partner out), and a
 * request without an address is never counted against one.
 */
export class HotPathBudgets {
  private readonly perCredential: RequestBudget;
  private readonly unknownPerAddress: RequestBudget;

  constructor(limits: AppConfig['rateLimits']) {
    this.perCredential = new RequestBudget(limits.perCredentialPerSecond, 1000);
    this.unknownPerAddress = new RequestBudget(limits.unknownCredentialsPerIpPerMinute, 60_000);
  }

  /** 0 when the request may proceed; otherwise the seconds the caller should wait (Retry-After). */
  admit(credentialKey: string, known: boolean, address: string | undefined, now: number): number {
    if (!known && address !== undefined && this.unknownPerAddress.exhausted(address, now)) return this.unknownPerAddress.retryAfterSeconds(now);
    if (!this.perCredential.take(credentialKey, now)) return this.perCredential.retryAfterSeconds(now);
    return 0;
  }

  /** A credential the index does not know came from this address. */
  recordUnknownCredential(address: string | undefined, now: number): void {
    if (address !== undefined) this.unknownPerAddress.record(address, now);
  }
}
