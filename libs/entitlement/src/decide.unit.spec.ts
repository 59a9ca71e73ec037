import type { AnyDomainEvent } from '@app/domain';
import { CheckRequest, Decision, decide } from './decide';
import { EntitlementIndex } from './entitlement-index';
import { ReasonCode } from './reason-codes';

const {
  UNKNOWN_CREDENTIAL,
  PARTNER_NOT_APPROVED,
  UNKNOWN_MODEL,
  MODEL_SUSPENDED,
  MODEL_RETIRED,
  NO_LICENSE,
  LICENSE_NOT_YET_VALID,
  LICENSE_EXPIRED,
  LICENSE_REVOKED,
} = ReasonCode;

// ---- event builders --------------------------------------------------------------------------

const submitted = (partnerId: string): AnyDomainEvent => ({
  type: 'ApplicationSubmitted',
  data: {
    partnerId,
    legalName: `${partnerId} Ltd`,
    registrationNumber: `REG-${partnerId}`,
    countryOfIncorporation: 'DE',
    addresses: ['1 Example Street'],
    beneficialOwners: [{ name: 'Owner', nationality: 'DE', ownershipPercent: 100 }],
    intendedUse: 'testing',
    requestedModels: [],
  },
});
const approved = (partnerId: string): AnyDomainEvent => ({ type: 'ApplicationApproved', data: { partnerId, reason: 'ok' } });
const rejected = (partnerId: string): AnyDomainEvent => ({ type: 'ApplicationRejected', data: { partnerId, reason: 'no' } });

const registered = (modelId: string, family = modelId): AnyDomainEvent => ({
  type: 'ModelRegistered',
  data: { modelId, family, provider: 'Anthropic', name: modelId, version: '1', classification: '4E091', openWeights: false },
});
const suspended = (modelId: string): AnyDomainEvent => ({ type: 'ModelSuspended', data: { modelId, reason: 'directive', directiveId: 'dir-1' } });
const reinstated = (modelId: string): AnyDomainEvent => ({ type: 'ModelReinstated', data: { modelId, reason: 'lifted' } });
const retired = (modelId: string): AnyDomainEvent => ({ type: 'ModelRetired', data: { modelId, reason: 'eol' } });

const FROM = '2026-01-01T00:00:00.000Z';
const UNTIL = '2027-01-01T00:00:00.000Z';
const NOW = Date.parse('2026-06-01T12:00:00.000Z');

const granted = (licenseId: string, partnerId: string, modelId: string, validFrom = FROM, validUntil: string | null = UNTIL): AnyDomainEvent => ({
  type: 'LicenseGranted',
  data: { licenseId, partnerId, modelId, validFrom, validUntil, grantedBy: 'officer-1' },
});
const licenseRevoked = (licenseId: string, partnerId: string, modelId: string): AnyDomainEvent => ({
  type: 'LicenseRevoked',
  data: { licenseId, partnerId, modelId, reason: 'breach' },
});

const hashOf = (credentialId: string) => `sha256-of-${credentialId}`;
const issued = (credentialId: string, partnerId: string): AnyDomainEvent => ({
  type: 'CredentialIssued',
  data: { credentialId, partnerId, label: credentialId, secretHash: hashOf(credentialId), prefix: credentialId.slice(0, 8) },
});
const credentialRevoked = (credentialId: string, partnerId: string): AnyDomainEvent => ({
  type: 'CredentialRevoked',
  data: { credentialId, partnerId, reason: 'rotated' },
});

/** Applies the events in order at positions 1, 2, 3... as the live tail would. */
function indexOf(events: AnyDomainEvent[]): EntitlementIndex {
  const index = new EntitlementIndex();
  events.forEach((event, i) => index.apply({ type: event.type, data: event.data, globalPosition: i + 1 }));
  return index;
}

/** The world most cases start from: acme is approved, holds cred-acme and lic-1 on mythos-5 (family mythos). */
const world: AnyDomainEvent[] = [
  registered('mythos-5', 'mythos'),
  registered('mythos-6', 'mythos'),
  registered('haiku-3', 'haiku'),
  submitted('acme'),
  approved('acme'),
  issued('cred-acme', 'acme'),
  granted('lic-1', 'acme', 'mythos-5'),
];

