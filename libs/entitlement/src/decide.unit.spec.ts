import type { AnyDomainEvent, DatedCountry, DirectiveTerms, KycSubject, LicenseConditions, ScreeningBand, ScreeningSubject } from '@app/domain';
import { CheckRequest, Decision, decide, RULES } from './decide';
import { EntitlementIndex } from './entitlement-index';
import { ReasonCode } from './reason-codes';

const {
  UNKNOWN_CREDENTIAL,
  PARTNER_NOT_APPROVED,
  PARTNER_SUSPENDED,
  KYC_NOT_VERIFIED,
  SCREENING_HIT,
  UNKNOWN_MODEL,
  MODEL_SUSPENDED,
  MODEL_RETIRED,
  NO_LICENSE,
  LICENSE_NOT_YET_VALID,
  LICENSE_EXPIRED,
  LICENSE_SUSPENDED,
  LICENSE_REVOKED,
  GOVERNMENT_APPROVAL_REQUIRED,
  DIRECTIVE_FOREIGN_NATIONAL,
  DIRECTIVE_DESTINATION,
  USER_UNKNOWN,
  USER_NOT_VERIFIED,
  GEO_EMBARGOED,
  GEO_UNKNOWN,
} = ReasonCode;

// ---- event builders --------------------------------------------------------------------------

const application = (partnerId: string) => ({
  partnerId,
  legalName: `${partnerId} Ltd`,
  registrationNumber: `REG-${partnerId}`,
  countryOfIncorporation: 'DE',
  addresses: ['1 Example Street'],
  beneficialOwners: [{ name: 'Owner', nationality: 'DE', ownershipPercent: 100 }],
  intendedUse: 'testing',
  requestedModels: [],
});
const submitted = (partnerId: string): AnyDomainEvent => ({ type: 'ApplicationSubmitted', data: application(partnerId) });
const reviewStarted = (partnerId: string): AnyDomainEvent => ({ type: 'ReviewStarted', data: { partnerId } });
const informationRequested = (partnerId: string): AnyDomainEvent => ({
  type: 'InformationRequested',
  data: { partnerId, message: 'more please', fields: ['addresses'] },
});
const resubmitted = (partnerId: string): AnyDomainEvent => ({ type: 'ApplicationResubmitted', data: { ...application(partnerId), response: 'here' } });
const approved = (partnerId: string): AnyDomainEvent => ({ type: 'ApplicationApproved', data: { partnerId, reason: 'ok' } });
const rejected = (partnerId: string): AnyDomainEvent => ({ type: 'ApplicationRejected', data: { partnerId, reason: 'no' } });
const partnerSuspended = (partnerId: string): AnyDomainEvent => ({
  type: 'PartnerSuspended',
  data: { partnerId, reason: 'hit', cause: 'screening_hit', reference: null },
});
const partnerReinstated = (partnerId: string): AnyDomainEvent => ({ type: 'PartnerReinstated', data: { partnerId, reason: 'cleared' } });
const offboarded = (partnerId: string): AnyDomainEvent => ({ type: 'PartnerOffboarded', data: { partnerId, reason: 'bye' } });

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

