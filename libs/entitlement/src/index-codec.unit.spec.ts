import { isDeepStrictEqual } from 'node:util';
import { eventMix } from '../../../test/support/event-mix';
import { CheckRequest, decide } from './decide';
import { EntitlementIndex, IndexState } from './entitlement-index';
import { encodeIndexState, encodeIndexStateInSteps, IndexCodecError, IndexStateDecoder } from './index-codec';

let position = 1_000_000;
const apply = (index: EntitlementIndex, type: string, data: unknown) => index.apply({ type, data, globalPosition: ++position });

/** An index built from a realistic mix of every kind of event the index folds. */
function indexOf(total: number, seed = 7): { index: EntitlementIndex; rest: { type: string; data: unknown; globalPosition: number }[] } {
  const events = [...eventMix(total, { seed, concurrentPartners: 60 })].flat().map((e, i) => ({ type: e.type, data: e.data, globalPosition: i + 1 }));
  const cut = Math.floor(events.length * 0.8);
  const index = new EntitlementIndex();
  for (const event of events.slice(0, cut)) index.apply(event);
  // The mix scopes directives by model only; one by family, later lifted, covers the rest of the index.
  apply(index, 'DirectiveIssued', {
    directiveId: 'dir-family',
    authority: 'BIS',
    reference: 'IFR 2026-7',
    title: 'Family-wide rule',
    issuedAt: '2026-06-10T00:00:00Z',
    effectiveAt: '2026-06-12T00:00:00Z',
    expiresAt: null,
    scope: { modelIds: [], families: ['mythos'] },
    restrictions: { foreignNationals: { allowedNationalities: ['us'], allowPermanentResidents: true }, forbiddenDestinations: ['cn'] },
    exemptWithGovernmentApproval: true,
  });
  apply(index, 'DirectiveLifted', { directiveId: 'dir-family', liftedAt: '2026-06-30T00:00:00Z', reason: 'superseded' });
  return { index, rest: events.slice(cut) };
}

function decode(shards: string[]): IndexState {
  const decoder = new IndexStateDecoder();
  for (const shard of shards) decoder.add(shard);
  return decoder.finish();
}


