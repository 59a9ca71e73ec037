import type {
  EntitlementIndex,
  IndexedDatedCountry,
  IndexedDirective,
  IndexedGovernmentApproval,
  IndexedLicense,
  IndexedModel,
  IndexedUser,
  PartnerFacts,
} from './entitlement-index';
import { ReasonCode } from './reason-codes';

export interface CheckRequest {
  /** SHA-256 hex of the partner credential, or... */
  credentialHash?: string;
  /** ...the partner already resolved by the serving stack. */
  partnerId?: string;
  model: string;
  /** The partner's own id for the end user behind the request. */
  userId?: string;
  clientIp?: string;
  /**
   * ISO 3166-1 alpha-2 country the request comes from, resolved by the caller from the client address.
   * Missing, malformed, or a "no country" code (XX, ZZ) is unknown: a rule that needs it denies with GEO_UNKNOWN.
   */
  country?: string | null;
  /** What the client address is known to be besides an eyeball network, resolved by the caller. */
  anonymizer?: 'tor' | 'vpn' | 'datacenter' | null;
}

export interface RuleTrace {
  rule: string;
  outcome: 'pass' | 'fail' | 'skipped';
  reasons: ReasonCode[];
  detail?: string;
  /** The license or directive the entry is about, when there is one. */
  ref?: string;
}

export interface Decision {
  allow: boolean;
  reasons: ReasonCode[];
  partnerId: string | null;
  licenseId: string | null;
  model: string;
  /** Only filled when asked for (explain): building it costs allocations on the hot path. */
  trace: RuleTrace[] | null;
}

/** The rules in the order they are evaluated and traced. */
export const RULES = [
  'credential',
  'partner',
  'kyc',
  'screening',
  'model',
  'geo',
  'license',
  'license-destination',
  'license-end-user',
  'directive',
] as const;

/*
 * Reasons travel as bits while rules are evaluated (no arrays on the hot path), in this order within
 * one rule. The decision lists each reason once, where it first appears in rule order.
 */
const ORDER: readonly ReasonCode[] = [
  ReasonCode.UNKNOWN_CREDENTIAL,
  ReasonCode.PARTNER_NOT_APPROVED,
  ReasonCode.PARTNER_SUSPENDED,
  ReasonCode.KYC_NOT_VERIFIED,
  ReasonCode.SCREENING_HIT,
  ReasonCode.UNKNOWN_MODEL,
  ReasonCode.MODEL_SUSPENDED,
  ReasonCode.MODEL_RETIRED,
  ReasonCode.NO_LICENSE,
  ReasonCode.LICENSE_NOT_YET_VALID,
  ReasonCode.LICENSE_EXPIRED,
  ReasonCode.LICENSE_SUSPENDED,
  ReasonCode.LICENSE_REVOKED,
  ReasonCode.USER_UNKNOWN,
  ReasonCode.USER_NOT_VERIFIED,
  ReasonCode.GEO_UNKNOWN,
  ReasonCode.GEO_EMBARGOED,
  ReasonCode.ANONYMIZER_DETECTED,
  ReasonCode.DIRECTIVE_FOREIGN_NATIONAL,
  ReasonCode.DIRECTIVE_DESTINATION,
  ReasonCode.GOVERNMENT_APPROVAL_REQUIRED,
  ReasonCode.STALE_STATE,
];
const BIT = {} as Record<ReasonCode, number>;
ORDER.forEach((code, i) => (BIT[code] = 1 << i));

