// Caller geography: IP-to-country from the offline ip-location-db data, VPN / datacenter / Tor
// anonymizer signals from network lists, and non-public address classes. The loader is the only
// I/O; lookups are pure, allocation-free reads of in-memory tables.

export { COUNTRY_DATA_PACKAGE, loadGeoData } from './geo-data.loader';
export type { LoadGeoDataOptions } from './geo-data.loader';
export { buildGeoData, UNPARSABLE_IP } from './geo-data';
export type { Anonymizer, GeoData, GeoDataSources, GeoDataStats, GeoDataVersions, GeoSourceFile, GeoSourceRole, GeoSourceSummary, IpLookup } from './geo-data';
export { lookupIp, lookupIpv4, lookupIpv6 } from './lookup-ip';
export { formatIpv4, parseIpv4, parseIpv6 } from './ip-address';
export { parseAddressList, parseCidr } from './cidr';
export type { AddressRange, ParsedAddressList } from './cidr';
export { NON_PUBLIC_IPV4_NETWORKS, NON_PUBLIC_IPV6_NETWORKS } from './special-purpose-addresses';
