import { isIP } from 'node:net';

export const MAX_ENDPOINT_URL_LENGTH = 2000;

/** Host names and addresses of this machine or a private network: never a partner's public endpoint. */
export function isInternalHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.internal') || host.endsWith('.local')) return true;
  const version = isIP(host);
  if (version === 4) {
    const [a, b] = host.split('.').map(Number);
    return a === 0 || a === 10 || a === 127 || (a === 100 && b >= 64 && b <= 127) || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || a >= 224;
  }
  if (version === 6) return host === '::' || host === '::1' || /^f[cd]/.test(host) || /^fe[89ab]/.test(host) || host.startsWith('::ffff:');
  return false;
}

/**
 * Why a partner may not register this URL, or null when it may: HTTPS to a public host only, no
 * credentials or fragment in it. `allowedHosts` (configuration, e.g. 127.0.0.1 for tests) may also be
 * reached over plain HTTP and may be internal.
 */
export function endpointUrlProblem(value: string, allowedHosts: readonly string[]): string | null {
  if (value.length > MAX_ENDPOINT_URL_LENGTH) return `must be at most ${MAX_ENDPOINT_URL_LENGTH} characters`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute URL such as https://hooks.example.com/model-access';
  }
  const allowListed = allowedHosts.includes(url.hostname.replace(/^\[|\]$/g, '').toLowerCase());
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && allowListed)) return 'must use https://';
  if (url.username || url.password) return 'must not contain a user name or password';
  if (url.hash) return 'must not contain a fragment (#...)';
  if (!allowListed && isInternalHost(url.hostname)) return 'must name a public host, not a private or loopback address';
  return null;
}
