import { parseAddressList, parseCidr, unionAddressLists } from './cidr';

describe('parseCidr', () => {
  it.each([
    ['10.0.0.0/8', 0x0a000000, 0x0affffff],
    ['2.27.224.0/22', 0x021be000, 0x021be3ff],
    ['1.2.3.4', 0x01020304, 0x01020304],
    ['1.2.3.4/32', 0x01020304, 0x01020304],
    ['1.2.3.4/24', 0x01020300, 0x010203ff], // bits past the prefix are ignored
    ['0.0.0.0/0', 0, 0xffffffff],
    ['::ffff:10.1.2.3/104', 0x0a000000, 0x0affffff], // an IPv4-mapped network is the IPv4 network
  ])('reads %s as an IPv4 range', (text, start, end) => {
    expect(parseCidr(text)).toEqual({ family: 4, start, end });
  });

  it.each([
    ['2001:db8::/32', 0x20010db8n << 96n, (0x20010db8n << 96n) | ((1n << 96n) - 1n)],
    ['::1', 1n, 1n],
    ['fc00::/7', 0xfcn << 120n, (0xfdn << 120n) | ((1n << 120n) - 1n)],
    ['::/0', 0n, (1n << 128n) - 1n],
  ])('reads %s as an IPv6 range', (text, start, end) => {
    expect(parseCidr(text)).toEqual({ family: 6, start, end });
  });

  it.each(['', '/8', '10.0.0.0/', '10.0.0.0/33', '10.0.0.0/-1', '10.0.0.0/8/8', '10.0.0/8', '::/129', '10.0.0.0/0008', 'abc/8', '10.0.0.0 /8'])('refuses %j', (text) => {
    expect(parseCidr(text)).toBeNull();
  });
});

describe('parseAddressList', () => {
  const text = ['# VPN networks', '', '1.2.3.0/24', '  5.6.7.8  ', '2001:db8::/32 # documentation', 'not-a-network', '10.0.0.0/33', '1.2.3.128/25\r', ''].join('\n');

  it('reads networks by family and counts the lines it could not use', () => {
    const list = parseAddressList(text, { networks: true });
    expect(list.lines).toBe(4);
    expect(list.skipped).toBe(2);
    expect(list.ipv4.length).toBe(3);
    expect(list.ipv6.length).toBe(1);
  });

  it('takes single addresses only for a Tor exit list', () => {
    const list = parseAddressList(text, { networks: false });
    expect(list.lines).toBe(1);
    expect(list.skipped).toBe(5);
    expect(list.ipv4.starts[0]).toBe(0x05060708);
  });

  it('merges lists into sorted, disjoint ranges', () => {
    const union = unionAddressLists([parseAddressList(text, { networks: true }), parseAddressList('1.2.4.0/24\n5.6.7.8/32', { networks: true })]);
    expect([...union.ipv4.starts.subarray(0, union.ipv4.length)]).toEqual([0x01020300, 0x05060708]);
    expect([...union.ipv4.ends.subarray(0, union.ipv4.length)]).toEqual([0x010204ff, 0x05060708]);
    expect(union.ipv6.length).toBe(1);
  });
});