const UNKNOWN_CREDENTIAL = BIT.UNKNOWN_CREDENTIAL;
const PARTNER_NOT_APPROVED = BIT.PARTNER_NOT_APPROVED;
const PARTNER_SUSPENDED = BIT.PARTNER_SUSPENDED;
const KYC_NOT_VERIFIED = BIT.KYC_NOT_VERIFIED;
const SCREENING_HIT = BIT.SCREENING_HIT;
const UNKNOWN_MODEL = BIT.UNKNOWN_MODEL;
const MODEL_SUSPENDED = BIT.MODEL_SUSPENDED;
const MODEL_RETIRED = BIT.MODEL_RETIRED;
const NO_LICENSE = BIT.NO_LICENSE;
const LICENSE_NOT_YET_VALID = BIT.LICENSE_NOT_YET_VALID;
const LICENSE_EXPIRED = BIT.LICENSE_EXPIRED;
const LICENSE_SUSPENDED = BIT.LICENSE_SUSPENDED;
const LICENSE_REVOKED = BIT.LICENSE_REVOKED;
const USER_UNKNOWN = BIT.USER_UNKNOWN;
const USER_NOT_VERIFIED = BIT.USER_NOT_VERIFIED;
const GEO_UNKNOWN = BIT.GEO_UNKNOWN;
const GEO_EMBARGOED = BIT.GEO_EMBARGOED;
const ANONYMIZER_DETECTED = BIT.ANONYMIZER_DETECTED;
const DIRECTIVE_FOREIGN_NATIONAL = BIT.DIRECTIVE_FOREIGN_NATIONAL;
const DIRECTIVE_DESTINATION = BIT.DIRECTIVE_DESTINATION;
const GOVERNMENT_APPROVAL_REQUIRED = BIT.GOVERNMENT_APPROVAL_REQUIRED;

/** The reason codes of a bit set, in ORDER. */
export function reasonsOf(mask: number): ReasonCode[] {
  const codes: ReasonCode[] = [];
  for (let i = 0; i < ORDER.length; i++) if (mask & (1 << i)) codes.push(ORDER[i]);
  return codes;
}

/** Reasons (each once, in rule order) and, when explaining, the trace. */
class Collector {
  seen = 0;
  readonly reasons: ReasonCode[] = [];
  constructor(readonly trace: RuleTrace[] | null) {}

  rule(rule: string, mask: number, detail?: string | null | false, ref?: string): void {
    if (mask !== 0) {
      const fresh = mask & ~this.seen;
      if (fresh !== 0) {
        this.seen |= fresh;
        for (let i = 0; i < ORDER.length; i++) if (fresh & (1 << i)) this.reasons.push(ORDER[i]);
      }
    }
    if (this.trace) {
      const entry: RuleTrace = { rule, outcome: mask ? 'fail' : 'pass', reasons: reasonsOf(mask) };
      if (detail) entry.detail = detail;
      if (ref !== undefined) entry.ref = ref;
      this.trace.push(entry);
    }
  }

  skip(rule: string, detail: string, ref?: string): void {
    if (!this.trace) return;
    const entry: RuleTrace = { rule, outcome: 'skipped', reasons: [], detail };
    if (ref !== undefined) entry.ref = ref;
    this.trace.push(entry);
  }
}

/** What is known of the end user a request names, resolved once for every rule that needs it. */
type UserStanding = 0 | 1 | 2;
const UserStanding = {
  /** No userId, or not an enrolled user of this partner (never enrolled, or removed). */
  Unknown: 0,
  /** Enrolled, but the latest KYC case of the user is not verified. */
  NotVerified: 1,
  Verified: 2,
} as const;

/**
 * The decision, pure: the same function answers the live check, explain, and as-of queries
 * (an index replayed up to an instant). Every rule that fails adds its reason; none short-cuts
 * another except where a later rule has nothing to look at (no partner, no model, no usable license).
 * `now` is epoch ms; nothing here reads a clock or parses a date.
 */
