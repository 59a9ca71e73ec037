import jwt from 'jsonwebtoken';
import type { Role } from './roles';

export interface TokenClaims {
  sub: string;
  role: Role;
  partnerId?: string;
}

export interface SigningOptions {
  algorithm: 'HS256' | 'RS256';
  /** HS256 secret or RS256 PEM private key. */
  key: string;
  issuer: string;
  audience: string;
  expiresInSeconds?: number;
}

/** Mints a token the apps accept; used by `npm run token` and by tests. */
export function signToken(claims: TokenClaims, options: SigningOptions): string {
  return jwt.sign({ role: claims.role, ...(claims.partnerId ? { partnerId: claims.partnerId } : {}) }, options.key, {
    algorithm: options.algorithm,
    subject: claims.sub,
    issuer: options.issuer,
    audience: options.audience,
    expiresIn: options.expiresInSeconds ?? 3600,
  });
}
