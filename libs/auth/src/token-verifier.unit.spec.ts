import { loadConfig } from '@app/config';
import { Role } from './roles';
import { TokenVerifier } from './token-verifier';
import { signToken } from './tokens';

describe('TokenVerifier', () => {
  const config = loadConfig({ NODE_ENV: 'test', JWT_SECRET: 'a'.repeat(64) });
  const sign = (sub: string, role: Role, expiresInSeconds = 600, key = config.jwt.secret!) =>
    signToken({ sub, role }, { algorithm: 'HS256', key, issuer: config.jwt.issuer, audience: config.jwt.audience, expiresInSeconds });

  it('answers the actor of each token, whichever was verified last', () => {
    const verifier = new TokenVerifier(config);
    const gateway = sign('gateway', Role.Service);
    const auditor = sign('audit-bot', Role.Auditor);
    for (let round = 0; round < 3; round++) {
      expect(verifier.actorOf(`Bearer ${gateway}`)).toEqual({ id: 'gateway', role: Role.Service, partnerId: null });
      expect(verifier.actorOf(`Bearer ${gateway}`)).toEqual({ id: 'gateway', role: Role.Service, partnerId: null });
      expect(verifier.actorOf(`Bearer ${auditor}`)).toEqual({ id: 'audit-bot', role: Role.Auditor, partnerId: null });
    }
  });

  it('refuses a remembered token once it expires, even the one verified last', () => {
    const verifier = new TokenVerifier(config);
    const token = sign('gateway', Role.Service, 60);
    const issuedAt = Date.now();
    expect(verifier.actorOf(`Bearer ${token}`, issuedAt)).not.toBeNull();
    expect(verifier.actorOf(`Bearer ${token}`, issuedAt + 30_000)).not.toBeNull();
    expect(verifier.actorOf(`Bearer ${token}`, issuedAt + 61_000)).toBeNull();
    expect(verifier.actorOf(`Bearer ${token}`, issuedAt + 61_000)).toBeNull();
  });

  it('refuses a token signed with another key, a malformed one and a missing one, also right after a good one', () => {
    const verifier = new TokenVerifier(config);
    const good = sign('gateway', Role.Service);
    expect(verifier.actorOf(`Bearer ${good}`)).not.toBeNull();
    expect(verifier.actorOf(`Bearer ${sign('gateway', Role.Service, 600, 'b'.repeat(64))}`)).toBeNull();
    expect(verifier.actorOf(`Bearer ${good}x`)).toBeNull();
    expect(verifier.actorOf(`Bearer ${good.slice(0, -1)}`)).toBeNull();
    expect(verifier.actorOf(good)).toBeNull();
    expect(verifier.actorOf(undefined)).toBeNull();
  });
});