export function decide(index: EntitlementIndex, request: CheckRequest, now: number, explain = false): Decision {
  const c = new Collector(explain ? [] : null);
  const t = c.trace !== null;

  // ---- credential: the partner, from the credential or as given ----
  let partnerId: string | null = null;
  if (request.credentialHash !== undefined) {
    const credential = index.credentialsByHash.get(request.credentialHash);
    if (credential?.active) {
      partnerId = credential.partnerId;
      c.rule('credential', 0, t && `credential ${credential.credentialId} of partner ${partnerId}`);
    } else {
      c.rule('credential', UNKNOWN_CREDENTIAL, t && (credential ? `credential ${credential.credentialId} revoked` : 'no such credential'));
    }
  } else if (request.partnerId !== undefined) {
    partnerId = request.partnerId;
    c.skip('credential', 'partner given by id');
  } else {
    c.rule('credential', UNKNOWN_CREDENTIAL, t && 'neither credential nor partnerId given');
  }

  const facts: PartnerFacts | undefined = partnerId === null ? undefined : index.facts.get(partnerId);
  const userId = request.userId ? request.userId : null;
  const user: IndexedUser | undefined = userId === null ? undefined : facts?.users.get(userId);

  // ---- partner ----
  if (partnerId === null) {
    c.skip('partner', 'no partner identified');
  } else {
    const partner = index.partners.get(partnerId);
    if (!partner) c.rule('partner', PARTNER_NOT_APPROVED, t && 'unknown partner');
    else if (partner.status === 'approved') c.rule('partner', 0, t && 'application approved');
    else if (partner.status === 'suspended') c.rule('partner', PARTNER_SUSPENDED, t && 'partner suspended');
    else c.rule('partner', PARTNER_NOT_APPROVED, t && `application ${partner.status}`);
  }

  // ---- organisation KYC: the partner's latest case must be verified ----
  if (partnerId === null) {
    c.skip('kyc', 'no partner identified');
  } else {
    const kyc = facts?.organisationKyc;
    if (!kyc) c.rule('kyc', KYC_NOT_VERIFIED, t && 'no organisation KYC case');
    else c.rule('kyc', kyc.status === 'verified' ? 0 : KYC_NOT_VERIFIED, t && `organisation KYC case ${kyc.caseId} ${kyc.status}`);
  }

  // ---- screening: the latest screening of each subject; blocked or confirmed denies ----
  if (partnerId === null) {
    c.skip('screening', 'no partner identified');
  } else {
    const partnerHits = facts ? facts.screeningHits.size : 0;
    const userScreening = user?.screening;
    const userHit = userScreening !== null && userScreening !== undefined && (userScreening.status === 'blocked' || userScreening.status === 'confirmed');
    c.rule('screening', partnerHits > 0 || userHit ? SCREENING_HIT : 0, t && screeningDetail(facts, userHit ? user! : undefined));
  }

  // ---- model ----
  const model = index.models.get(request.model);
  if (!model) c.rule('model', UNKNOWN_MODEL, t && 'not in the catalogue');
  else if (model.status === 'suspended') c.rule('model', MODEL_SUSPENDED, t && 'model suspended');
  else if (model.status === 'retired') c.rule('model', MODEL_RETIRED, t && 'model retired');
  else c.rule('model', 0, t && `${model.status}, family ${model.family}`);

  // ---- geofencing: embargoed origins and anonymizers, by the index's policy ----
  const origin = knownCountry(request.country);
  const policy = index.geoPolicy;
  const anonymized = request.anonymizer ? policy.deniedAnonymizers.has(request.anonymizer) : false;
  const embargoed = origin !== null && policy.embargoedCountries.has(origin);
  c.rule(
    'geo',
    (anonymized ? ANONYMIZER_DETECTED : 0) | (embargoed ? GEO_EMBARGOED : 0),
    t && `${origin ?? 'country unknown'}${request.anonymizer ? `, ${request.anonymizer} address` : ''}${embargoed ? ' (embargoed)' : ''}`,
  );

  if (partnerId === null || !model) {
    const why = partnerId === null ? 'no partner identified' : 'unknown model';
    c.skip('license', why);
    c.skip('license-destination', why);
    c.skip('license-end-user', why);
    c.skip('directive', why);
    return { allow: c.reasons.length === 0, reasons: c.reasons, partnerId, licenseId: null, model: request.model, trace: c.trace };
  }

  const country = origin;
  // A rule that needs the country: an unknown one denies, unless the policy lets it pass.
  const unknownCountry = policy.unknownCountry === 'allow' ? 0 : GEO_UNKNOWN;
  const standing = user === undefined || !user.enrolled ? UserStanding.Unknown : user.kyc?.status === 'verified' ? UserStanding.Verified : UserStanding.NotVerified;

  // ---- license: a usable grant for the model or its family, then its conditions ----
  let licenseId: string | null = null;
  const choice = chooseLicense(facts, model, now, country, standing, unknownCountry);
  if (choice.license === null) {
    c.rule('license', NO_LICENSE, t && `no license for ${model.modelId} or family ${model.family}`);
  } else {
    const license = choice.license;
    licenseId = license.licenseId;
    c.rule('license', choice.reason, t && licenseDetail(license, choice.reason), license.licenseId);
  }
  if (choice.license === null || choice.reason !== 0) {
    c.skip('license-destination', 'no usable license');
    c.skip('license-end-user', 'no usable license');
  } else {
    const license = choice.license;
    const mask = choice.conditions;
    if (license.allowedDestinations === null) c.rule('license-destination', 0, t && 'any destination', license.licenseId);
    else c.rule('license-destination', mask & (GEO_UNKNOWN | GEO_EMBARGOED), t && destinationDetail(license.allowedDestinations, country), license.licenseId);
    if (!license.requireEndUserIdentification) c.rule('license-end-user', 0, t && 'end-user identification not required', license.licenseId);
    else c.rule('license-end-user', mask & (USER_UNKNOWN | USER_NOT_VERIFIED), t && userDetail(userId, standing), license.licenseId);
  }

  // ---- directives in force covering the model ----
  let inForce = 0;
  const byModel = index.directivesByModel.get(model.modelId);
  if (byModel) {
    for (let i = 0; i < byModel.length; i++) {
      inForce += applyDirective(c, byModel[i], facts, model, user, standing, country, now, unknownCountry);
    }
  }
  const byFamily = model.family === model.modelId ? undefined : index.directivesByFamily.get(model.family);
  if (byFamily) {
    for (let i = 0; i < byFamily.length; i++) {
      const directive = byFamily[i];
      if (directive.modelIds.has(model.modelId)) continue; // already applied by id
      inForce += applyDirective(c, directive, facts, model, user, standing, country, now, unknownCountry);
    }
  }
  if (inForce === 0) c.rule('directive', 0, t && `no directive in force covers ${model.modelId}`);

  return { allow: c.reasons.length === 0, reasons: c.reasons, partnerId, licenseId, model: request.model, trace: c.trace };
}

