import { clientAddress, trustedProxies } from './client-address';

describe('clientAddress', () => {
  const trusted = trustedProxies(['10.0.0.0/8', '127.0.0.1', '::1']);

  it('ignores forwarding headers from a peer that is not a trusted proxy (a spoofed X-Forwarded-For)', () => {
    expect(clientAddress('203.0.113.9', { 'x-forwarded-for': '8.8.8.8' }, trusted)).toBe('203.0.113.9');
    expect(clientAddress('203.0.113.9', { 'x-real-ip': '8.8.8.8' }, trusted)).toBe('203.0.113.9');
  });

  it('believes a trusted proxy, walking X-Forwarded-For from the right past trusted hops', () => {
    expect(clientAddress('10.1.2.3', { 'x-forwarded-for': '198.51.100.7' }, trusted)).toBe('198.51.100.7');
    // The client may have written the leftmost entry itself: the first untrusted hop from the right wins.
    expect(clientAddress('10.1.2.3', { 'x-forwarded-for': '1.2.3.4, 198.51.100.7, 10.9.9.9' }, trusted)).toBe('198.51.100.7');
    expect(clientAddress('::ffff:127.0.0.1', { 'x-forwarded-for': '198.51.100.7' }, trusted)).toBe('198.51.100.7');
  });

  it('falls back to X-Real-IP, then to the peer, and survives garbage', () => {
    expect(clientAddress('10.1.2.3', { 'x-real-ip': '198.51.100.8' }, trusted)).toBe('198.51.100.8');
    expect(clientAddress('10.1.2.3', { 'x-forwarded-for': 'not-an-ip, also bad' }, trusted)).toBe('10.1.2.3');
    expect(clientAddress(undefined, {}, trusted)).toBeUndefined();
    expect(clientAddress('10.1.2.3', { 'x-forwarded-for': ['198.51.100.1', '198.51.100.2'] }, trusted)).toBe('198.51.100.2');
  });

  it('trusts nobody by default', () => {
    expect(clientAddress('127.0.0.1', { 'x-forwarded-for': '8.8.8.8' }, trustedProxies([]))).toBe('127.0.0.1');
  });
});
