import { BlockList, isIP } from 'node:net';

/** The set of proxies whose forwarding headers are believed: addresses or CIDR blocks. */
export function trustedProxies(entries: string[]): BlockList | null {
  if (entries.length === 0) return null;
  const list = new BlockList();
  for (const entry of entries) {
    const [address, bits] = entry.split('/');
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(address, family);
    else list.addSubnet(address, Number(bits), family);
  }
  return list;
}

function isTrusted(list: BlockList, address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  return list.check(address, family === 6 ? 'ipv6' : 'ipv4');
}

function stripMappedV4(address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

/**
 * The client's address. Forwarding headers count only when the immediate peer is a trusted
 * proxy; then X-Forwarded-For is walked from the right past every trusted hop (anything left of
 * the first untrusted hop could be written by the client), with X-Real-IP as the fallback.
 */
export function clientAddress(peer: string | undefined, headers: Record<string, string | string[] | undefined>, trusted: BlockList | null): string | undefined {
  const immediate = peer ? stripMappedV4(peer) : undefined;
  // No proxy configured: the peer is the client, and no list needs checking on the hot path.
  if (!immediate || trusted === null || !isTrusted(trusted, immediate)) return immediate;
  const forwarded = headers['x-forwarded-for'];
  const hops = (Array.isArray(forwarded) ? forwarded.join(',') : forwarded ?? '')
    .split(',')
    .map((hop) => stripMappedV4(hop.trim()))
    .filter((hop) => isIP(hop) !== 0);
  for (let i = hops.length - 1; i >= 0; i--) {
    if (!isTrusted(trusted, hops[i])) return hops[i];
  }
  const realIp = headers['x-real-ip'];
  if (typeof realIp === 'string' && isIP(realIp.trim()) !== 0) return stripMappedV4(realIp.trim());
  return hops[0] ?? immediate;
}
