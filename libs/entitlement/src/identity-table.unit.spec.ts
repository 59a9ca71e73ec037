import { EntitlementIndex, IdentityTable, IndexedUser } from './entitlement-index';
import { encodeIndexState, IndexStateDecoder } from './index-codec';

let position = 0;
const US = { country: 'us', from: null, until: null };
const GB_SINCE_2020 = { country: 'GB', from: '2020-01-01T00:00:00Z', until: null };

function verify(index: EntitlementIndex, userId: string, identity: { citizenships: unknown[]; permanentResidencies: unknown[]; usPerson: boolean }): void {
  index.apply({
    type: 'KycVerified',
    data: { caseId: `kyc-${userId}-${position}`, partnerId: 'p-1', subject: { kind: 'user', userId }, identity, evidence: {}, reviewedBy: null },
    globalPosition: ++position,
  });
}

const userOf = (index: EntitlementIndex, userId: string): IndexedUser => index.facts.get('p-1')!.users.get(userId)!;

describe('identities in the index', () => {
  it('are one shared object per distinct identity, built from separate events', () => {
    const index = new EntitlementIndex();
    verify(index, 'u-1', { citizenships: [{ ...US }], permanentResidencies: [], usPerson: true });
    verify(index, 'u-2', { citizenships: [{ ...US }], permanentResidencies: [], usPerson: true });
    verify(index, 'u-3', { citizenships: [{ ...US }, { ...GB_SINCE_2020 }], permanentResidencies: [], usPerson: true });
    verify(index, 'u-4', { citizenships: [{ ...US }], permanentResidencies: [], usPerson: false });
    const [a, b, c, d] = ['u-1', 'u-2', 'u-3', 'u-4'].map((u) => userOf(index, u).kyc!.identity!);
    expect(a).toBe(b);
    expect(new Set([a, c, d]).size).toBe(3);
    expect(c.citizenships).toEqual([
      { country: 'US', from: -Infinity, until: Infinity },
      { country: 'GB', from: Date.parse('2020-01-01T00:00:00Z'), until: Infinity },
    ]);
  });

  it('are replaced, never changed in place: a re-verification of one user leaves the others sharing the old identity as they were', () => {
    const index = new EntitlementIndex();
    verify(index, 'u-1', { citizenships: [{ ...US }], permanentResidencies: [], usPerson: true });
    verify(index, 'u-2', { citizenships: [{ ...US }], permanentResidencies: [], usPerson: true });
    const shared = userOf(index, 'u-2').kyc!.identity!;
    verify(index, 'u-1', { citizenships: [{ country: 'CN', from: null, until: null }], permanentResidencies: [], usPerson: false });
    expect(userOf(index, 'u-1').kyc!.identity).toEqual({ citizenships: [{ country: 'CN', from: -Infinity, until: Infinity }], permanentResidencies: [], usPerson: false });
    expect(userOf(index, 'u-2').kyc!.identity).toBe(shared);
    expect(shared).toEqual({ citizenships: [{ country: 'US', from: -Infinity, until: Infinity }], permanentResidencies: [], usPerson: true });
  });

  it('are shared again when read back from a snapshot', () => {
    const index = new EntitlementIndex();
    for (let k = 0; k < 6; k++) verify(index, `u-${k}`, { citizenships: [{ ...(k % 2 ? US : GB_SINCE_2020) }], permanentResidencies: [], usPerson: k % 2 === 1 });
    const decoder = new IndexStateDecoder();
    for (const shard of encodeIndexState(index.state())) decoder.add(shard);
    const read = new EntitlementIndex(undefined, decoder.finish());
    const identities = [0, 1, 2, 3, 4, 5].map((k) => userOf(read, `u-${k}`).kyc!.identity!);
    expect(new Set(identities).size).toBe(2);
    expect(identities[1]).toBe(identities[3]);
    expect(identities).toEqual([0, 1, 2, 3, 4, 5].map((k) => userOf(index, `u-${k}`).kyc!.identity));
  });

  it('stop being shared beyond the table\'s capacity, and read the same', () => {
    const table = new IdentityTable(2);
    const dated = (country: string) => [{ country, from: -Infinity, until: Infinity }];
    const us = table.identity(dated('US'), [], true);
    table.identity(dated('GB'), [], false);
    const first = table.identity(dated('FR'), [], false);
    const second = table.identity(dated('FR'), [], false);
    expect(table.size).toBe(2);
    expect(first).not.toBe(second);
    expect(first).toEqual(second);
    expect(table.identity(dated('US'), [], true)).toBe(us);
  });

  it('tell dates, residencies and the US-person flag apart', () => {
    const table = new IdentityTable();
    const us = [{ country: 'US', from: -Infinity, until: Infinity }];
    const seen = new Set([
      table.identity(us, [], true),
      table.identity(us, [], false),
      table.identity([], us, true),
      table.identity([{ country: 'US', from: 0, until: Infinity }], [], true),
      table.identity([{ country: 'US', from: -Infinity, until: 0 }], [], true),
    ]);
    expect(seen.size).toBe(5);
  });
});
