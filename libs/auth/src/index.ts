export { Actor, ALL_ROLES, isRole, PARTNER_ROLES, Role } from './roles';
export { signToken, SigningOptions, TokenClaims } from './tokens';
export { generateApiCredential, hashApiCredential, IssuedSecret, looksLikeApiCredential } from './api-credentials';
export { accessOf, CurrentActor, JwtAuthGuard, Public, Roles, RolesGuard } from './guards';
export { JwtStrategy } from './jwt.strategy';
export { AuthModule } from './auth.module';
export { actorOf, TokenVerifier } from './token-verifier';
