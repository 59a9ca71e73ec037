// Addresses that no public caller can have: private, loopback, link-local, shared (CGNAT),
// documentation, benchmarking, multicast and reserved space. From the IANA IPv4 and IPv6
// Special-Purpose Address Registries (entries not globally reachable) and the IPv6 address space
// registry. A lookup answers these with `private: true` and no country, whatever the lists say.

export const NON_PUBLIC_IPV4_NETWORKS: readonly string[] = [
  '0.0.0.0/8', // "this network" (RFC 791)
  '10.0.0.0/8', // private (RFC 1918)
  '100.64.0.0/10', // shared address space, carrier-grade NAT (RFC 6598)
  '127.0.0.0/8', // loopback (RFC 1122)
  '169.254.0.0/16', // link-local (RFC 3927)
  '172.16.0.0/12', // private (RFC 1918)
  '192.0.0.0/24', // IETF protocol assignments (RFC 6890)
  '192.0.2.0/24', // documentation, TEST-NET-1 (RFC 5737)
  '192.88.99.0/24', // deprecated 6to4 relay anycast (RFC 7526)
  '192.168.0.0/16', // private (RFC 1918)
  '198.18.0.0/15', // benchmarking (RFC 2544)
  '198.51.100.0/24', // documentation, TEST-NET-2 (RFC 5737)
  '203.0.113.0/24', // documentation, TEST-NET-3 (RFC 5737)
  '224.0.0.0/4', // multicast (RFC 5771)
  '240.0.0.0/4', // reserved, and the limited broadcast address (RFC 1112, RFC 919)
];

/**
 * IPv4-mapped addresses (::ffff:0:0/96) and the NAT64 well-known prefix (64:ff9b::/96) never reach
 * this table: the lookup answers them as the IPv4 address they carry.
 */
export const NON_PUBLIC_IPV6_NETWORKS: readonly string[] = [
  // Everything outside 2000::/3 (global unicast): unspecified, loopback, IPv4-compatible, local-use
  // NAT64 (64:ff9b:1::/48), discard-only (100::/64), SRv6 SIDs (5f00::/16), unique local (fc00::/7),
  // link-local (fe80::/10), site-local (fec0::/10), multicast (ff00::/8), and unassigned space.
  '::/3',
  '4000::/2',
  '8000::/1',
  '2001:2::/48', // benchmarking (RFC 5180)
  '2001:10::/28', // deprecated ORCHID (RFC 4843)
  '2001:db8::/32', // documentation (RFC 3849)
  '3fff::/20', // documentation (RFC 9637)
];