// ---- license ----

/** Why a license cannot be used now (a bit), or 0. */
function licenseState(license: IndexedLicense, now: number): number {
  if (license.status === 'revoked') return LICENSE_REVOKED;
  if (license.status === 'expired' || now >= license.validUntil) return LICENSE_EXPIRED;
  if (license.status === 'suspended') return LICENSE_SUSPENDED;
  if (now < license.validFrom) return LICENSE_NOT_YET_VALID;
  return 0;
}

/** Without a usable license, report the closest thing to one: what would soonest become usable. */
function closeness(reason: number): number {
  switch (reason) {
    case LICENSE_NOT_YET_VALID:
      return 4; // becomes usable by time alone
    case LICENSE_SUSPENDED:
      return 3; // can be reinstated
    case LICENSE_EXPIRED:
      return 2;
    default:
      return 1; // revoked
  }
}

/** The conditions of a usable license the request does not meet, as bits. */
function conditionsOf(license: IndexedLicense, country: string | null, standing: UserStanding, unknownCountry: number): number {
  let mask = 0;
  if (license.allowedDestinations !== null) {
    if (country === null) mask |= unknownCountry;
    else if (!license.allowedDestinations.has(country)) mask |= GEO_EMBARGOED;
  }
  if (license.requireEndUserIdentification) {
    if (standing === UserStanding.Unknown) mask |= USER_UNKNOWN;
    else if (standing === UserStanding.NotVerified) mask |= USER_NOT_VERIFIED;
  }
  return mask;
}

interface LicenseChoice {
  license: IndexedLicense | null;
  /** Why the license cannot be used (a bit), 0 when it can. */
  reason: number;
  /** The conditions of a usable license the request does not meet. */
  conditions: number;
}

