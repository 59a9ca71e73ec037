import { createPublicKey, createSecretKey, KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { AppConfig } from '@app/config';
import { Actor, isRole, PARTNER_ROLES } from './roles';

const CACHE_LIMIT = 10_000;

interface Verified {
  token: string;
  actor: Actor;
  expiresAt: number;
}

/** The claims every accepted token carries, as an Actor; null when the token is not acceptable. */
export function actorOf(payload: Record<string, unknown>): Actor | null {
  const { sub, role, partnerId, exp } = payload;
  if (typeof exp !== 'number' || typeof sub !== 'string' || !sub || !isRole(role)) return null;
  const isPartner = PARTNER_ROLES.includes(role);
  if (isPartner && (typeof partnerId !== 'string' || !partnerId)) return null;
  return { id: sub, role, partnerId: isPartner ? (partnerId as string) : null };
}

/**
 * Bearer-token verification for the hot path, with the same rules as the passport strategy (key,
 * algorithm, issuer, audience, expiry, claims). A serving stack reuses one token for many requests,
 * so a verified token is remembered until it expires: the signature is checked once, not per request.
 */
export class TokenVerifier {
  private readonly key: KeyObject;
  private readonly options: jwt.VerifyOptions;
  private readonly verified = new Map<string, Verified>();
  /**
   * The token verified last: a serving stack sends the same one over and over, and comparing a token with
   * it costs less than hashing the token for a map lookup, which every request's new string needs.
   */
  private last: Verified | null = null;

  constructor(config: AppConfig) {
    this.key = config.jwt.algorithm === 'HS256' ? createSecretKey(Buffer.from(config.jwt.verifyKey)) : createPublicKey(config.jwt.verifyKey);
    this.options = { algorithms: [config.jwt.algorithm], issuer: config.jwt.issuer, audience: config.jwt.audience };
  }

  /** The actor of an `Authorization: Bearer <jwt>` header, or null when missing or not acceptable. */
  actorOf(authorization: string | undefined, now = Date.now()): Actor | null {
    if (!authorization || !authorization.startsWith('Bearer ')) return null;
    const token = authorization.slice(7);
    const last = this.last;
    if (last !== null && last.token === token && last.expiresAt > now) return last.actor;
    const known = this.verified.get(token);
    if (known) {
      if (known.expiresAt > now) {
        this.last = known;
        return known.actor;
      }
      this.verified.delete(token);
      if (this.last === known) this.last = null;
      return null;
    }
    let payload: Record<string, unknown>;
    try {
      payload = jwt.verify(token, this.key, { ...this.options, clockTimestamp: Math.floor(now / 1000) }) as Record<string, unknown>;
    } catch {
      return null;
    }
    const actor = actorOf(payload);
    if (!actor) return null;
    if (this.verified.size >= CACHE_LIMIT) this.verified.clear();
    const verified = { token, actor, expiresAt: (payload.exp as number) * 1000 };
    this.verified.set(token, verified);
    this.last = verified;
    return actor;
  }
}