const byCredential = (credentialId: string, model = 'mythos-5'): CheckRequest => ({ credentialHash: hashOf(credentialId), model });
const byPartner = (partnerId: string, model = 'mythos-5'): CheckRequest => ({ partnerId, model });

interface Case {
  name: string;
  events?: AnyDomainEvent[];
  request: CheckRequest;
  now?: number;
  reasons: ReasonCode[];
  partnerId?: string | null;
  licenseId?: string | null;
}

const cases: Case[] = [
  // allow
  {
    name: 'allows an approved partner by credential with a valid license',
    request: byCredential('cred-acme'),
    reasons: [],
    partnerId: 'acme',
    licenseId: 'lic-1',
  },
  {
    name: 'allows an approved partner given by id with a valid license',
    request: byPartner('acme'),
    reasons: [],
    partnerId: 'acme',
    licenseId: 'lic-1',
  },
  { name: 'allows at the first instant of the window', request: byPartner('acme'), now: Date.parse(FROM), reasons: [], licenseId: 'lic-1' },
  { name: 'allows at the last millisecond of the window', request: byPartner('acme'), now: Date.parse(UNTIL) - 1, reasons: [], licenseId: 'lic-1' },
  {
    name: 'allows an open-ended license far in the future',
    events: [granted('lic-open', 'acme', 'haiku-3', FROM, null)],
    request: byPartner('acme', 'haiku-3'),
    now: Date.parse('2099-01-01T00:00:00.000Z'),
    reasons: [],
    licenseId: 'lic-open',
  },
  { name: 'allows a reinstated model', events: [suspended('mythos-5'), reinstated('mythos-5')], request: byPartner('acme'), reasons: [] },

  // credential
  {
    name: 'UNKNOWN_CREDENTIAL for a hash nobody holds',
    request: { credentialHash: 'nope', model: 'mythos-5' },
    reasons: [UNKNOWN_CREDENTIAL],
    partnerId: null,
    licenseId: null,
  },
  {
    name: 'UNKNOWN_CREDENTIAL for a revoked credential',
    events: [credentialRevoked('cred-acme', 'acme')],
    request: byCredential('cred-acme'),
    reasons: [UNKNOWN_CREDENTIAL],
    partnerId: null,
    licenseId: null,
  },
  {
    name: 'UNKNOWN_CREDENTIAL with neither credential nor partnerId',
    request: { model: 'mythos-5' },
    reasons: [UNKNOWN_CREDENTIAL],
    partnerId: null,
    licenseId: null,
  },
  {
    name: 'a second credential of the partner still works after the first is revoked',
    events: [issued('cred-acme-2', 'acme'), credentialRevoked('cred-acme', 'acme')],
    request: byCredential('cred-acme-2'),
    reasons: [],
    partnerId: 'acme',
  },
  {
    name: 'the credential decides the partner, not a partnerId sent alongside',
    events: [submitted('globex')],
    request: { credentialHash: hashOf('cred-acme'), partnerId: 'globex', model: 'mythos-5' },
    reasons: [],
    partnerId: 'acme',
  },
  {
    name: 'a bad credential is not rescued by a partnerId sent alongside',
    request: { credentialHash: 'nope', partnerId: 'acme', model: 'mythos-5' },
    reasons: [UNKNOWN_CREDENTIAL],
    partnerId: null,
  },

  // partner
  {
    name: 'PARTNER_NOT_APPROVED for an unknown partner (and so no license)',
    request: byPartner('nobody'),
    reasons: [PARTNER_NOT_APPROVED, NO_LICENSE],
    partnerId: 'nobody',
    licenseId: null,
  },
  {
    name: 'PARTNER_NOT_APPROVED for a submitted partner holding a credential',
    events: [submitted('initech'), issued('cred-initech', 'initech')],
    request: byCredential('cred-initech'),
    reasons: [PARTNER_NOT_APPROVED, NO_LICENSE],
    partnerId: 'initech',
  },
  {
    name: 'PARTNER_NOT_APPROVED alone for a submitted partner the index holds a license for',
    events: [submitted('initech'), granted('lic-i', 'initech', 'mythos-5')],
    request: byPartner('initech'),
    reasons: [PARTNER_NOT_APPROVED],
    licenseId: 'lic-i',
  },
  {
    name: 'PARTNER_NOT_APPROVED for a rejected partner',
    events: [submitted('globex'), rejected('globex')],
    request: byPartner('globex'),
    reasons: [PARTNER_NOT_APPROVED, NO_LICENSE],
  },

  // model
  {
    name: 'UNKNOWN_MODEL for a model not in the catalogue (license rule skipped)',
    request: byPartner('acme', 'mythos-9'),
    reasons: [UNKNOWN_MODEL],
    partnerId: 'acme',
    licenseId: null,
  },
  { name: 'UNKNOWN_MODEL for a family name asked as a model', request: byPartner('acme', 'mythos'), reasons: [UNKNOWN_MODEL], licenseId: null },
  {
    name: 'MODEL_SUSPENDED for a suspended model, the license still found',
    events: [suspended('mythos-5')],
    request: byPartner('acme'),
    reasons: [MODEL_SUSPENDED],
    licenseId: 'lic-1',
  },
  {
    name: 'MODEL_RETIRED for a retired model',
    events: [retired('mythos-5')],
    request: byPartner('acme'),
    reasons: [MODEL_RETIRED],
    licenseId: 'lic-1',
  },
  {
    name: 'MODEL_RETIRED for a model retired while suspended',
    events: [suspended('mythos-5'), retired('mythos-5')],
    request: byPartner('acme'),
    reasons: [MODEL_RETIRED],
  },

  // license
  {
    name: 'NO_LICENSE for an approved partner without licenses',
    events: [submitted('globex'), approved('globex')],
    request: byPartner('globex'),
    reasons: [NO_LICENSE],
    partnerId: 'globex',
    licenseId: null,
  },
  { name: 'NO_LICENSE when the licenses are for other models', request: byPartner('acme', 'haiku-3'), reasons: [NO_LICENSE], licenseId: null },
  {
    name: 'NO_LICENSE: a license on one model does not cover its family siblings',
    request: byPartner('acme', 'mythos-6'),
    reasons: [NO_LICENSE],
    licenseId: null,
  },
  {
    name: "NO_LICENSE: another partner's license does not count",
    events: [submitted('globex'), approved('globex'), granted('lic-g', 'globex', 'haiku-3')],
    request: byPartner('acme', 'haiku-3'),
    reasons: [NO_LICENSE],
  },
  {
    name: 'LICENSE_NOT_YET_VALID before validFrom',
    request: byPartner('acme'),
    now: Date.parse(FROM) - 1,
    reasons: [LICENSE_NOT_YET_VALID],
    licenseId: 'lic-1',
  },
  { name: 'LICENSE_EXPIRED at validUntil', request: byPartner('acme'), now: Date.parse(UNTIL), reasons: [LICENSE_EXPIRED], licenseId: 'lic-1' },
  {
    name: 'LICENSE_EXPIRED after validUntil',
    request: byPartner('acme'),
    now: Date.parse('2028-01-01T00:00:00.000Z'),
    reasons: [LICENSE_EXPIRED],
    licenseId: 'lic-1',
  },
  {
    name: 'LICENSE_REVOKED for a revoked license',
    events: [licenseRevoked('lic-1', 'acme', 'mythos-5')],
    request: byPartner('acme'),
    reasons: [LICENSE_REVOKED],
    licenseId: 'lic-1',
  },
  {
    name: 'a revoked license that has also expired reports LICENSE_REVOKED',
    events: [licenseRevoked('lic-1', 'acme', 'mythos-5')],
    request: byPartner('acme'),
    now: Date.parse(UNTIL) + 1,
    reasons: [LICENSE_REVOKED],
  },

  // family
  {
    name: 'a license on the family covers each model of it',
    events: [submitted('globex'), approved('globex'), granted('lic-fam', 'globex', 'mythos')],
    request: byPartner('globex', 'mythos-6'),
    reasons: [],
    licenseId: 'lic-fam',
  },
  {
    name: 'a license on the family does not cover another family',
    events: [submitted('globex'), approved('globex'), granted('lic-fam', 'globex', 'mythos')],
    request: byPartner('globex', 'haiku-3'),
    reasons: [NO_LICENSE],
  },
  {
    name: 'a revoked family license is reported as revoked',
    events: [submitted('globex'), approved('globex'), granted('lic-fam', 'globex', 'mythos'), licenseRevoked('lic-fam', 'globex', 'mythos')],
    request: byPartner('globex', 'mythos-5'),
    reasons: [LICENSE_REVOKED],
    licenseId: 'lic-fam',
  },

  // several licenses for the same model
  {
    name: 'a valid license wins over a revoked one granted earlier',
    events: [licenseRevoked('lic-1', 'acme', 'mythos-5'), granted('lic-2', 'acme', 'mythos-5')],
    request: byPartner('acme'),
    reasons: [],
    licenseId: 'lic-2',
  },
  {
    name: 'a valid license wins over a revoked one granted later',
    events: [granted('lic-2', 'acme', 'mythos-5'), licenseRevoked('lic-2', 'acme', 'mythos-5')],
    request: byPartner('acme'),
    reasons: [],
    licenseId: 'lic-1',
  },
  {
    name: 'a valid family license wins over a revoked exact one',
    events: [licenseRevoked('lic-1', 'acme', 'mythos-5'), granted('lic-fam', 'acme', 'mythos')],
    request: byPartner('acme'),
    reasons: [],
    licenseId: 'lic-fam',
  },
  {
    name: 'a valid license wins over an expired one',
    events: [granted('lic-0', 'acme', 'mythos-5', '2024-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z')],
    request: byPartner('acme'),
    reasons: [],
    licenseId: 'lic-1',
  },
  {
    name: 'without a valid one, expired is closer than revoked',
    events: [
      licenseRevoked('lic-1', 'acme', 'mythos-5'),
      granted('lic-0', 'acme', 'mythos-5', '2024-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z'),
    ],
    request: byPartner('acme'),
    reasons: [LICENSE_EXPIRED],
    licenseId: 'lic-0',
  },
  {
    name: 'without a valid one, not yet valid is closer than expired or revoked',
    events: [
      licenseRevoked('lic-1', 'acme', 'mythos-5'),
      granted('lic-0', 'acme', 'mythos-5', '2024-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z'),
      granted('lic-next', 'acme', 'mythos-5', '2027-01-01T00:00:00.000Z', null),
    ],
    request: byPartner('acme'),
    reasons: [LICENSE_NOT_YET_VALID],
    licenseId: 'lic-next',
  },

  // several reasons at once, in rule order
  {
    name: 'unapproved partner and no license',
    events: [submitted('initech')],
    request: byPartner('initech'),
    reasons: [PARTNER_NOT_APPROVED, NO_LICENSE],
  },
  {
    name: 'suspended model and revoked license',
    events: [suspended('mythos-5'), licenseRevoked('lic-1', 'acme', 'mythos-5')],
    request: byPartner('acme'),
    reasons: [MODEL_SUSPENDED, LICENSE_REVOKED],
    licenseId: 'lic-1',
  },
  {
    name: 'retired model and expired license',
    events: [retired('mythos-5')],
    request: byPartner('acme'),
    now: Date.parse(UNTIL),
    reasons: [MODEL_RETIRED, LICENSE_EXPIRED],
  },
  {
    name: 'unknown credential and unknown model',
    request: { credentialHash: 'nope', model: 'mythos-9' },
    reasons: [UNKNOWN_CREDENTIAL, UNKNOWN_MODEL],
  },
  {
    name: 'revoked credential and suspended model',
    events: [credentialRevoked('cred-acme', 'acme'), suspended('mythos-5')],
    request: byCredential('cred-acme'),
    reasons: [UNKNOWN_CREDENTIAL, MODEL_SUSPENDED],
  },
  {
    name: 'unknown partner and unknown model',
    request: byPartner('nobody', 'mythos-9'),
    reasons: [PARTNER_NOT_APPROVED, UNKNOWN_MODEL],
    licenseId: null,
  },
  {
    name: 'rejected partner, suspended model and not-yet-valid license',
    events: [submitted('globex'), rejected('globex'), suspended('mythos-5'), granted('lic-g', 'globex', 'mythos-5', '2027-01-01T00:00:00.000Z')],
    request: byPartner('globex'),
    reasons: [PARTNER_NOT_APPROVED, MODEL_SUSPENDED, LICENSE_NOT_YET_VALID],
    licenseId: 'lic-g',
  },
];

