import { createPublicKey, createSecretKey } from 'node:crypto';
import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { APP_CONFIG, AppConfig } from '@app/config';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { Actor, isRole, PARTNER_ROLES } from './roles';

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
    const { sub, role, partnerId, exp } = payload;
    if (typeof exp !== 'number') throw new UnauthorizedException('Token must expire (exp claim).');
    if (typeof sub !== 'string' || !sub || !isRole(role)) throw new UnauthorizedException('Token lacks a subject or a known role.');
    const isPartner = PARTNER_ROLES.includes(role);
    if (isPartner && (typeof partnerId !== 'string' || !partnerId)) {
      throw new UnauthorizedException('Partner tokens must carry a partnerId.');
    }
    return { id: sub, role, partnerId: isPartner ? (partnerId as string) : null };
  }
}