const NO_CHOICE: LicenseChoice = Object.freeze({ license: null, reason: 0, conditions: 0 }) as LicenseChoice;

/**
 * A usable license whose conditions the request meets wins at once; else the usable one with the fewest
 * unmet conditions; else the closest unusable one. Ties go to the exact model id, then grant order.
 */
function chooseLicense(facts: PartnerFacts | undefined, model: IndexedModel, now: number, country: string | null, standing: UserStanding, unknownCountry: number): LicenseChoice {
  if (!facts) return NO_CHOICE;
  let best: IndexedLicense | null = null;
  let bestReason = 0;
  let bestConditions = 0;
  for (let pass = 0; pass < 2; pass++) {
    const list = pass === 0 ? facts.licensesByTarget.get(model.modelId) : model.family === model.modelId ? undefined : facts.licensesByTarget.get(model.family);
    if (!list) continue;
    for (let i = 0; i < list.length; i++) {
      const license = list[i];
      const reason = licenseState(license, now);
      if (reason === 0) {
        const conditions = conditionsOf(license, country, standing, unknownCountry);
        if (conditions === 0) return { license, reason: 0, conditions: 0 };
        if (best === null || bestReason !== 0 || bitCount(conditions) < bitCount(bestConditions)) {
          best = license;
          bestReason = 0;
          bestConditions = conditions;
        }
      } else if (best === null || (bestReason !== 0 && closeness(reason) > closeness(bestReason))) {
        best = license;
        bestReason = reason;
        bestConditions = 0;
      }
    }
  }
  return best === null ? NO_CHOICE : { license: best, reason: bestReason, conditions: bestConditions };
}

function bitCount(mask: number): number {
  let n = 0;
  for (let m = mask; m !== 0; m &= m - 1) n++;
  return n;
}

// ---- directives ----

function inForceAt(directive: IndexedDirective, now: number): boolean {
  return directive.effectiveAt <= now && now < directive.expiresAt && now < directive.liftedAt;
}

/** A granted approval of the partner naming the model or its family, valid at `now`. */
function approvalFor(facts: PartnerFacts | undefined, model: IndexedModel, now: number): IndexedGovernmentApproval | null {
  if (!facts) return null;
  for (let pass = 0; pass < 2; pass++) {
    const list = pass === 0 ? facts.approvalsByTarget.get(model.modelId) : model.family === model.modelId ? undefined : facts.approvalsByTarget.get(model.family);
    if (!list) continue;
    for (let i = 0; i < list.length; i++) {
      const approval = list[i];
      if (approval.status === 'granted' && approval.validFrom <= now && now < approval.validUntil) return approval;
    }
  }
  return null;
}

function holdsAt(facts: readonly IndexedDatedCountry[], allowed: ReadonlySet<string>, now: number): boolean {
  for (let i = 0; i < facts.length; i++) {
    const fact = facts[i];
    if (fact.from <= now && now < fact.until && allowed.has(fact.country)) return true;
  }
  return false;
}