describe('decide', () => {
  describe.each(cases)('$name', ({ events = [], request, now = NOW, reasons, partnerId, licenseId }) => {
    const index = indexOf([...world, ...events]);

    it(`answers ${reasons.length ? reasons.join(' + ') : 'allow'}`, () => {
      const decision = decide(index, request, now);
      expect(decision.reasons).toEqual(reasons);
      expect(decision.allow).toBe(reasons.length === 0);
      expect(decision.model).toBe(request.model);
      if (partnerId !== undefined) expect(decision.partnerId).toBe(partnerId);
      if (licenseId !== undefined) expect(decision.licenseId).toBe(licenseId);
      expect(decision.trace).toBeNull();
    });

    it('answers the same when explained, the trace holding every reason in rule order', () => {
      const plain = decide(index, request, now);
      const explained = decide(index, request, now, true);
      expect({ ...explained, trace: null }).toEqual(plain);
      expect(explained.trace).not.toBeNull();
      expect(explained.trace!.flatMap((entry) => entry.reasons)).toEqual(reasons);
      for (const entry of explained.trace!) expect(entry.outcome === 'fail').toBe(entry.reasons.length > 0);
    });
  });

  it('every reason code the current rules can produce is exercised above', () => {
    const produced = new Set(cases.flatMap((c) => c.reasons));
    const producible: ReasonCode[] = [UNKNOWN_CREDENTIAL, PARTNER_NOT_APPROVED, UNKNOWN_MODEL, MODEL_SUSPENDED, MODEL_RETIRED];
    producible.push(NO_LICENSE, LICENSE_NOT_YET_VALID, LICENSE_EXPIRED, LICENSE_REVOKED);
    expect([...produced].sort()).toEqual(producible.sort());
  });

  describe('explain', () => {
    const index = indexOf(world);
    const shape = (decision: Decision) => decision.trace?.map(({ rule, outcome, reasons }) => ({ rule, outcome, reasons })) ?? null;

    it('is off by default and when false: trace is null', () => {
      expect(decide(index, byCredential('cred-acme'), NOW).trace).toBeNull();
      expect(decide(index, byCredential('cred-acme'), NOW, false).trace).toBeNull();
    });

    it('traces one passing entry per rule for an allowed request', () => {
      const decision = decide(index, byCredential('cred-acme'), NOW, true);
      expect(shape(decision)).toEqual([
        { rule: 'credential', outcome: 'pass', reasons: [] },
        { rule: 'partner', outcome: 'pass', reasons: [] },
        { rule: 'model', outcome: 'pass', reasons: [] },
        { rule: 'license', outcome: 'pass', reasons: [] },
      ]);
      expect(decision.trace!.find((entry) => entry.rule === 'license')?.detail).toContain('lic-1');
    });

    it('traces failures with their reasons and skips the rules with nothing to look at', () => {
      const failing = indexOf([...world, credentialRevoked('cred-acme', 'acme')]);
      expect(shape(decide(failing, byCredential('cred-acme', 'mythos-9'), NOW, true))).toEqual([
        { rule: 'credential', outcome: 'fail', reasons: [UNKNOWN_CREDENTIAL] },
        { rule: 'partner', outcome: 'skipped', reasons: [] },
        { rule: 'model', outcome: 'fail', reasons: [UNKNOWN_MODEL] },
        { rule: 'license', outcome: 'skipped', reasons: [] },
      ]);
      const suspendedModel = indexOf([...world, suspended('mythos-5')]);
      expect(shape(decide(suspendedModel, { credentialHash: 'nope', model: 'mythos-5' }, NOW, true))).toEqual([
        { rule: 'credential', outcome: 'fail', reasons: [UNKNOWN_CREDENTIAL] },
        { rule: 'partner', outcome: 'skipped', reasons: [] },
        { rule: 'model', outcome: 'fail', reasons: [MODEL_SUSPENDED] },
        { rule: 'license', outcome: 'skipped', reasons: [] },
      ]);
    });

    it('traces a failing partner and license by credential', () => {
      const failing = indexOf([...world, submitted('initech'), issued('cred-initech', 'initech')]);
      expect(shape(decide(failing, byCredential('cred-initech'), NOW, true))).toEqual([
        { rule: 'credential', outcome: 'pass', reasons: [] },
        { rule: 'partner', outcome: 'fail', reasons: [PARTNER_NOT_APPROVED] },
        { rule: 'model', outcome: 'pass', reasons: [] },
        { rule: 'license', outcome: 'fail', reasons: [NO_LICENSE] },
      ]);
    });

    it('traces one entry per rule when the partner is given by id (credential rule skipped)', () => {
      // Correct behaviour per the trace contract: every rule appears, in order, the credential one skipped.
      expect(shape(decide(index, byPartner('acme'), NOW, true))).toEqual([
        { rule: 'credential', outcome: 'skipped', reasons: [] },
        { rule: 'partner', outcome: 'pass', reasons: [] },
        { rule: 'model', outcome: 'pass', reasons: [] },
        { rule: 'license', outcome: 'pass', reasons: [] },
      ]);
    });
  });

  describe('index', () => {
    it('starts at position 0', () => {
      expect(new EntitlementIndex().position).toBe(0);
    });

    it('tracks the highest globalPosition applied, whatever the order, ignored event types included', () => {
      const index = new EntitlementIndex();
      index.apply({ ...submitted('acme'), globalPosition: 5 });
      expect(index.position).toBe(5);
      index.apply({ ...approved('acme'), globalPosition: 3 });
      expect(index.position).toBe(5);
      index.apply({ ...registered('mythos-5', 'mythos'), globalPosition: 9 });
      expect(index.position).toBe(9);
      index.apply({ type: 'SomethingTheCheckIgnores', data: {}, globalPosition: 12 });
      expect(index.position).toBe(12);
      index.apply({ ...granted('lic-1', 'acme', 'mythos-5'), globalPosition: 11 });
      expect(index.position).toBe(12);
      expect(decide(index, byPartner('acme'), NOW).allow).toBe(true);
    });

    it('answers as of an instant when replayed up to it', () => {
      const history = [...world, licenseRevoked('lic-1', 'acme', 'mythos-5')];
      const before = indexOf(history.slice(0, -1));
      const after = indexOf(history);
      expect(before.position).toBe(history.length - 1);
      expect(after.position).toBe(history.length);
      expect(decide(before, byPartner('acme'), NOW).reasons).toEqual([]);
      expect(decide(after, byPartner('acme'), NOW).reasons).toEqual([LICENSE_REVOKED]);
    });

    it('ignores status changes for partners and models it never saw registered', () => {
      const index = indexOf([approved('ghost'), suspended('ghost-model'), licenseRevoked('lic-ghost', 'ghost', 'ghost-model')]);
      expect(index.partners.size).toBe(0);
      expect(index.models.size).toBe(0);
      expect(decide(index, byPartner('ghost', 'ghost-model'), NOW).reasons).toEqual([PARTNER_NOT_APPROVED, UNKNOWN_MODEL]);
    });
  });
});
