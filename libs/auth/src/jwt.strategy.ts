import { createPublicKey, createSecretKey } from 'node:crypto';
import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { APP_CONFIG, AppConfig } from '@app/config';
import { ExtractJwt, Strategy } from 'passport-jwt';
import type { Actor } from './roles';
import { actorOf } from './token-verifier';

/** Verifies bearer tokens: HS256 with a secret (development, tests) or RS256 with the IdP's public key. */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      // A key object built once: given a string, jsonwebtoken tries it as a PEM public key on every
      // verify first (about half a millisecond per request measured on this hot path).
      secretOrKey: (config.jwt.algorithm === 'HS256' ? createSecretKey(Buffer.from(config.jwt.verifyKey)) : createPublicKey(config.jwt.verifyKey)) as unknown as string,
      algorithms: [config.jwt.algorithm],
      issuer: config.jwt.issuer,
      audience: config.jwt.audience,
      ignoreExpiration: false,
    });
  }

  validate(payload: Record<string, unknown>): Actor {
    const actor = actorOf(payload);
    if (!actor) throw new UnauthorizedException('Token lacks an expiry, a subject, a known role, or (for partner roles) a partnerId.');
    return actor;
  }
}