/** Applies one directive covering the model; returns 1 when it is in force (traced), 0 otherwise. */
function applyDirective(
  c: Collector,
  directive: IndexedDirective,
  facts: PartnerFacts | undefined,
  model: IndexedModel,
  user: IndexedUser | undefined,
  standing: UserStanding,
  country: string | null,
  now: number,
  unknownCountry: number,
): number {
  const t = c.trace !== null;
  if (!inForceAt(directive, now)) {
    if (t) c.skip('directive', `${directiveLabel(directive)}: ${notInForce(directive, now)}`, directive.directiveId);
    return 0;
  }
  if (directive.exemptWithGovernmentApproval) {
    const approval = approvalFor(facts, model, now);
    if (approval !== null) {
      c.rule('directive', 0, t && `${directiveLabel(directive)}: exempt, government approval ${approval.approvalId}`, directive.directiveId);
      return 1;
    }
  }
  let mask = 0;
  const foreignNationals = directive.foreignNationals;
  if (foreignNationals !== null) {
    if (standing === UserStanding.Unknown) mask |= USER_UNKNOWN;
    else if (standing === UserStanding.NotVerified) mask |= USER_NOT_VERIFIED;
    else {
      const identity = user!.kyc!.identity;
      const allowed = foreignNationals.allowedNationalities;
      const national =
        identity !== null &&
        (holdsAt(identity.citizenships, allowed, now) || (foreignNationals.allowPermanentResidents && holdsAt(identity.permanentResidencies, allowed, now)));
      if (!national) mask |= DIRECTIVE_FOREIGN_NATIONAL;
    }
  }
  if (directive.forbiddenDestinations.size > 0) {
    if (country === null) mask |= unknownCountry;
    else if (directive.forbiddenDestinations.has(country)) mask |= DIRECTIVE_DESTINATION;
  }
  // A government approval would lift every restriction of this directive: say so.
  if (mask !== 0 && directive.exemptWithGovernmentApproval) mask |= GOVERNMENT_APPROVAL_REQUIRED;
  c.rule('directive', mask, t && directiveDetail(directive, mask), directive.directiveId);
  return 1;
}

// ---- country ----

const NO_COUNTRY: ReadonlySet<string> = new Set(['XX', 'ZZ']);

/** The request's country as an upper-case ISO alpha-2 code, or null when unknown. */
function knownCountry(country: string | null | undefined): string | null {
  if (typeof country !== 'string' || country.length !== 2) return null;
  const a = country.charCodeAt(0) | 0x20; // lower-cased ASCII letter
  const b = country.charCodeAt(1) | 0x20;
  if (a < 97 || a > 122 || b < 97 || b > 122) return null;
  const code = country.charCodeAt(0) <= 90 && country.charCodeAt(1) <= 90 ? country : country.toUpperCase();
  return NO_COUNTRY.has(code) ? null : code;
}

// ---- trace details (explain only) ----

function iso(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : 'never';
}

function screeningDetail(facts: PartnerFacts | undefined, hitUser: IndexedUser | undefined): string {
  const hits = facts ? [...facts.screeningHits] : [];
  if (hitUser) hits.push(`user:${hitUser.userId}`);
  return hits.length ? `latest screening is a hit for ${hits.join(', ')}` : 'no subject of the partner has a standing hit';
}

function licenseDetail(license: IndexedLicense, reason: number): string {
  const what = `license ${license.licenseId} on ${license.modelId}, ${license.status}, valid ${iso(license.validFrom)} to ${iso(license.validUntil)}`;
  return reason === 0 ? what : `${what}: ${reasonsOf(reason).join(', ')}`;
}

function destinationDetail(allowed: ReadonlySet<string>, country: string | null): string {
  const list = [...allowed].join(', ') || 'none';
  return country === null ? `country unknown; allowed: ${list}` : `${country}; allowed: ${list}`;
}

function userDetail(userId: string | null, standing: UserStanding): string {
  if (userId === null) return 'no end user named';
  if (standing === UserStanding.Unknown) return `user ${userId} is not an enrolled user of the partner`;
  if (standing === UserStanding.NotVerified) return `user ${userId} enrolled, KYC not verified`;
  return `user ${userId} enrolled and verified`;
}

function directiveLabel(directive: IndexedDirective): string {
  return `directive ${directive.directiveId} (${directive.reference})`;
}

function notInForce(directive: IndexedDirective, now: number): string {
  if (now < directive.effectiveAt) return `not yet effective (from ${iso(directive.effectiveAt)})`;
  if (now >= directive.liftedAt) return `lifted at ${iso(directive.liftedAt)}`;
  return `expired at ${iso(directive.expiresAt)}`;
}

function directiveDetail(directive: IndexedDirective, mask: number): string {
  const label = directiveLabel(directive);
  if (mask === 0) return `${label}: in force, restrictions met`;
  return `${label}: in force, ${reasonsOf(mask).join(', ')}${directive.exemptWithGovernmentApproval ? ' (a government approval for the model would exempt the partner)' : ''}`;
}