describe('index snapshot encoding', () => {
  const { index, rest } = indexOf(12_000);

  it('covers every table of the index (the fixture is not empty anywhere)', () => {
    const state = index.state();
    for (const [name, map] of Object.entries(state)) if (map instanceof Map) expect([name, map.size > 0]).toEqual([name, true]);
    const users = [...state.facts.values()].flatMap((f) => [...f.users.values()]);
    expect(users.some((u) => u.kyc?.identity && u.kyc.identity.citizenships.length > 0)).toBe(true);
    expect([...state.licenses.values()].some((l) => l.validUntil === Infinity)).toBe(true);
    expect([...state.directives.values()].some((d) => d.liftedAt !== Infinity || d.expiresAt !== Infinity)).toBe(true);
  });

  it('reads back a state equal to the one written, in many shards', () => {
    const shards = encodeIndexState(index.state(), 50);
    expect(shards.length).toBeGreaterThan(20);
    const tables = new Set(shards.map((s) => (JSON.parse(s) as [string])[0]));
    expect([...tables].sort()).toEqual(['approval', 'credential', 'credentialHash', 'directive', 'directivesBy', 'facts', 'kyc', 'license', 'meta', 'model', 'partner', 'screening']);
    expect(isDeepStrictEqual(decode(shards), index.state())).toBe(true);
  });

  it('written a step at a time, gives the very shards of the synchronous encoding', async () => {
    const pause = () => Promise.resolve();
    for (const shardRows of [50, 25_000]) {
      const stepwise = await encodeIndexStateInSteps(index.state(), pause, { shardRows, stepRows: 70 });
      expect(stepwise).toEqual(encodeIndexState(index.state(), shardRows));
    }
  });

  it('pauses after each step of work: other tasks of the process run while a large index is written', async () => {
    const state = index.state();
    const users = [...state.facts.values()].reduce((sum, f) => sum + f.users.size, 0);
    let pauses = 0;
    let othersRan = 0;
    const ticker = setInterval(() => othersRan++, 0);
    try {
      await encodeIndexStateInSteps(
        state,
        () => {
          pauses++;
          return new Promise<void>((resolve) => setImmediate(resolve));
        },
        { stepRows: 100 },
      );
    } finally {
      clearInterval(ticker);
    }
    // Each user is checked, numbered and written out: three passes of at least one pause per 100 users.
    expect(users).toBeGreaterThan(1000);
    expect(pauses).toBeGreaterThanOrEqual(Math.floor((3 * users) / 100));
    expect(othersRan).toBeGreaterThan(0);
    // The synchronous encoding never pauses: nothing else runs while it writes.
    let ranDuring = 0;
    const during = setImmediate(() => ranDuring++);
    encodeIndexState(state);
    expect(ranDuring).toBe(0);
    clearImmediate(during);
  });

  it('keeps the sharing between maps, so that later events change every place an object is seen', () => {
    const state = decode(encodeIndexState(index.state()));
    for (const facts of state.facts.values()) {
      for (const list of facts.licensesByTarget.values()) for (const license of list) expect(state.licenses.get(license.licenseId)).toBe(license);
      for (const list of facts.approvalsByTarget.values()) for (const approval of list) expect(state.governmentApprovals.get(approval.approvalId)).toBe(approval);
      for (const user of facts.users.values()) {
        if (user.kyc) expect(state.kycCases.get(user.kyc.caseId)).toBe(user.kyc);
        if (user.screening) expect(state.screenings.get(user.screening.screeningId)).toBe(user.screening);
      }
    }
    for (const list of state.directivesByModel.values()) for (const directive of list) expect(state.directives.get(directive.directiveId)).toBe(directive);
  });

  it('an index continued from a decoded state agrees with one that never stopped, event by event and check by check', () => {
    const { index: original, rest: after } = indexOf(12_000, 11);
    const continued = new EntitlementIndex(original.geoPolicy, decode(encodeIndexState(original.state(), 200)));
    for (const event of after) {
      original.apply(event);
      continued.apply(event);
    }
    expect(isDeepStrictEqual(continued.state(), original.state())).toBe(true);
    // And the decisions: every partner, for every model it is licensed for and one more, for some of its users and none.
    const now = Date.parse('2026-06-20T00:00:00Z');
    const outcomes = new Set<string>();
    for (const [partnerId, facts] of original.facts) {
      for (const model of [...facts.licensesByTarget.keys(), 'mythos-5']) {
        for (const userId of [...facts.users.keys()].slice(0, 3).concat([undefined as unknown as string])) {
          const request: CheckRequest = { partnerId, model, userId, clientIp: '8.8.8.8', country: 'US', anonymizer: null };
          const decision = decide(original, request, now);
          expect(decide(continued, request, now)).toEqual(decision);
          outcomes.add(decision.allow ? 'allow' : decision.reasons.join(','));
        }
      }
    }
    expect(outcomes.has('allow')).toBe(true);
    expect(outcomes.size).toBeGreaterThan(3);
  });

  it('keeps objects only reachable from elsewhere: a KYC case id opened again for another subject', () => {
    const fresh = new EntitlementIndex();
    apply(fresh, 'ApplicationSubmitted', { partnerId: 'p1' });
    apply(fresh, 'KycCaseOpened', { caseId: 'k1', partnerId: 'p1', subject: { kind: 'user', userId: 'u1' } });
    apply(fresh, 'KycVerified', { caseId: 'k1', partnerId: 'p1', subject: { kind: 'user', userId: 'u1' }, identity: { citizenships: [{ country: 'de', from: null, until: '2030-01-01T00:00:00Z' }], permanentResidencies: [], usPerson: false } });
    apply(fresh, 'KycCaseOpened', { caseId: 'k1', partnerId: 'p1', subject: { kind: 'user', userId: 'u2' } });
    const u1 = fresh.facts.get('p1')!.users.get('u1')!;
    expect(fresh.kycCases.get('k1')).not.toBe(u1.kyc);

    const state = decode(encodeIndexState(fresh.state()));
    expect(isDeepStrictEqual(state, fresh.state())).toBe(true);
    const decodedU1 = state.facts.get('p1')!.users.get('u1')!;
    expect(decodedU1.kyc).toMatchObject({ caseId: 'k1', userId: 'u1', status: 'verified' });
    expect(state.kycCases.get('k1')).toMatchObject({ userId: 'u2', status: 'started' });
    expect(decodedU1.kyc!.identity!.citizenships[0]).toEqual({ country: 'DE', from: -Infinity, until: Date.parse('2030-01-01T00:00:00Z') });
  });

  it('refuses to write an entry filed under a key other than its id', () => {
    const fresh = new EntitlementIndex();
    apply(fresh, 'ApplicationSubmitted', { partnerId: 'p1' });
    fresh.partners.set('p2', fresh.partners.get('p1')!);
    expect(() => encodeIndexState(fresh.state())).toThrow(IndexCodecError);
  });

  it('refuses damaged or incomplete shards instead of building a wrong index', () => {
    const shards = encodeIndexState(index.state(), 50);
    const refuse = (bad: string[]) => expect(() => decode(bad)).toThrow();
    refuse(shards.slice(1)); // no header
    refuse([]); // nothing
    refuse([shards[0], ...shards.slice(2)]); // a KYC shard missing: the header's count is not met, or a reference dangles
    refuse([...shards.slice(0, -1), shards[shards.length - 1].slice(0, -5)]); // truncated JSON
    refuse([shards[0], '["nonsense",[]]']);
    refuse([shards[0], '{"kyc":[]}']);
    const kycShard = shards.findIndex((s) => s.startsWith('["kyc"'));
    const factsShard = shards.findIndex((s) => s.startsWith('["facts"'));
    // A facts shard pointing past the KYC table.
    const facts = JSON.parse(shards[factsShard]) as [string, unknown[][]];
    facts[1][0][1] = 10_000_000;
    refuse([...shards.slice(0, factsShard), JSON.stringify(facts), ...shards.slice(factsShard + 1)]);
    expect(kycShard).toBeGreaterThan(0);
    // A time that is neither a number nor an open end.
    const licenseShard = shards.findIndex((s) => s.startsWith('["license"'));
    const licenses = JSON.parse(shards[licenseShard]) as [string, unknown[][]];
    licenses[1][0][3] = 'soon';
    refuse([...shards.slice(0, licenseShard), JSON.stringify(licenses), ...shards.slice(licenseShard + 1)]);
  });

  it('an empty index round-trips', () => {
    const empty = new EntitlementIndex();
    expect(isDeepStrictEqual(decode(encodeIndexState(empty.state())), empty.state())).toBe(true);
  });
});