type Conditions = Partial<LicenseConditions>;
const conditions = (c: Conditions = {}): LicenseConditions => ({
  validFrom: FROM,
  validUntil: UNTIL,
  allowedDestinations: null,
  requireEndUserIdentification: false,
  monthlyTokenQuota: null,
  rateLimitPerMinute: null,
  ...c,
});
const granted = (licenseId: string, partnerId: string, modelId: string, validFrom = FROM, validUntil: string | null = UNTIL, c: Conditions = {}): AnyDomainEvent => ({
  type: 'LicenseGranted',
  data: { licenseId, partnerId, modelId, ...conditions({ validFrom, validUntil, ...c }), grantedBy: 'officer-1', approvedBy: 'officer-2' },
});
const grantedWith = (licenseId: string, partnerId: string, modelId: string, c: Conditions): AnyDomainEvent => granted(licenseId, partnerId, modelId, FROM, UNTIL, c);
const proposed = (licenseId: string, partnerId: string, modelId: string): AnyDomainEvent => ({
  type: 'LicenseProposed',
  data: { licenseId, partnerId, modelId, ...conditions(), proposedBy: 'officer-1' },
});
const ids = (licenseId: string, partnerId: string, modelId: string) => ({ licenseId, partnerId, modelId });
const licenseRevoked = (licenseId: string, partnerId: string, modelId: string): AnyDomainEvent => ({
  type: 'LicenseRevoked',
  data: { ...ids(licenseId, partnerId, modelId), reason: 'breach' },
});
const licenseSuspended = (licenseId: string, partnerId: string, modelId: string): AnyDomainEvent => ({
  type: 'LicenseSuspended',
  data: { ...ids(licenseId, partnerId, modelId), reason: 'audit' },
});
const licenseReinstated = (licenseId: string, partnerId: string, modelId: string): AnyDomainEvent => ({
  type: 'LicenseReinstated',
  data: { ...ids(licenseId, partnerId, modelId), reason: 'audit passed' },
});
const licenseExpired = (licenseId: string, partnerId: string, modelId: string): AnyDomainEvent => ({ type: 'LicenseExpired', data: ids(licenseId, partnerId, modelId) });
const licenseAmended = (licenseId: string, partnerId: string, modelId: string, c: Conditions): AnyDomainEvent => ({
  type: 'LicenseAmended',
  data: { ...ids(licenseId, partnerId, modelId), ...conditions(c), reason: 'amended' },
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

// KYC
const ORG: KycSubject = { kind: 'organisation' };
const USER = (userId: string): KycSubject => ({ kind: 'user', userId });
const evidence = { provider: 'test-kyc', providerEventId: null, rawPayload: null, receivedAt: '2026-01-01T00:00:00.000Z' };
const kycOpened = (caseId: string, partnerId: string, subject: KycSubject = ORG): AnyDomainEvent => ({
  type: 'KycCaseOpened',
  data: { caseId, partnerId, subject, provider: 'test-kyc', providerRef: `ref-${caseId}`, declaredName: caseId },
});
const kycPending = (caseId: string, partnerId: string): AnyDomainEvent => ({ type: 'KycPending', data: { caseId, partnerId, evidence } });
interface Identity {
  citizenships?: DatedCountry[];
  permanentResidencies?: DatedCountry[];
  usPerson?: boolean;
}
const kycVerified = (caseId: string, partnerId: string, subject: KycSubject = ORG, identity: Identity = {}): AnyDomainEvent => ({
  type: 'KycVerified',
  data: {
    caseId,
    partnerId,
    subject,
    identity: { citizenships: identity.citizenships ?? [], permanentResidencies: identity.permanentResidencies ?? [], usPerson: identity.usPerson ?? false },
    evidence,
    reviewedBy: null,
  },
});
const kycFailed = (caseId: string, partnerId: string, subject: KycSubject = ORG): AnyDomainEvent => ({
  type: 'KycFailed',
  data: { caseId, partnerId, subject, reason: 'document forged', evidence, reviewedBy: null },
});
const kycNeedsReview = (caseId: string, partnerId: string, subject: KycSubject = ORG): AnyDomainEvent => ({
  type: 'KycNeedsReview',
  data: { caseId, partnerId, subject, reason: 'blurry', evidence },
});
const kycExpired = (caseId: string, partnerId: string, subject: KycSubject = ORG): AnyDomainEvent => ({ type: 'KycExpired', data: { caseId, partnerId, subject } });
const orgKyc = (partnerId: string) => `kyc-${partnerId}`;
const orgVerified = (partnerId: string): AnyDomainEvent[] => [kycOpened(orgKyc(partnerId), partnerId), kycVerified(orgKyc(partnerId), partnerId)];

/** An approved partner, as the domain makes one: applied, organisation KYC verified, approved. */
const onboarded = (partnerId: string): AnyDomainEvent[] => [submitted(partnerId), ...orgVerified(partnerId), approved(partnerId)];

// end users
const enrolled = (partnerId: string, userId: string): AnyDomainEvent => ({ type: 'UserEnrolled', data: { partnerId, userId, name: userId, email: null } });
const removed = (partnerId: string, userId: string): AnyDomainEvent => ({ type: 'UserRemoved', data: { partnerId, userId, reason: 'left' } });
const userKyc = (partnerId: string, userId: string) => `kyc-${partnerId}-${userId}`;
const citizen = (country: string, from: string | null = null, until: string | null = null): DatedCountry => ({ country, from, until });
/** An enrolled user whose KYC established this identity. */
const person = (partnerId: string, userId: string, identity: Identity): AnyDomainEvent[] => [
  enrolled(partnerId, userId),
  kycOpened(userKyc(partnerId, userId), partnerId, USER(userId)),
  kycVerified(userKyc(partnerId, userId), partnerId, USER(userId), identity),
];

// screening
const screeningEvidence = (band: ScreeningBand) => ({
  query: 'q',
  normalisedQuery: 'q',
  band,
  topScore: band === 'clear' ? 0.2 : band === 'review' ? 0.8 : 0.97,
  candidates: [],
  listVersion: 'v1',
  thresholds: { reviewThreshold: 0.75, blockThreshold: 0.95 },
});
const subjectOf = (partnerId: string, kind: ScreeningSubject['kind'] = 'organisation', ref = partnerId): ScreeningSubject => ({ kind, ref, name: ref, country: null });
const screened = (screeningId: string, partnerId: string, band: ScreeningBand, kind: ScreeningSubject['kind'] = 'organisation', ref = partnerId): AnyDomainEvent => ({
  type: 'ScreeningRecorded',
  data: { screeningId, partnerId, subject: subjectOf(partnerId, kind, ref), evidence: screeningEvidence(band), trigger: 'test' },
});
const hitCleared = (screeningId: string, partnerId: string, kind: ScreeningSubject['kind'] = 'organisation', ref = partnerId): AnyDomainEvent => ({
  type: 'ScreeningHitCleared',
  data: { screeningId, partnerId, subject: subjectOf(partnerId, kind, ref), reason: 'false positive' },
});
const hitConfirmed = (screeningId: string, partnerId: string, kind: ScreeningSubject['kind'] = 'organisation', ref = partnerId): AnyDomainEvent => ({
  type: 'ScreeningHitConfirmed',
  data: { screeningId, partnerId, subject: subjectOf(partnerId, kind, ref), reason: 'true match' },
});

// government approvals
const approvalTerms = (approvalId: string, partnerId: string, models: string[], validFrom = FROM, validUntil: string | null = UNTIL) => ({
  approvalId,
  partnerId,
  models,
  authority: 'BIS',
  reference: `BIS-${approvalId}`,
  conditions: '',
  validFrom,
  validUntil,
});
const approvalGranted = (approvalId: string, partnerId: string, models: string[], validFrom = FROM, validUntil: string | null = UNTIL): AnyDomainEvent => ({
  type: 'GovernmentApprovalGranted',
  data: approvalTerms(approvalId, partnerId, models, validFrom, validUntil),
});
const approvalRequested = (approvalId: string, partnerId: string, models: string[]): AnyDomainEvent => ({
  type: 'GovernmentApprovalRequested',
  data: { approvalId, partnerId, models, authority: 'BIS', justification: 'please' },
});
const approvalAmended = (approvalId: string, partnerId: string, models: string[], validFrom = FROM, validUntil: string | null = UNTIL): AnyDomainEvent => ({
  type: 'GovernmentApprovalAmended',
  data: { ...approvalTerms(approvalId, partnerId, models, validFrom, validUntil), reason: 'amended' },
});
const approvalRevoked = (approvalId: string, partnerId: string): AnyDomainEvent => ({ type: 'GovernmentApprovalRevoked', data: { approvalId, partnerId, reason: 'breach' } });
const approvalExpired = (approvalId: string, partnerId: string): AnyDomainEvent => ({ type: 'GovernmentApprovalExpired', data: { approvalId, partnerId } });

// directives
interface DirectiveOptions {
  modelIds?: string[];
  families?: string[];
  effectiveAt?: string;
  expiresAt?: string | null;
  /** allowed nationalities; null: no foreign-national restriction. */
  nationals?: string[] | null;
  allowPermanentResidents?: boolean;
  forbidden?: string[];
  exempt?: boolean;
}
const directiveTerms = (directiveId: string, o: DirectiveOptions): DirectiveTerms => ({
  directiveId,
  authority: 'BIS',
  reference: `EO-${directiveId}`,
  title: directiveId,
  issuedAt: o.effectiveAt ?? '2026-05-01T00:00:00.000Z',
  effectiveAt: o.effectiveAt ?? '2026-05-01T00:00:00.000Z',
  expiresAt: o.expiresAt ?? null,
  scope: { modelIds: o.modelIds ?? [], families: o.families ?? [] },
  restrictions: {
    foreignNationals: o.nationals === null ? null : { allowedNationalities: o.nationals ?? ['US'], allowPermanentResidents: o.allowPermanentResidents ?? false },
    forbiddenDestinations: o.forbidden ?? [],
  },
  exemptWithGovernmentApproval: o.exempt ?? false,
});
const directiveIssued = (directiveId: string, o: DirectiveOptions): AnyDomainEvent => ({ type: 'DirectiveIssued', data: directiveTerms(directiveId, o) });
const directiveAmended = (directiveId: string, o: DirectiveOptions): AnyDomainEvent => ({
  type: 'DirectiveAmended',
  data: { ...directiveTerms(directiveId, o), reason: 'amended' },
});
const directiveLifted = (directiveId: string, liftedAt: string): AnyDomainEvent => ({ type: 'DirectiveLifted', data: { directiveId, liftedAt, reason: 'lifted' } });

/** Applies the events in order at positions 1, 2, 3... as the live tail would. */
function indexOf(events: AnyDomainEvent[]): EntitlementIndex {
  const index = new EntitlementIndex();
  events.forEach((event, i) => index.apply({ type: event.type, data: event.data, globalPosition: i + 1 }));
  return index;
}

/**
 * The world most cases start from: acme is approved with a verified organisation KYC, holds cred-acme and
 * lic-1 on mythos-5 (family mythos, no conditions), and has enrolled users:
 * u-us (US citizen), u-de (German), u-pr (German with US permanent residency), u-new (no KYC yet).
 */
const world: AnyDomainEvent[] = [
  registered('mythos-5', 'mythos'),
  registered('mythos-6', 'mythos'),
  registered('haiku-3', 'haiku'),
  ...onboarded('acme'),
  issued('cred-acme', 'acme'),
  granted('lic-1', 'acme', 'mythos-5'),
  ...person('acme', 'u-us', { citizenships: [citizen('US', '1990-01-01')], usPerson: true }),
  ...person('acme', 'u-de', { citizenships: [citizen('DE', '1985-03-04')] }),
  ...person('acme', 'u-pr', { citizenships: [citizen('DE', '1980-01-01')], permanentResidencies: [citizen('US', '2015-01-01')], usPerson: true }),
  enrolled('acme', 'u-new'),
];

const byCredential = (credentialId: string, model = 'mythos-5'): CheckRequest => ({ credentialHash: hashOf(credentialId), model });
const byPartner = (partnerId: string, model = 'mythos-5', extra: Partial<CheckRequest> = {}): CheckRequest => ({ partnerId, model, ...extra });
const acme = (extra: Partial<CheckRequest> = {}, model = 'mythos-5'): CheckRequest => byPartner('acme', model, extra);

interface Case {
  name: string;
  events?: AnyDomainEvent[];
  request: CheckRequest;
  now?: number;
  reasons: ReasonCode[];
  partnerId?: string | null;
  licenseId?: string | null;
}

/** A foreign-national directive on mythos-5 in force since May (US nationals only unless told). */
const fn = (o: DirectiveOptions = {}) => directiveIssued('dir-fn', { modelIds: ['mythos-5'], ...o });

const cases: Case[] = [
  // allow
  { name: 'allows an approved partner by credential with a valid license', request: byCredential('cred-acme'), reasons: [], partnerId: 'acme', licenseId: 'lic-1' },
  { name: 'allows an approved partner given by id with a valid license', request: byPartner('acme'), reasons: [], partnerId: 'acme', licenseId: 'lic-1' },
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
  { name: 'a user and a country are not needed when no rule asks for them', request: acme({ userId: 'nobody-known', country: null }), reasons: [] },

  // credential
  { name: 'UNKNOWN_CREDENTIAL for a hash nobody holds', request: { credentialHash: 'nope', model: 'mythos-5' }, reasons: [UNKNOWN_CREDENTIAL], partnerId: null, licenseId: null },
  {
    name: 'UNKNOWN_CREDENTIAL for a revoked credential',
    events: [credentialRevoked('cred-acme', 'acme')],
    request: byCredential('cred-acme'),
    reasons: [UNKNOWN_CREDENTIAL],
    partnerId: null,
    licenseId: null,
  },
  { name: 'UNKNOWN_CREDENTIAL with neither credential nor partnerId', request: { model: 'mythos-5' }, reasons: [UNKNOWN_CREDENTIAL], partnerId: null, licenseId: null },
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
  {
    name: 'a credential still resolves an offboarded partner, which the partner rule then denies',
    events: [offboarded('acme')],
    request: byCredential('cred-acme'),
    reasons: [PARTNER_NOT_APPROVED],
    partnerId: 'acme',
  },

  // partner
  {
    name: 'PARTNER_NOT_APPROVED for an unknown partner (and so no KYC, no license)',
    request: byPartner('nobody'),
    reasons: [PARTNER_NOT_APPROVED, KYC_NOT_VERIFIED, NO_LICENSE],
    partnerId: 'nobody',
    licenseId: null,
  },
  {
    name: 'PARTNER_NOT_APPROVED for a submitted partner holding a credential',
    events: [submitted('initech'), issued('cred-initech', 'initech')],
    request: byCredential('cred-initech'),
    reasons: [PARTNER_NOT_APPROVED, KYC_NOT_VERIFIED, NO_LICENSE],
    partnerId: 'initech',
  },
  ...(
    [
      ['submitted', []],
      ['under_review', [reviewStarted('initech')]],
      ['information_requested', [reviewStarted('initech'), informationRequested('initech')]],
      ['resubmitted', [reviewStarted('initech'), informationRequested('initech'), resubmitted('initech')]],
      ['rejected', [reviewStarted('initech'), rejected('initech')]],
    ] as [string, AnyDomainEvent[]][]
  ).map(
    ([status, events]): Case => ({
      name: `PARTNER_NOT_APPROVED alone for a ${status} partner with a verified KYC and a license`,
      events: [submitted('initech'), ...orgVerified('initech'), granted('lic-i', 'initech', 'mythos-5'), ...events],
      request: byPartner('initech'),
      reasons: [PARTNER_NOT_APPROVED],
      licenseId: 'lic-i',
    }),
  ),
  { name: 'PARTNER_NOT_APPROVED for an offboarded partner', events: [offboarded('acme')], request: acme(), reasons: [PARTNER_NOT_APPROVED], licenseId: 'lic-1' },
  { name: 'PARTNER_SUSPENDED for a suspended partner', events: [partnerSuspended('acme')], request: acme(), reasons: [PARTNER_SUSPENDED], licenseId: 'lic-1' },
  { name: 'a reinstated partner is allowed again', events: [partnerSuspended('acme'), partnerReinstated('acme')], request: acme(), reasons: [] },
  { name: 'PARTNER_NOT_APPROVED for a partner offboarded while suspended', events: [partnerSuspended('acme'), offboarded('acme')], request: acme(), reasons: [PARTNER_NOT_APPROVED] },

  // organisation KYC
  {
    name: 'KYC_NOT_VERIFIED for an approved partner without an organisation KYC case',
    events: [submitted('globex'), approved('globex'), granted('lic-g', 'globex', 'mythos-5')],
    request: byPartner('globex'),
    reasons: [KYC_NOT_VERIFIED],
  },
  ...(
    [
      ['opened only', [kycOpened('kyc-g', 'globex')]],
      ['pending', [kycOpened('kyc-g', 'globex'), kycPending('kyc-g', 'globex')]],
      ['needs review', [kycOpened('kyc-g', 'globex'), kycNeedsReview('kyc-g', 'globex')]],
      ['failed', [kycOpened('kyc-g', 'globex'), kycFailed('kyc-g', 'globex')]],
      ['expired', [kycOpened('kyc-g', 'globex'), kycVerified('kyc-g', 'globex'), kycExpired('kyc-g', 'globex')]],
      ['verified then reversed to failed', [kycOpened('kyc-g', 'globex'), kycVerified('kyc-g', 'globex'), kycFailed('kyc-g', 'globex')]],
      ['verified, then a new case opened (the latest case governs)', [...orgVerified('globex'), kycOpened('kyc-g2', 'globex'), kycPending('kyc-g2', 'globex')]],
      ['only a user of the partner verified', [...person('globex', 'u-1', { citizenships: [citizen('US')] })]],
      ['only another partner verified', [...orgVerified('initech')]],
    ] as [string, AnyDomainEvent[]][]
  ).map(
    ([what, events]): Case => ({
      name: `KYC_NOT_VERIFIED when the organisation KYC is ${what}`,
      events: [submitted('globex'), ...events, approved('globex'), granted('lic-g', 'globex', 'mythos-5')],
      request: byPartner('globex'),
      reasons: [KYC_NOT_VERIFIED],
      licenseId: 'lic-g',
    }),
  ),
  {
    name: 'KYC reversal: verified, approved, then failed by the provider denies',
    events: [kycFailed(orgKyc('acme'), 'acme')],
    request: acme(),
    reasons: [KYC_NOT_VERIFIED],
  },
  {
    name: 'a failed case reviewed back to verified allows again',
    events: [kycFailed(orgKyc('acme'), 'acme'), kycVerified(orgKyc('acme'), 'acme')],
    request: acme(),
    reasons: [],
  },
  {
    name: 'a newer verified case governs even when an older case fails afterwards',
    events: [kycOpened('kyc-acme-2', 'acme'), kycVerified('kyc-acme-2', 'acme'), kycFailed(orgKyc('acme'), 'acme')],
    request: acme(),
    reasons: [],
  },
  {
    name: 'a verification whose case opening the index never saw still counts',
    events: [submitted('globex'), kycVerified('kyc-g', 'globex'), approved('globex'), granted('lic-g', 'globex', 'mythos-5')],
    request: byPartner('globex'),
    reasons: [],
  },

  // screening
  { name: 'SCREENING_HIT for a blocking match on the organisation', events: [screened('s-1', 'acme', 'block')], request: acme(), reasons: [SCREENING_HIT] },
  { name: 'a clear screening does not deny', events: [screened('s-1', 'acme', 'clear')], request: acme(), reasons: [] },
  { name: 'a possible match waiting for review does not deny', events: [screened('s-1', 'acme', 'review')], request: acme(), reasons: [] },
  { name: 'blocked then cleared is allowed again', events: [screened('s-1', 'acme', 'block'), hitCleared('s-1', 'acme')], request: acme(), reasons: [] },
  { name: 'SCREENING_HIT for a blocking match confirmed', events: [screened('s-1', 'acme', 'block'), hitConfirmed('s-1', 'acme')], request: acme(), reasons: [SCREENING_HIT] },
  { name: 'SCREENING_HIT for a possible match confirmed', events: [screened('s-1', 'acme', 'review'), hitConfirmed('s-1', 'acme')], request: acme(), reasons: [SCREENING_HIT] },
  { name: 'a possible match cleared does not deny', events: [screened('s-1', 'acme', 'review'), hitCleared('s-1', 'acme')], request: acme(), reasons: [] },
  {
    name: 'SCREENING_HIT for a beneficial owner',
    events: [screened('s-1', 'acme', 'clear'), screened('s-2', 'acme', 'block', 'beneficial_owner', '0')],
    request: acme(),
    reasons: [SCREENING_HIT],
  },
  {
    name: 'a later clear re-screening of the same subject replaces a block',
    events: [screened('s-1', 'acme', 'block'), screened('s-2', 'acme', 'clear')],
    request: acme(),
    reasons: [],
  },
  {
    name: 'a later blocking re-screening of the same subject replaces a clear',
    events: [screened('s-1', 'acme', 'clear'), screened('s-2', 'acme', 'block')],
    request: acme(),
    reasons: [SCREENING_HIT],
  },
  {
    name: 'clearing an older screening does not clear the latest block',
    events: [screened('s-1', 'acme', 'block'), screened('s-2', 'acme', 'block'), hitCleared('s-1', 'acme')],
    request: acme(),
    reasons: [SCREENING_HIT],
  },
  {
    name: 'one owner cleared, another still blocked: hit',
    events: [
      screened('s-1', 'acme', 'block', 'beneficial_owner', '0'),
      screened('s-2', 'acme', 'block', 'beneficial_owner', '1'),
      hitCleared('s-1', 'acme', 'beneficial_owner', '0'),
    ],
    request: acme(),
    reasons: [SCREENING_HIT],
  },
  { name: "another partner's hit does not touch acme", events: [...onboarded('globex'), screened('s-1', 'globex', 'block')], request: acme(), reasons: [] },
  {
    name: 'SCREENING_HIT for a request naming a blocked end user',
    events: [screened('s-u', 'acme', 'block', 'user', 'u-us')],
    request: acme({ userId: 'u-us' }),
    reasons: [SCREENING_HIT],
  },
  {
    name: "a blocked end user does not deny the partner's other users",
    events: [screened('s-u', 'acme', 'block', 'user', 'u-us')],
    request: acme({ userId: 'u-de' }),
    reasons: [],
  },
  {
    name: 'a blocked end user cleared is allowed again',
    events: [screened('s-u', 'acme', 'block', 'user', 'u-us'), hitCleared('s-u', 'acme', 'user', 'u-us')],
    request: acme({ userId: 'u-us' }),
    reasons: [],
  },

  // model
  { name: 'UNKNOWN_MODEL for a model not in the catalogue (license rule skipped)', request: byPartner('acme', 'mythos-9'), reasons: [UNKNOWN_MODEL], partnerId: 'acme', licenseId: null },
  { name: 'UNKNOWN_MODEL for a family name asked as a model', request: byPartner('acme', 'mythos'), reasons: [UNKNOWN_MODEL], licenseId: null },
  { name: 'MODEL_SUSPENDED for a suspended model, the license still found', events: [suspended('mythos-5')], request: byPartner('acme'), reasons: [MODEL_SUSPENDED], licenseId: 'lic-1' },
  { name: 'MODEL_RETIRED for a retired model', events: [retired('mythos-5')], request: byPartner('acme'), reasons: [MODEL_RETIRED], licenseId: 'lic-1' },
  { name: 'MODEL_RETIRED for a model retired while suspended', events: [suspended('mythos-5'), retired('mythos-5')], request: byPartner('acme'), reasons: [MODEL_RETIRED] },

  // license
  { name: 'NO_LICENSE for an approved partner without licenses', events: onboarded('globex'), request: byPartner('globex'), reasons: [NO_LICENSE], partnerId: 'globex', licenseId: null },
  { name: 'NO_LICENSE when the licenses are for other models', request: byPartner('acme', 'haiku-3'), reasons: [NO_LICENSE], licenseId: null },
  { name: 'NO_LICENSE: a license on one model does not cover its family siblings', request: byPartner('acme', 'mythos-6'), reasons: [NO_LICENSE], licenseId: null },
  {
    name: "NO_LICENSE: another partner's license does not count",
    events: [...onboarded('globex'), granted('lic-g', 'globex', 'haiku-3')],
    request: byPartner('acme', 'haiku-3'),
    reasons: [NO_LICENSE],
  },
  {
    name: 'NO_LICENSE: a grant waiting for the second officer is not a license yet',
    events: [proposed('lic-p', 'acme', 'haiku-3')],
    request: byPartner('acme', 'haiku-3'),
    reasons: [NO_LICENSE],
    licenseId: null,
  },
  {
    name: 'NO_LICENSE: a proposal revoked before approval was never a license',
    events: [proposed('lic-p', 'acme', 'haiku-3'), licenseRevoked('lic-p', 'acme', 'haiku-3')],
    request: byPartner('acme', 'haiku-3'),
    reasons: [NO_LICENSE],
    licenseId: null,
  },
  {
    name: 'a proposal approved by the second officer is a license',
    events: [proposed('lic-p', 'acme', 'haiku-3'), granted('lic-p', 'acme', 'haiku-3')],
    request: byPartner('acme', 'haiku-3'),
    reasons: [],
    licenseId: 'lic-p',
  },
  { name: 'LICENSE_NOT_YET_VALID before validFrom', request: byPartner('acme'), now: Date.parse(FROM) - 1, reasons: [LICENSE_NOT_YET_VALID], licenseId: 'lic-1' },
  { name: 'LICENSE_EXPIRED at validUntil', request: byPartner('acme'), now: Date.parse(UNTIL), reasons: [LICENSE_EXPIRED], licenseId: 'lic-1' },
  { name: 'LICENSE_EXPIRED after validUntil', request: byPartner('acme'), now: Date.parse('2028-01-01T00:00:00.000Z'), reasons: [LICENSE_EXPIRED], licenseId: 'lic-1' },
  {
    name: 'LICENSE_EXPIRED for a license expired by event inside its window',
    events: [licenseExpired('lic-1', 'acme', 'mythos-5')],
    request: acme(),
    reasons: [LICENSE_EXPIRED],
    licenseId: 'lic-1',
  },
  { name: 'LICENSE_REVOKED for a revoked license', events: [licenseRevoked('lic-1', 'acme', 'mythos-5')], request: byPartner('acme'), reasons: [LICENSE_REVOKED], licenseId: 'lic-1' },
  {
    name: 'a revoked license that has also expired reports LICENSE_REVOKED',
    events: [licenseRevoked('lic-1', 'acme', 'mythos-5')],
    request: byPartner('acme'),
    now: Date.parse(UNTIL) + 1,
    reasons: [LICENSE_REVOKED],
  },
  { name: 'LICENSE_SUSPENDED for a suspended license', events: [licenseSuspended('lic-1', 'acme', 'mythos-5')], request: acme(), reasons: [LICENSE_SUSPENDED], licenseId: 'lic-1' },
  {
    name: 'a reinstated license is usable again',
    events: [licenseSuspended('lic-1', 'acme', 'mythos-5'), licenseReinstated('lic-1', 'acme', 'mythos-5')],
    request: acme(),
    reasons: [],
  },
  {
    name: 'a suspended license whose window has passed reports LICENSE_EXPIRED',
    events: [licenseSuspended('lic-1', 'acme', 'mythos-5')],
    request: acme(),
    now: Date.parse(UNTIL),
    reasons: [LICENSE_EXPIRED],
  },
  {
    name: 'an amendment replaces the window: moved later, not yet valid',
    events: [licenseAmended('lic-1', 'acme', 'mythos-5', { validFrom: '2026-07-01T00:00:00.000Z' })],
    request: acme(),
    reasons: [LICENSE_NOT_YET_VALID],
  },
  {
    name: 'an amendment replaces the window: extended, valid after the old end',
    events: [licenseAmended('lic-1', 'acme', 'mythos-5', { validUntil: null })],
    request: acme(),
    now: Date.parse(UNTIL) + 1,
    reasons: [],
  },
  {
    name: 'an amendment keeps a suspension',
    events: [licenseSuspended('lic-1', 'acme', 'mythos-5'), licenseAmended('lic-1', 'acme', 'mythos-5', { validUntil: null })],
    request: acme(),
    reasons: [LICENSE_SUSPENDED],
  },

  // family
  {
    name: 'a license on the family covers each model of it',
    events: [...onboarded('globex'), granted('lic-fam', 'globex', 'mythos')],
    request: byPartner('globex', 'mythos-6'),
    reasons: [],
    licenseId: 'lic-fam',
  },
  { name: 'a license on the family does not cover another family', events: [...onboarded('globex'), granted('lic-fam', 'globex', 'mythos')], request: byPartner('globex', 'haiku-3'), reasons: [NO_LICENSE] },
  {
    name: 'a revoked family license is reported as revoked',
    events: [...onboarded('globex'), granted('lic-fam', 'globex', 'mythos'), licenseRevoked('lic-fam', 'globex', 'mythos')],
    request: byPartner('globex', 'mythos-5'),
    reasons: [LICENSE_REVOKED],
    licenseId: 'lic-fam',
  },
  {
    name: 'a suspended family license is reported as suspended',
    events: [...onboarded('globex'), granted('lic-fam', 'globex', 'mythos'), licenseSuspended('lic-fam', 'globex', 'mythos')],
    request: byPartner('globex', 'mythos-6'),
    reasons: [LICENSE_SUSPENDED],
    licenseId: 'lic-fam',
  },

  // several licenses for the same model
  { name: 'a valid license wins over a revoked one granted earlier', events: [licenseRevoked('lic-1', 'acme', 'mythos-5'), granted('lic-2', 'acme', 'mythos-5')], request: byPartner('acme'), reasons: [], licenseId: 'lic-2' },
  { name: 'a valid license wins over a revoked one granted later', events: [granted('lic-2', 'acme', 'mythos-5'), licenseRevoked('lic-2', 'acme', 'mythos-5')], request: byPartner('acme'), reasons: [], licenseId: 'lic-1' },
  { name: 'a valid family license wins over a revoked exact one', events: [licenseRevoked('lic-1', 'acme', 'mythos-5'), granted('lic-fam', 'acme', 'mythos')], request: byPartner('acme'), reasons: [], licenseId: 'lic-fam' },
  {
    name: 'a valid license wins over an expired one',
    events: [granted('lic-0', 'acme', 'mythos-5', '2024-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z')],
    request: byPartner('acme'),
    reasons: [],
    licenseId: 'lic-1',
  },
  {
    name: 'without a valid one, expired is closer than revoked',
    events: [licenseRevoked('lic-1', 'acme', 'mythos-5'), granted('lic-0', 'acme', 'mythos-5', '2024-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z')],
    request: byPartner('acme'),
    reasons: [LICENSE_EXPIRED],
    licenseId: 'lic-0',
  },
  {
    name: 'without a valid one, suspended is closer than expired',
    events: [licenseSuspended('lic-1', 'acme', 'mythos-5'), granted('lic-0', 'acme', 'mythos-5', '2024-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z')],
    request: byPartner('acme'),
    reasons: [LICENSE_SUSPENDED],
    licenseId: 'lic-1',
  },
  {
    name: 'without a valid one, not yet valid is closer than suspended, expired or revoked',
    events: [
      licenseRevoked('lic-1', 'acme', 'mythos-5'),
      granted('lic-0', 'acme', 'mythos-5', '2024-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z'),
      granted('lic-s', 'acme', 'mythos-5'),
      licenseSuspended('lic-s', 'acme', 'mythos-5'),
      granted('lic-next', 'acme', 'mythos-5', '2027-01-01T00:00:00.000Z', null),
    ],
    request: byPartner('acme'),
    reasons: [LICENSE_NOT_YET_VALID],
    licenseId: 'lic-next',
  },

  // license conditions: destinations
  ...(
    [
      ['US', []],
      ['us', []],
      ['CA', []],
      ['DE', [GEO_EMBARGOED]],
      [undefined, [GEO_UNKNOWN]],
      [null, [GEO_UNKNOWN]],
      ['', [GEO_UNKNOWN]],
      ['XX', [GEO_UNKNOWN]],
      ['T1', [GEO_UNKNOWN]],
      ['USA', [GEO_UNKNOWN]],
    ] as [string | null | undefined, ReasonCode[]][]
  ).map(
    ([country, reasons]): Case => ({
      name: `a license for US and CA only, request from ${JSON.stringify(country)}: ${reasons.join(', ') || 'allow'}`,
      events: [licenseRevoked('lic-1', 'acme', 'mythos-5'), grantedWith('lic-d', 'acme', 'mythos-5', { allowedDestinations: ['US', 'ca'] })],
      request: acme({ country }),
      reasons,
      licenseId: 'lic-d',
    }),
  ),
  {
    name: 'GEO_EMBARGOED everywhere for a license allowing no destination at all',
    events: [licenseRevoked('lic-1', 'acme', 'mythos-5'), grantedWith('lic-d', 'acme', 'mythos-5', { allowedDestinations: [] })],
    request: acme({ country: 'US' }),
    reasons: [GEO_EMBARGOED],
  },
  {
    name: 'of two usable licenses, the one whose destinations fit is chosen',
    events: [licenseRevoked('lic-1', 'acme', 'mythos-5'), grantedWith('lic-us', 'acme', 'mythos-5', { allowedDestinations: ['US'] }), granted('lic-fam', 'acme', 'mythos')],
    request: acme({ country: 'DE' }),
    reasons: [],
    licenseId: 'lic-fam',
  },
  {
    name: 'an amendment replaces the destinations: lifted',
    events: [grantedWith('lic-d', 'acme', 'haiku-3', { allowedDestinations: ['US'] }), licenseAmended('lic-d', 'acme', 'haiku-3', { allowedDestinations: null })],
    request: acme({ country: 'DE' }, 'haiku-3'),
    reasons: [],
  },
  {
    name: 'an amendment replaces the destinations: narrowed',
    events: [grantedWith('lic-d', 'acme', 'haiku-3', { allowedDestinations: ['US', 'DE'] }), licenseAmended('lic-d', 'acme', 'haiku-3', { allowedDestinations: ['US'] })],
    request: acme({ country: 'DE' }, 'haiku-3'),
    reasons: [GEO_EMBARGOED],
  },
  {
    name: "an unusable license's conditions are not reported",
    events: [licenseRevoked('lic-1', 'acme', 'mythos-5'), grantedWith('lic-d', 'acme', 'mythos-5', { allowedDestinations: ['US'], requireEndUserIdentification: true }), licenseRevoked('lic-d', 'acme', 'mythos-5')],
    request: acme({ country: 'DE' }),
    reasons: [LICENSE_REVOKED],
  },

  // license conditions: end-user identification
  ...(
    [
      ['no userId', undefined, [], [USER_UNKNOWN]],
      ['an empty userId', '', [], [USER_UNKNOWN]],
      ['a user nobody enrolled', 'u-ghost', [], [USER_UNKNOWN]],
      ['a removed user', 'u-us', [removed('acme', 'u-us')], [USER_UNKNOWN]],
      ['a removed then re-enrolled user', 'u-us', [removed('acme', 'u-us'), enrolled('acme', 'u-us')], []],
      ['a user of another partner', 'u-g', [...onboarded('globex'), ...person('globex', 'u-g', { citizenships: [citizen('US')] })], [USER_UNKNOWN]],
      ['a user whose KYC was verified but who was never enrolled', 'u-k', [kycOpened('kyc-k', 'acme', USER('u-k')), kycVerified('kyc-k', 'acme', USER('u-k'))], [USER_UNKNOWN]],
      ['an enrolled user without KYC', 'u-new', [], [USER_NOT_VERIFIED]],
      ['an enrolled user with a pending KYC', 'u-new', [kycOpened('kyc-n', 'acme', USER('u-new')), kycPending('kyc-n', 'acme')], [USER_NOT_VERIFIED]],
      ['a user whose KYC was reversed to failed', 'u-us', [kycFailed(userKyc('acme', 'u-us'), 'acme', USER('u-us'))], [USER_NOT_VERIFIED]],
      ['a user whose KYC expired', 'u-us', [kycExpired(userKyc('acme', 'u-us'), 'acme', USER('u-us'))], [USER_NOT_VERIFIED]],
      ['a verified user whose newer KYC case is pending', 'u-us', [kycOpened('kyc-us-2', 'acme', USER('u-us'))], [USER_NOT_VERIFIED]],
      ['a verified user (nationality does not matter to the license)', 'u-de', [], []],
    ] as [string, string | undefined, AnyDomainEvent[], ReasonCode[]][]
  ).map(
    ([who, userId, events, reasons]): Case => ({
      name: `a license requiring end-user identification, ${who}: ${reasons.join(', ') || 'allow'}`,
      events: [...events, licenseRevoked('lic-1', 'acme', 'mythos-5'), grantedWith('lic-u', 'acme', 'mythos-5', { requireEndUserIdentification: true })],
      request: acme({ userId }),
      reasons,
      licenseId: 'lic-u',
    }),
  ),
  {
    name: 'both license conditions failing report both, destination first',
    events: [licenseRevoked('lic-1', 'acme', 'mythos-5'), grantedWith('lic-c', 'acme', 'mythos-5', { allowedDestinations: ['US'], requireEndUserIdentification: true })],
    request: acme({ country: 'DE', userId: 'u-new' }),
    reasons: [GEO_EMBARGOED, USER_NOT_VERIFIED],
    licenseId: 'lic-c',
  },
  {
    name: 'of two usable licenses failing their conditions, the one failing fewer is reported',
    events: [
      licenseRevoked('lic-1', 'acme', 'mythos-5'),
      grantedWith('lic-two', 'acme', 'mythos-5', { allowedDestinations: ['US'], requireEndUserIdentification: true }),
      grantedWith('lic-one', 'acme', 'mythos', { requireEndUserIdentification: true }),
    ],
    request: acme({ country: 'DE' }),
    reasons: [USER_UNKNOWN],
    licenseId: 'lic-one',
  },

  // directives: windows
  { name: 'a directive not yet effective does not apply', events: [fn({ effectiveAt: '2026-07-01T00:00:00.000Z' })], request: acme({ userId: 'u-de' }), reasons: [] },
  {
    name: 'a directive applies from its effectiveAt instant',
    events: [fn({ effectiveAt: '2026-07-01T00:00:00.000Z' })],
    request: acme({ userId: 'u-de' }),
    now: Date.parse('2026-07-01T00:00:00.000Z'),
    reasons: [DIRECTIVE_FOREIGN_NATIONAL],
  },
  {
    name: 'a directive applies until the millisecond before it expires',
    events: [fn({ expiresAt: '2026-06-02T00:00:00.000Z' })],
    request: acme({ userId: 'u-de' }),
    now: Date.parse('2026-06-02T00:00:00.000Z') - 1,
    reasons: [DIRECTIVE_FOREIGN_NATIONAL],
  },
  { name: 'an expired directive does not apply', events: [fn({ expiresAt: '2026-06-01T00:00:00.000Z' })], request: acme({ userId: 'u-de' }), reasons: [] },
  { name: 'a directive lifted before now does not apply', events: [fn(), directiveLifted('dir-fn', '2026-06-01T12:00:00.000Z')], request: acme({ userId: 'u-de' }), reasons: [] },
  {
    name: 'a directive lifted later still applies now (as-of)',
    events: [fn(), directiveLifted('dir-fn', '2026-06-01T12:00:00.001Z')],
    request: acme({ userId: 'u-de' }),
    reasons: [DIRECTIVE_FOREIGN_NATIONAL],
  },

  // directives: scope
  { name: 'a directive on the model id covers it', events: [fn()], request: acme({ userId: 'u-de' }), reasons: [DIRECTIVE_FOREIGN_NATIONAL] },
  {
    name: 'a directive on the family covers every model of it',
    events: [granted('lic-fam', 'acme', 'mythos'), directiveIssued('dir-fam', { families: ['mythos'] })],
    request: acme({ userId: 'u-de' }, 'mythos-6'),
    reasons: [DIRECTIVE_FOREIGN_NATIONAL],
  },
  { name: 'a directive on one model does not cover its family siblings', events: [granted('lic-fam', 'acme', 'mythos'), fn()], request: acme({ userId: 'u-de' }, 'mythos-6'), reasons: [] },
  { name: 'a directive on another family does not apply', events: [directiveIssued('dir-h', { families: ['haiku'] })], request: acme({ userId: 'u-de' }), reasons: [] },
  {
    name: 'a directive naming the model both by id and family applies once',
    events: [directiveIssued('dir-both', { modelIds: ['mythos-5'], families: ['mythos'] })],
    request: acme({ userId: 'u-de' }),
    reasons: [DIRECTIVE_FOREIGN_NATIONAL],
  },
  {
    name: 'an amendment moving the scope to another model stops covering this one',
    events: [fn(), directiveAmended('dir-fn', { modelIds: ['haiku-3'] })],
    request: acme({ userId: 'u-de' }),
    reasons: [],
  },

  // directives: foreign nationals
  { name: 'a US citizen passes a US-nationals-only directive', events: [fn()], request: acme({ userId: 'u-us' }), reasons: [] },
  { name: 'DIRECTIVE_FOREIGN_NATIONAL for a German user', events: [fn()], request: acme({ userId: 'u-de' }), reasons: [DIRECTIVE_FOREIGN_NATIONAL] },
  { name: 'USER_UNKNOWN (only) without a user: nationality cannot be established', events: [fn()], request: acme(), reasons: [USER_UNKNOWN] },
  { name: 'USER_UNKNOWN for a removed user', events: [fn(), removed('acme', 'u-us')], request: acme({ userId: 'u-us' }), reasons: [USER_UNKNOWN] },
  { name: 'USER_NOT_VERIFIED for an enrolled user without KYC', events: [fn()], request: acme({ userId: 'u-new' }), reasons: [USER_NOT_VERIFIED] },
  { name: 'USER_NOT_VERIFIED for a US citizen whose KYC was reversed', events: [fn(), kycFailed(userKyc('acme', 'u-us'), 'acme', USER('u-us'))], request: acme({ userId: 'u-us' }), reasons: [USER_NOT_VERIFIED] },
  {
    name: 'a dual national holding an allowed citizenship passes',
    events: [fn(), ...person('acme', 'u-dual', { citizenships: [citizen('FR'), citizen('US', '2001-01-01')] })],
    request: acme({ userId: 'u-dual' }),
    reasons: [],
  },
  {
    name: 'a citizenship acquired after now does not count yet',
    events: [fn(), ...person('acme', 'u-nat', { citizenships: [citizen('DE'), citizen('US', '2026-09-01')] })],
    request: acme({ userId: 'u-nat' }),
    reasons: [DIRECTIVE_FOREIGN_NATIONAL],
  },
  {
    name: 'a citizenship counts from its first day',
    events: [fn(), ...person('acme', 'u-nat', { citizenships: [citizen('DE'), citizen('US', '2026-09-01')] })],
    request: acme({ userId: 'u-nat' }),
    now: Date.parse('2026-09-01'),
    reasons: [],
  },
  {
    name: 'a citizenship given up before now no longer counts',
    events: [fn(), ...person('acme', 'u-ren', { citizenships: [citizen('US', '1970-01-01', '2026-05-01'), citizen('GB', '2020-01-01')] })],
    request: acme({ userId: 'u-ren' }),
    reasons: [DIRECTIVE_FOREIGN_NATIONAL],
  },
  {
    name: 'a citizenship given up later still counts now',
    events: [fn(), ...person('acme', 'u-ren', { citizenships: [citizen('US', '1970-01-01', '2026-12-01')] })],
    request: acme({ userId: 'u-ren' }),
    reasons: [],
  },
  { name: 'a US permanent resident passes when permanent residents are allowed', events: [fn({ allowPermanentResidents: true })], request: acme({ userId: 'u-pr' }), reasons: [] },
  { name: 'DIRECTIVE_FOREIGN_NATIONAL for a US permanent resident when they are not allowed', events: [fn()], request: acme({ userId: 'u-pr' }), reasons: [DIRECTIVE_FOREIGN_NATIONAL] },
  {
    name: 'a permanent residency that ended no longer counts',
    events: [fn({ allowPermanentResidents: true }), ...person('acme', 'u-expr', { citizenships: [citizen('DE')], permanentResidencies: [citizen('US', '2010-01-01', '2020-01-01')] })],
    request: acme({ userId: 'u-expr' }),
    reasons: [DIRECTIVE_FOREIGN_NATIONAL],
  },
  {
    name: 'a permanent residency in another country does not count',
    events: [fn({ allowPermanentResidents: true }), ...person('acme', 'u-ca', { citizenships: [citizen('DE')], permanentResidencies: [citizen('CA')] })],
    request: acme({ userId: 'u-ca' }),
    reasons: [DIRECTIVE_FOREIGN_NATIONAL],
  },
  {
    name: 'the undated usPerson flag alone does not establish nationality',
    events: [fn({ allowPermanentResidents: true }), ...person('acme', 'u-flag', { usPerson: true })],
    request: acme({ userId: 'u-flag' }),
    reasons: [DIRECTIVE_FOREIGN_NATIONAL],
  },
  { name: 'several allowed nationalities, country codes compared case-insensitively', events: [fn({ nationals: ['us', 'de'] })], request: acme({ userId: 'u-de' }), reasons: [] },
  {
    name: 'an amendment allowing permanent residents lets them in',
    events: [fn(), directiveAmended('dir-fn', { modelIds: ['mythos-5'], allowPermanentResidents: true })],
    request: acme({ userId: 'u-pr' }),
    reasons: [],
  },
  { name: 'an allow-list naming no country bars everybody without an approval', events: [fn({ nationals: [] })], request: acme({ userId: 'u-us' }), reasons: [DIRECTIVE_FOREIGN_NATIONAL] },

  // directives: destinations
  { name: 'DIRECTIVE_DESTINATION for a request from a forbidden country', events: [fn({ nationals: null, forbidden: ['CN', 'RU'] })], request: acme({ country: 'cn' }), reasons: [DIRECTIVE_DESTINATION] },
  { name: 'a request from elsewhere passes a destination directive', events: [fn({ nationals: null, forbidden: ['CN', 'RU'] })], request: acme({ country: 'US' }), reasons: [] },
  { name: 'GEO_UNKNOWN when a destination directive applies and the country is unknown', events: [fn({ nationals: null, forbidden: ['CN'] })], request: acme(), reasons: [GEO_UNKNOWN] },
  { name: 'a destination directive does not need a user', events: [fn({ nationals: null, forbidden: ['CN'] })], request: acme({ country: 'FR' }), reasons: [] },
  {
    name: 'both restrictions of one directive report both',
    events: [fn({ forbidden: ['CN'] })],
    request: acme({ userId: 'u-de', country: 'CN' }),
    reasons: [DIRECTIVE_FOREIGN_NATIONAL, DIRECTIVE_DESTINATION],
  },
  {
    name: 'two directives each add their reason',
    events: [fn(), directiveIssued('dir-geo', { families: ['mythos'], nationals: null, forbidden: ['CN'] })],
    request: acme({ userId: 'u-de', country: 'CN' }),
    reasons: [DIRECTIVE_FOREIGN_NATIONAL, DIRECTIVE_DESTINATION],
  },
  {
    name: 'a reason from a license condition and a directive is reported once',
    events: [
      licenseRevoked('lic-1', 'acme', 'mythos-5'),
      grantedWith('lic-c', 'acme', 'mythos-5', { allowedDestinations: ['US'], requireEndUserIdentification: true }),
      fn({ forbidden: ['CN'] }),
    ],
    request: acme(),
    reasons: [GEO_UNKNOWN, USER_UNKNOWN],
  },

  // directives: exemption by government approval
  { name: 'an approval for the model exempts the partner', events: [fn({ exempt: true }), approvalGranted('ga-1', 'acme', ['mythos-5'])], request: acme({ userId: 'u-de' }), reasons: [] },
  { name: 'an approval for the family exempts the partner', events: [fn({ exempt: true }), approvalGranted('ga-1', 'acme', ['mythos'])], request: acme({ userId: 'u-de' }), reasons: [] },
  { name: 'an exempt partner needs no identified user', events: [fn({ exempt: true }), approvalGranted('ga-1', 'acme', ['mythos-5'])], request: acme(), reasons: [] },
  {
    name: 'an exempt partner is exempt from the destination restriction too',
    events: [fn({ exempt: true, forbidden: ['CN'] }), approvalGranted('ga-1', 'acme', ['mythos-5'])],
    request: acme({ userId: 'u-de', country: 'CN' }),
    reasons: [],
  },
  {
    name: 'GOVERNMENT_APPROVAL_REQUIRED with DIRECTIVE_FOREIGN_NATIONAL when an approval would exempt',
    events: [fn({ exempt: true })],
    request: acme({ userId: 'u-de' }),
    reasons: [DIRECTIVE_FOREIGN_NATIONAL, GOVERNMENT_APPROVAL_REQUIRED],
  },
  { name: 'GOVERNMENT_APPROVAL_REQUIRED with USER_UNKNOWN when an approval would exempt', events: [fn({ exempt: true })], request: acme(), reasons: [USER_UNKNOWN, GOVERNMENT_APPROVAL_REQUIRED] },
  {
    name: 'GOVERNMENT_APPROVAL_REQUIRED with DIRECTIVE_DESTINATION when an approval would exempt',
    events: [fn({ exempt: true, nationals: null, forbidden: ['CN'] })],
    request: acme({ country: 'CN' }),
    reasons: [DIRECTIVE_DESTINATION, GOVERNMENT_APPROVAL_REQUIRED],
  },
  { name: 'no approval needed by a user the exemptable directive lets through', events: [fn({ exempt: true })], request: acme({ userId: 'u-us' }), reasons: [] },
  { name: 'no GOVERNMENT_APPROVAL_REQUIRED when the directive exempts nobody', events: [fn(), approvalGranted('ga-1', 'acme', ['mythos-5'])], request: acme({ userId: 'u-de' }), reasons: [DIRECTIVE_FOREIGN_NATIONAL] },
  ...(
    [
      ['for another model', [approvalGranted('ga-1', 'acme', ['haiku-3'])]],
      ['for another partner', [...onboarded('globex'), approvalGranted('ga-1', 'globex', ['mythos-5'])]],
      ['only requested', [approvalRequested('ga-1', 'acme', ['mythos-5'])]],
      ['not yet valid', [approvalGranted('ga-1', 'acme', ['mythos-5'], '2026-07-01T00:00:00.000Z')]],
      ['past its validUntil', [approvalGranted('ga-1', 'acme', ['mythos-5'], FROM, '2026-06-01T12:00:00.000Z')]],
      ['revoked', [approvalGranted('ga-1', 'acme', ['mythos-5']), approvalRevoked('ga-1', 'acme')]],
      ['expired by event', [approvalGranted('ga-1', 'acme', ['mythos-5']), approvalExpired('ga-1', 'acme')]],
      ['amended to name another model', [approvalGranted('ga-1', 'acme', ['mythos-5']), approvalAmended('ga-1', 'acme', ['haiku-3'])]],
    ] as [string, AnyDomainEvent[]][]
  ).map(
    ([what, events]): Case => ({
      name: `an approval ${what} does not exempt`,
      events: [fn({ exempt: true }), ...events],
      request: acme({ userId: 'u-de' }),
      reasons: [DIRECTIVE_FOREIGN_NATIONAL, GOVERNMENT_APPROVAL_REQUIRED],
    }),
  ),
  {
    name: 'an approval amended to name the model exempts',
    events: [fn({ exempt: true }), approvalGranted('ga-1', 'acme', ['haiku-3']), approvalAmended('ga-1', 'acme', ['haiku-3', 'mythos-5'])],
    request: acme({ userId: 'u-de' }),
    reasons: [],
  },
  {
    name: 'an approval requested then granted exempts',
    events: [fn({ exempt: true }), approvalRequested('ga-1', 'acme', ['mythos-5']), approvalGranted('ga-1', 'acme', ['mythos-5'])],
    request: acme({ userId: 'u-de' }),
    reasons: [],
  },
  {
    name: 'an approval valid until the millisecond after now exempts',
    events: [fn({ exempt: true }), approvalGranted('ga-1', 'acme', ['mythos-5'], FROM, '2026-06-01T12:00:00.001Z')],
    request: acme({ userId: 'u-de' }),
    reasons: [],
  },
  {
    name: 'an approval exempts from the exemptable directive only',
    events: [fn({ exempt: true }), directiveIssued('dir-strict', { families: ['mythos'] }), approvalGranted('ga-1', 'acme', ['mythos-5'])],
    request: acme({ userId: 'u-de' }),
    reasons: [DIRECTIVE_FOREIGN_NATIONAL],
  },
  {
    name: 'an approval does not replace a license',
    events: [fn({ exempt: true }), approvalGranted('ga-1', 'acme', ['mythos-6'])],
    request: acme({ userId: 'u-de' }, 'mythos-6'),
    reasons: [NO_LICENSE],
  },

  // several reasons at once, in rule order
  { name: 'unapproved partner, no KYC and no license', events: [submitted('initech')], request: byPartner('initech'), reasons: [PARTNER_NOT_APPROVED, KYC_NOT_VERIFIED, NO_LICENSE] },
  {
    name: 'suspended model and revoked license',
    events: [suspended('mythos-5'), licenseRevoked('lic-1', 'acme', 'mythos-5')],
    request: byPartner('acme'),
    reasons: [MODEL_SUSPENDED, LICENSE_REVOKED],
    licenseId: 'lic-1',
  },
  { name: 'retired model and expired license', events: [retired('mythos-5')], request: byPartner('acme'), now: Date.parse(UNTIL), reasons: [MODEL_RETIRED, LICENSE_EXPIRED] },
  { name: 'unknown credential and unknown model', request: { credentialHash: 'nope', model: 'mythos-9' }, reasons: [UNKNOWN_CREDENTIAL, UNKNOWN_MODEL] },
  {
    name: 'revoked credential and suspended model',
    events: [credentialRevoked('cred-acme', 'acme'), suspended('mythos-5')],
    request: byCredential('cred-acme'),
    reasons: [UNKNOWN_CREDENTIAL, MODEL_SUSPENDED],
  },
  { name: 'unknown partner and unknown model', request: byPartner('nobody', 'mythos-9'), reasons: [PARTNER_NOT_APPROVED, KYC_NOT_VERIFIED, UNKNOWN_MODEL], licenseId: null },
  {
    name: 'rejected partner, suspended model and not-yet-valid license',
    events: [submitted('globex'), rejected('globex'), suspended('mythos-5'), granted('lic-g', 'globex', 'mythos-5', '2027-01-01T00:00:00.000Z')],
    request: byPartner('globex'),
    reasons: [PARTNER_NOT_APPROVED, KYC_NOT_VERIFIED, MODEL_SUSPENDED, LICENSE_NOT_YET_VALID],
    licenseId: 'lic-g',
  },
  {
    name: 'suspended partner, failed KYC, screening hit, suspended model, license suspended',
    events: [partnerSuspended('acme'), kycFailed(orgKyc('acme'), 'acme'), screened('s-1', 'acme', 'block'), suspended('mythos-5'), licenseSuspended('lic-1', 'acme', 'mythos-5')],
    request: acme({ userId: 'u-de' }),
    reasons: [PARTNER_SUSPENDED, KYC_NOT_VERIFIED, SCREENING_HIT, MODEL_SUSPENDED, LICENSE_SUSPENDED],
  },
  {
    name: 'every layer failing at once: partner, KYC, screening, model, license conditions, directives',
    events: [
      offboarded('acme'),
      kycExpired(orgKyc('acme'), 'acme'),
      screened('s-1', 'acme', 'review'),
      hitConfirmed('s-1', 'acme'),
      retired('mythos-5'),
      licenseRevoked('lic-1', 'acme', 'mythos-5'),
      grantedWith('lic-c', 'acme', 'mythos-5', { allowedDestinations: ['US'], requireEndUserIdentification: true }),
      fn({ exempt: true, forbidden: ['CN'] }),
    ],
    request: acme({ userId: 'u-de', country: 'CN' }),
    reasons: [
      PARTNER_NOT_APPROVED,
      KYC_NOT_VERIFIED,
      SCREENING_HIT,
      MODEL_RETIRED,
      GEO_EMBARGOED,
      DIRECTIVE_FOREIGN_NATIONAL,
      DIRECTIVE_DESTINATION,
      GOVERNMENT_APPROVAL_REQUIRED,
    ],
    licenseId: 'lic-c',
  },
  {
    name: 'an unknown credential skips every partner-bound rule, directives included',
    events: [fn({ forbidden: ['CN'] })],
    request: { credentialHash: 'nope', model: 'mythos-5', country: 'CN' },
    reasons: [UNKNOWN_CREDENTIAL],
  },
];

/** The trace's rule names with repeats (several directives) collapsed. */
const ruleSequence = (decision: Decision) => decision.trace!.map((entry) => entry.rule).filter((rule, i, all) => i === 0 || all[i - 1] !== rule);

function expectConsistentExplain(index: EntitlementIndex, request: CheckRequest, now: number): Decision {
  const plain = decide(index, request, now);
  const explained = decide(index, request, now, true);
  expect({ ...explained, trace: null }).toEqual(plain);
  expect(plain.trace).toBeNull();
  expect([...new Set(explained.trace!.flatMap((entry) => entry.reasons))]).toEqual(plain.reasons);
  for (const entry of explained.trace!) expect(entry.outcome === 'fail').toBe(entry.reasons.length > 0);
  expect(ruleSequence(explained)).toEqual([...RULES]);
  return explained;
}

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

    it('answers the same when explained, the trace holding every reason and every rule in order', () => {
      expectConsistentExplain(index, request, now);
    });
  });

  it('the cases exercise every reason code decide can produce', () => {
    const produced = new Set([...cases.flatMap((c) => c.reasons), ...story.flatMap((row) => Object.values(row.expect).flat())]);
    // STALE_STATE comes from the service (index freshness); ANONYMIZER_DETECTED needs a signal the request does not carry yet.
    const producible = Object.values(ReasonCode).filter((code) => code !== ReasonCode.STALE_STATE && code !== ReasonCode.ANONYMIZER_DETECTED);
    expect([...produced].sort()).toEqual(producible.sort());
  });

  // ---- the June 2026 story (ARCHITECTURE.md), one index, three instants ---------------------------

  const JUNE_11 = Date.parse('2026-06-11T12:00:00.000Z');
  const JUNE_13 = Date.parse('2026-06-13T10:00:00.000Z');
  const JUNE_27 = Date.parse('2026-06-27T12:00:00.000Z');
  const LAUNCH = '2026-06-09T00:00:00.000Z';
  const JUNE_12 = '2026-06-12T00:00:00.000Z';
  const JUNE_26 = '2026-06-26T00:00:00.000Z';
  const foreignNationalsDirective = (directiveId: string, modelIds: string[], effectiveAt: string, exempt: boolean, nationals = ['US']): AnyDomainEvent =>
    directiveIssued(directiveId, { modelIds, effectiveAt, nationals, allowPermanentResidents: true, exempt });

  const storyEvents: AnyDomainEvent[] = [
    registered('fable-5', 'fable'),
    registered('mythos-5', 'mythos'),
    registered('mythos-preview', 'mythos'),
    registered('haiku-3', 'haiku'),
    registered('gpt-5.6', 'gpt-5'),
    // acme: approved and licensed, no government approval; a US and a German user.
    ...onboarded('acme'),
    granted('lic-acme-mythos', 'acme', 'mythos-5', LAUNCH, null),
    granted('lic-acme-fable', 'acme', 'fable-5', LAUNCH, null),
    granted('lic-acme-haiku', 'acme', 'haiku-3', FROM, null),
    granted('lic-acme-gpt', 'acme', 'gpt-5.6', JUNE_26, null),
    ...person('acme', 'alice', { citizenships: [citizen('US', '1990-01-01')], usPerson: true }),
    ...person('acme', 'bob', { citizenships: [citizen('DE', '1990-01-01')] }),
    ...person('acme', 'gabi', { citizenships: [citizen('DE', '1990-01-01')], permanentResidencies: [citizen('US', '2018-01-01')], usPerson: true }),
    // trusted: approved and licensed, holds a government approval for mythos-5 and gpt-5.6 from June 20.
    ...onboarded('trusted'),
    granted('lic-trusted-mythos', 'trusted', 'mythos', LAUNCH, null),
    granted('lic-trusted-fable', 'trusted', 'fable-5', LAUNCH, null),
    granted('lic-trusted-gpt', 'trusted', 'gpt-5.6', JUNE_26, null),
    approvalGranted('ga-trusted', 'trusted', ['mythos-5', 'gpt-5.6'], '2026-06-20T00:00:00.000Z', null),
    ...person('trusted', 'eve', { citizenships: [citizen('FR', '1990-01-01')] }),
    // critical: a critical-infrastructure partner on mythos-preview.
    ...onboarded('critical'),
    granted('lic-critical', 'critical', 'mythos-preview', FROM, null),
    ...person('critical', 'ivan', { citizenships: [citizen('UA', '1990-01-01')] }),
    // June 12: no foreign nationals on either flagship, no exemption.
    foreignNationalsDirective('d-0612-fable', ['fable-5'], JUNE_12, false),
    foreignNationalsDirective('d-0612-mythos', ['mythos-5'], JUNE_12, false),
    // June 26: mythos-5 reopened to partners with a government approval: the June 12 directive is lifted and
    // replaced by one exempting them. gpt-5.6 launches gated: approved partners only (no nationality passes).
    directiveLifted('d-0612-mythos', JUNE_26),
    foreignNationalsDirective('d-0626-mythos', ['mythos-5'], JUNE_26, true),
    foreignNationalsDirective('d-0626-gpt', ['gpt-5.6'], JUNE_26, true, []),
  ];

  interface StoryRow {
    who: string;
    request: CheckRequest;
    expect: { june11: ReasonCode[]; june13: ReasonCode[]; june27: ReasonCode[] };
  }
  const FN_GAR = [DIRECTIVE_FOREIGN_NATIONAL, GOVERNMENT_APPROVAL_REQUIRED];
  const story: StoryRow[] = [
    { who: 'acme, US user, mythos-5', request: byPartner('acme', 'mythos-5', { userId: 'alice' }), expect: { june11: [], june13: [], june27: [] } },
    { who: 'acme, US permanent resident, mythos-5', request: byPartner('acme', 'mythos-5', { userId: 'gabi' }), expect: { june11: [], june13: [], june27: [] } },
    {
      who: 'acme, German user, mythos-5',
      request: byPartner('acme', 'mythos-5', { userId: 'bob' }),
      expect: { june11: [], june13: [DIRECTIVE_FOREIGN_NATIONAL], june27: FN_GAR },
    },
    {
      who: 'acme, no user named, mythos-5',
      request: byPartner('acme', 'mythos-5'),
      expect: { june11: [], june13: [USER_UNKNOWN], june27: [USER_UNKNOWN, GOVERNMENT_APPROVAL_REQUIRED] },
    },
    { who: 'acme, US user, fable-5', request: byPartner('acme', 'fable-5', { userId: 'alice' }), expect: { june11: [], june13: [], june27: [] } },
    {
      who: 'acme, German user, fable-5',
      request: byPartner('acme', 'fable-5', { userId: 'bob' }),
      expect: { june11: [], june13: [DIRECTIVE_FOREIGN_NATIONAL], june27: [DIRECTIVE_FOREIGN_NATIONAL] },
    },
    { who: 'acme, German user, haiku-3 (other models unaffected)', request: byPartner('acme', 'haiku-3', { userId: 'bob' }), expect: { june11: [], june13: [], june27: [] } },
    {
      who: 'acme, German user, mythos-preview (same family, not named)',
      request: byPartner('acme', 'mythos-preview', { userId: 'bob' }),
      expect: { june11: [NO_LICENSE], june13: [NO_LICENSE], june27: [NO_LICENSE] },
    },
    {
      who: 'acme, US user, gpt-5.6 (gated: approved partners only)',
      request: byPartner('acme', 'gpt-5.6', { userId: 'alice' }),
      expect: { june11: [LICENSE_NOT_YET_VALID], june13: [LICENSE_NOT_YET_VALID], june27: FN_GAR },
    },
    {
      who: 'trusted, French user, mythos-5',
      request: byPartner('trusted', 'mythos-5', { userId: 'eve' }),
      expect: { june11: [], june13: [DIRECTIVE_FOREIGN_NATIONAL], june27: [] },
    },
    {
      who: 'trusted, no user named, mythos-5 (exempt: no identification needed)',
      request: byPartner('trusted', 'mythos-5'),
      expect: { june11: [], june13: [USER_UNKNOWN], june27: [] },
    },
    {
      who: 'trusted, French user, fable-5 (stays restricted)',
      request: byPartner('trusted', 'fable-5', { userId: 'eve' }),
      expect: { june11: [], june13: [DIRECTIVE_FOREIGN_NATIONAL], june27: [DIRECTIVE_FOREIGN_NATIONAL] },
    },
    {
      who: 'trusted, French user, gpt-5.6',
      request: byPartner('trusted', 'gpt-5.6', { userId: 'eve' }),
      expect: { june11: [LICENSE_NOT_YET_VALID], june13: [LICENSE_NOT_YET_VALID], june27: [] },
    },
    {
      who: 'critical, Ukrainian user, mythos-preview (available throughout)',
      request: byPartner('critical', 'mythos-preview', { userId: 'ivan' }),
      expect: { june11: [], june13: [], june27: [] },
    },
  ];

  describe('the June 2026 story: one index, three instants', () => {
    const index = indexOf(storyEvents);
    const rows = story.flatMap((row) =>
      (
        [
          ['June 11', JUNE_11, row.expect.june11],
          ['June 13', JUNE_13, row.expect.june13],
          ['June 27', JUNE_27, row.expect.june27],
        ] as const
      ).map(([day, now, reasons]) => ({ name: `${row.who} on ${day}`, request: row.request, now, reasons })),
    );

    it.each(rows)('$name: $reasons', ({ request, now, reasons }) => {
      const decision = expectConsistentExplain(index, request, now);
      expect(decision.reasons).toEqual(reasons);
      expect(decision.allow).toBe(reasons.length === 0);
    });

    it('explains June 27 for the trusted partner: the lifted directive skipped, the new one exempt by the approval', () => {
      const directives = decide(index, byPartner('trusted', 'mythos-5', { userId: 'eve' }), JUNE_27, true).trace!.filter((entry) => entry.rule === 'directive');
      expect(directives.map(({ ref, outcome }) => ({ ref, outcome }))).toEqual([
        { ref: 'd-0612-mythos', outcome: 'skipped' },
        { ref: 'd-0626-mythos', outcome: 'pass' },
      ]);
      expect(directives[0].detail).toContain('lifted');
      expect(directives[1].detail).toContain('exempt');
      expect(directives[1].detail).toContain('ga-trusted');
    });

    it('explains June 13 for acme: the June 12 directive in force, the June 26 one not yet effective', () => {
      const directives = decide(index, byPartner('acme', 'mythos-5', { userId: 'bob' }), JUNE_13, true).trace!.filter((entry) => entry.rule === 'directive');
      expect(directives.map(({ ref, outcome, reasons }) => ({ ref, outcome, reasons }))).toEqual([
        { ref: 'd-0612-mythos', outcome: 'fail', reasons: [DIRECTIVE_FOREIGN_NATIONAL] },
        { ref: 'd-0626-mythos', outcome: 'skipped', reasons: [] },
      ]);
      expect(directives[1].detail).toContain('not yet effective');
    });

    it('agrees with an index replayed only up to the events recorded by June 13 (as-of)', () => {
      const upToJune13 = indexOf(storyEvents.slice(0, storyEvents.findIndex((event) => event.type === 'DirectiveLifted')));
      for (const row of story) expect(decide(upToJune13, row.request, JUNE_13).reasons).toEqual(row.expect.june13);
    });
  });

  describe('explain', () => {
    const index = indexOf(world);
    const shape = (decision: Decision) => decision.trace?.map(({ rule, outcome, reasons }) => ({ rule, outcome, reasons })) ?? null;
    const passing = (rule: string) => ({ rule, outcome: 'pass', reasons: [] });
    const skipped = (rule: string) => ({ rule, outcome: 'skipped', reasons: [] });

    it('is off by default and when false: trace is null', () => {
      expect(decide(index, byCredential('cred-acme'), NOW).trace).toBeNull();
      expect(decide(index, byCredential('cred-acme'), NOW, false).trace).toBeNull();
    });

    it('traces one passing entry per rule for an allowed request', () => {
      const decision = decide(index, byCredential('cred-acme'), NOW, true);
      expect(shape(decision)).toEqual(RULES.map(passing));
      expect(decision.trace!.find((entry) => entry.rule === 'license')?.detail).toContain('lic-1');
      expect(decision.trace!.find((entry) => entry.rule === 'license')?.ref).toBe('lic-1');
    });

    it('traces failures with their reasons and skips the rules with nothing to look at', () => {
      const failing = indexOf([...world, credentialRevoked('cred-acme', 'acme')]);
      expect(shape(decide(failing, byCredential('cred-acme', 'mythos-9'), NOW, true))).toEqual([
        { rule: 'credential', outcome: 'fail', reasons: [UNKNOWN_CREDENTIAL] },
        skipped('partner'),
        skipped('kyc'),
        skipped('screening'),
        { rule: 'model', outcome: 'fail', reasons: [UNKNOWN_MODEL] },
        passing('geo'),
        ...['license', 'license-destination', 'license-end-user', 'directive'].map(skipped),
      ]);
      const unknownModel = decide(index, byPartner('acme', 'mythos-9'), NOW, true);
      expect(shape(unknownModel)).toEqual([
        skipped('credential'),
        passing('partner'),
        passing('kyc'),
        passing('screening'),
        { rule: 'model', outcome: 'fail', reasons: [UNKNOWN_MODEL] },
        passing('geo'),
        ...['license', 'license-destination', 'license-end-user', 'directive'].map(skipped),
      ]);
    });

    it('traces a failing partner and license by credential, the license conditions skipped', () => {
      const failing = indexOf([...world, submitted('initech'), issued('cred-initech', 'initech')]);
      expect(shape(decide(failing, byCredential('cred-initech'), NOW, true))).toEqual([
        passing('credential'),
        { rule: 'partner', outcome: 'fail', reasons: [PARTNER_NOT_APPROVED] },
        { rule: 'kyc', outcome: 'fail', reasons: [KYC_NOT_VERIFIED] },
        passing('screening'),
        passing('model'),
        passing('geo'),
        { rule: 'license', outcome: 'fail', reasons: [NO_LICENSE] },
        skipped('license-destination'),
        skipped('license-end-user'),
        passing('directive'),
      ]);
    });

    it('traces one entry per rule when the partner is given by id (credential rule skipped)', () => {
      expect(shape(decide(index, byPartner('acme'), NOW, true))).toEqual([skipped('credential'), ...RULES.slice(1).map(passing)]);
    });

    it('traces one entry per directive covering the model, each naming it, with a reason repeated where it applies', () => {
      const both = indexOf([
        ...world,
        licenseRevoked('lic-1', 'acme', 'mythos-5'),
        grantedWith('lic-u', 'acme', 'mythos-5', { requireEndUserIdentification: true }),
        fn({ exempt: true }),
        directiveIssued('dir-fam', { families: ['mythos'], nationals: null, forbidden: ['CN'] }),
        directiveIssued('dir-old', { families: ['mythos'], nationals: null, forbidden: ['CN'], expiresAt: '2026-05-15T00:00:00.000Z' }),
      ]);
      const decision = decide(both, acme({ country: 'CN' }), NOW, true);
      expect(decision.reasons).toEqual([USER_UNKNOWN, GOVERNMENT_APPROVAL_REQUIRED, DIRECTIVE_DESTINATION]);
      expect(decision.trace!.slice(-4).map(({ rule, outcome, reasons, ref }) => ({ rule, outcome, reasons, ref }))).toEqual([
        { rule: 'license-end-user', outcome: 'fail', reasons: [USER_UNKNOWN], ref: 'lic-u' },
        { rule: 'directive', outcome: 'fail', reasons: [USER_UNKNOWN, GOVERNMENT_APPROVAL_REQUIRED], ref: 'dir-fn' },
        { rule: 'directive', outcome: 'fail', reasons: [DIRECTIVE_DESTINATION], ref: 'dir-fam' },
        { rule: 'directive', outcome: 'skipped', reasons: [], ref: 'dir-old' },
      ]);
      expect(decision.trace!.at(-1)!.detail).toContain('expired');
    });

    it('traces a directive naming the model both by id and by family once', () => {
      const both = indexOf([...world, directiveIssued('dir-both', { modelIds: ['mythos-5'], families: ['mythos'] })]);
      const directives = decide(both, acme({ userId: 'u-de' }), NOW, true).trace!.filter((entry) => entry.rule === 'directive');
      expect(directives.map(({ ref, reasons }) => ({ ref, reasons }))).toEqual([{ ref: 'dir-both', reasons: [DIRECTIVE_FOREIGN_NATIONAL] }]);
    });

    it('names the hit subjects of a screening failure', () => {
      const hit = indexOf([...world, screened('s-1', 'acme', 'block', 'beneficial_owner', '1')]);
      expect(decide(hit, acme(), NOW, true).trace!.find((entry) => entry.rule === 'screening')?.detail).toContain('beneficial_owner:1');
    });
  });

  describe('purity', () => {
    const index = indexOf([...world, fn({ exempt: true, forbidden: ['CN'] }), approvalGranted('ga-1', 'acme', ['mythos-5'], FROM, UNTIL)]);

    it('reads no clock and parses no date', () => {
      const parse = jest.spyOn(Date, 'parse');
      const clock = jest.spyOn(Date, 'now');
      try {
        decide(index, acme({ userId: 'u-de', country: 'us' }), NOW);
        decide(index, acme({ userId: 'u-new', country: 'CN' }), NOW, true);
        expect(parse).not.toHaveBeenCalled();
        expect(clock).not.toHaveBeenCalled();
      } finally {
        parse.mockRestore();
        clock.mockRestore();
      }
    });

    it('does not change the index', () => {
      const before = JSON.stringify([...index.facts.values()].map((facts) => [...facts.users.values()]));
      const positionBefore = index.position;
      const first = decide(index, acme({ userId: 'u-de' }), NOW, true);
      expect(decide(index, acme({ userId: 'u-de' }), NOW, true)).toEqual(first);
      expect(JSON.stringify([...index.facts.values()].map((facts) => [...facts.users.values()]))).toBe(before);
      expect(index.position).toBe(positionBefore);
    });
  });

  describe('index', () => {
    it('starts at position 0', () => {
      expect(new EntitlementIndex().position).toBe(0);
    });

    it('tracks the highest globalPosition applied, whatever the order, ignored event types included', () => {
      const index = new EntitlementIndex();
      let position = 0;
      for (const event of orgVerified('acme')) index.apply({ ...event, globalPosition: ++position });
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

    it('ignores status changes for partners, models, licenses, cases, screenings and approvals it never saw', () => {
      const index = indexOf([
        approved('ghost'),
        suspended('ghost-model'),
        licenseRevoked('lic-ghost', 'ghost', 'ghost-model'),
        kycPending('kyc-ghost', 'ghost'),
        hitConfirmed('s-ghost', 'ghost'),
        approvalRevoked('ga-ghost', 'ghost'),
        directiveLifted('dir-ghost', FROM),
      ]);
      expect(index.partners.size).toBe(0);
      expect(index.models.size).toBe(0);
      expect(index.licenses.size).toBe(0);
      expect(index.kycCases.size).toBe(0);
      expect(index.screenings.size).toBe(0);
      expect(index.governmentApprovals.size).toBe(0);
      expect(index.directives.size).toBe(0);
      expect(decide(index, byPartner('ghost', 'ghost-model'), NOW).reasons).toEqual([PARTNER_NOT_APPROVED, KYC_NOT_VERIFIED, UNKNOWN_MODEL]);
    });

    it('parses times once, when applying', () => {
      const index = indexOf([...world, fn({ effectiveAt: '2026-06-12T00:00:00.000Z', expiresAt: '2026-07-01T00:00:00.000Z' })]);
      const directive = index.directives.get('dir-fn')!;
      expect(directive.effectiveAt).toBe(Date.parse('2026-06-12T00:00:00.000Z'));
      expect(directive.expiresAt).toBe(Date.parse('2026-07-01T00:00:00.000Z'));
      expect(directive.liftedAt).toBe(Infinity);
      expect(index.licenses.get('lic-1')!.validUntil).toBe(Date.parse(UNTIL));
      const us = index.facts.get('acme')!.users.get('u-us')!;
      expect(us.kyc!.identity!.citizenships).toEqual([{ country: 'US', from: Date.parse('1990-01-01'), until: Infinity }]);
    });

    it('keeps an amended directive under its new scope only, and a lift across an amendment', () => {
      const index = indexOf([...world, fn(), directiveLifted('dir-fn', '2026-07-01T00:00:00.000Z'), directiveAmended('dir-fn', { families: ['haiku'] })]);
      expect(index.directivesByModel.get('mythos-5')).toBeUndefined();
      expect(index.directivesByFamily.get('haiku')?.map((d) => d.directiveId)).toEqual(['dir-fn']);
      expect(index.directives.get('dir-fn')!.liftedAt).toBe(Date.parse('2026-07-01T00:00:00.000Z'));
    });

    it('fails closed on times that do not parse', () => {
      const index = indexOf([
        ...world,
        licenseRevoked('lic-1', 'acme', 'mythos-5'),
        granted('lic-bad', 'acme', 'mythos-5', 'not a date', null),
        directiveIssued('dir-bad', { modelIds: ['mythos-5'], effectiveAt: 'garbage', expiresAt: 'garbage' }),
      ]);
      expect(decide(index, acme({ userId: 'u-de' }), NOW).reasons).toEqual([LICENSE_NOT_YET_VALID, DIRECTIVE_FOREIGN_NATIONAL]);
    });

    it('reads a license granted before the conditions existed as unconditioned', () => {
      const index = new EntitlementIndex();
      for (const [i, event] of world.entries()) index.apply({ ...event, globalPosition: i + 1 });
      index.apply({
        type: 'LicenseGranted',
        data: { licenseId: 'lic-old', partnerId: 'acme', modelId: 'haiku-3', validFrom: FROM, validUntil: null, grantedBy: 'officer-1' },
        globalPosition: 1000,
      });
      expect(decide(index, acme({}, 'haiku-3'), NOW).reasons).toEqual([]);
    });
  });
});
