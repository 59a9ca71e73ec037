import type { AnyDomainEvent, DatedCountry, DirectiveTerms, KycStatus, KycSubject, LicenseTerms, ModelStatus, PartnerStatus, ScreeningStatus, VerifiedIdentity } from '@app/domain';

/*
 * Times in the index are epoch milliseconds, parsed once in `apply` so that `decide` never parses a date.
 * An open end is +Infinity (an open start -Infinity), so every window test is two plain comparisons.
 * A date that does not parse (the domain refuses those, but the index must not trust that) is read the
 * way that fails closed: a license or approval that never starts, a directive that always applies.
 */

export interface IndexedPartner {
  partnerId: string;
  status: PartnerStatus;
}

export interface IndexedModel {
  modelId: string;
  family: string;
  status: ModelStatus;
}

/** Only granted licenses are indexed: a proposal waiting for the second officer is not a license yet. */
export type IndexedLicenseStatus = 'active' | 'suspended' | 'revoked' | 'expired';

export interface IndexedLicense {
  licenseId: string;
  partnerId: string;
  /** An exact model id or a family. */
  modelId: string;
  validFrom: number;
  /** +Infinity when open-ended. */
  validUntil: number;
  status: IndexedLicenseStatus;
  /** Upper-case ISO alpha-2 countries requests may come from; null: anywhere not otherwise forbidden. */
  allowedDestinations: ReadonlySet<string> | null;
  requireEndUserIdentification: boolean;
}

export interface IndexedCredential {
  credentialId: string;
  partnerId: string;
  active: boolean;
}

export interface IndexedDatedCountry {
  country: string;
  /** -Infinity when the source said nothing. */
  from: number;
  /** +Infinity while it still holds. */
  until: number;
}

/** Shared between the cases that established the same facts (see `IdentityTable`): never changed in place. */
export interface IndexedIdentity {
  readonly citizenships: readonly IndexedDatedCountry[];
  readonly permanentResidencies: readonly IndexedDatedCountry[];
  readonly usPerson: boolean;
}

/**
 * One object per distinct identity. A million verified users hold a handful of distinct (citizenships,
 * permanent residencies, US person) combinations; an identity of its own per case (an object, two arrays,
 * and per country an object and two boxed numbers) made the benchmark's index 515 MiB replayed and 595 MiB
 * read from a snapshot, against 332 and 291 MiB shared. The heap's size costs latency too: with V8 on
 * these machines each young-generation pause grew with the old generation's size, however little survived.
 *
 * Identities are replaced whole (a verification sets a new one), so sharing is safe. The table keeps at
 * most `capacity` of them: when dated facts make nearly every identity distinct, the rest are built
 * unshared, as before, instead of growing a table that saves nothing.
 */
export class IdentityTable {
  private readonly byKey = new Map<string, IndexedIdentity>();

  constructor(private readonly capacity = 10_000) {}

  get size(): number {
    return this.byKey.size;
  }

  identity(citizenships: IndexedDatedCountry[], permanentResidencies: IndexedDatedCountry[], usPerson: boolean): IndexedIdentity {
    const key = `${usPerson ? 1 : 0}|${datedKey(citizenships)}|${datedKey(permanentResidencies)}`;
    const known = this.byKey.get(key);
    if (known) return known;
    const identity: IndexedIdentity = { citizenships, permanentResidencies, usPerson };
    if (this.byKey.size < this.capacity) this.byKey.set(key, identity);
    return identity;
  }
}

function datedKey(list: readonly IndexedDatedCountry[]): string {
  let key = '';
  for (const d of list) key += `${d.country}:${d.from}:${d.until};`;
  return key;
}

export interface IndexedKycCase {
  caseId: string;
  partnerId: string;
  subject: KycSubject['kind'];
  userId: string | null;
  status: KycStatus;
  /** What the last verification established; null unless the case is (or was last) verified. */
  identity: IndexedIdentity | null;
}

export interface IndexedScreening {
  screeningId: string;
  partnerId: string;
  subjectKind: 'organisation' | 'beneficial_owner' | 'user';
  subjectRef: string;
  status: Exclude<ScreeningStatus, 'none'>;
}

/** A partner's end user: what the check needs to know about the person behind a request. */
export interface IndexedUser {
  partnerId: string;
  userId: string;
  /** Enrolled and not removed. */
  enrolled: boolean;
  /** The user's latest KYC case (the one opened last). */
  kyc: IndexedKycCase | null;
  /** The latest screening of this user. */
  screening: IndexedScreening | null;
}

export interface IndexedGovernmentApproval {
  approvalId: string;
  partnerId: string;
  status: 'requested' | 'granted' | 'revoked' | 'expired';
  /** Model ids or families the approval names. */
  models: ReadonlySet<string>;
  validFrom: number;
  validUntil: number;
}

export interface IndexedDirective {
  directiveId: string;
  authority: string;
  reference: string;
  title: string;
  effectiveAt: number;
  /** +Infinity when it does not expire. */
  expiresAt: number;
  /** +Infinity until lifted; from this instant on the directive no longer applies. */
  liftedAt: number;
  modelIds: ReadonlySet<string>;
  families: ReadonlySet<string>;
  foreignNationals: { allowedNationalities: ReadonlySet<string>; allowPermanentResidents: boolean } | null;
  /** Upper-case ISO alpha-2. */
  forbiddenDestinations: ReadonlySet<string>;
  exemptWithGovernmentApproval: boolean;
}

/** Everything known about one partner besides its application status, gathered for one lookup per check. */
export interface PartnerFacts {
  partnerId: string;
  /** The organisation's latest KYC case (the one opened last). */
  organisationKyc: IndexedKycCase | null;
  /** Latest screening per organisation / beneficial-owner subject, keyed `kind:ref`. */
  latestScreenings: Map<string, IndexedScreening>;
  /** The `kind:ref` keys of organisation / beneficial-owner subjects whose latest screening is a hit. */
  screeningHits: Set<string>;
  users: Map<string, IndexedUser>;
  /** model id or family -> licenses naming it. */
  licensesByTarget: Map<string, IndexedLicense[]>;
  /** model id or family -> government approvals naming it. */
  approvalsByTarget: Map<string, IndexedGovernmentApproval[]>;
}

/** The events the index folds, as read from the store: type, data and where they stand in the log. */
export interface IndexableEvent {
  type: string;
  data: unknown;
  globalPosition: number;
}

const HIT_STATUSES: ReadonlySet<IndexedScreening['status']> = new Set(['blocked', 'confirmed']);
const STATUS_OF_BAND = { clear: 'clear', review: 'needs_review', block: 'blocked' } as const;

/**
 * Everything the check needs, in memory: a projection of the event store. `apply` is the only
 * way in, so the index built from a live tail and one built by replaying to an instant agree.
 * Events are folded in the order they are applied; "latest" below means applied last.
 */
/** Where requests may not come from at all, and which anonymizers deny: configuration, not events. */
export interface GeoPolicy {
  embargoedCountries: ReadonlySet<string>;
  deniedAnonymizers: ReadonlySet<'tor' | 'vpn' | 'datacenter'>;
  /** Private or unknown addresses where a rule needs a country: deny GEO_UNKNOWN (default), or let them pass. */
  unknownCountry: 'deny' | 'allow';
}

/** Comprehensively embargoed destinations (EAR part 746) and the anonymizers that hide a caller. */
export const DEFAULT_GEO_POLICY: GeoPolicy = {
  embargoedCountries: new Set(['CU', 'IR', 'KP', 'SY']),
  deniedAnonymizers: new Set(['tor', 'vpn']),
  unknownCountry: 'deny',
};

/**
 * Everything the index holds, as plain Maps and objects, so that it can be written out whole (a snapshot)
 * and read back into an index. Objects are shared between maps (a license is in `licenses` and in its
 * partner's `licensesByTarget`); a snapshot keeps that sharing.
 */
export interface IndexState {
  position: number;
  partners: Map<string, IndexedPartner>;
  models: Map<string, IndexedModel>;
  licenses: Map<string, IndexedLicense>;
  credentialsByHash: Map<string, IndexedCredential>;
  credentialHashById: Map<string, string>;
  facts: Map<string, PartnerFacts>;
  kycCases: Map<string, IndexedKycCase>;
  screenings: Map<string, IndexedScreening>;
  governmentApprovals: Map<string, IndexedGovernmentApproval>;
  directives: Map<string, IndexedDirective>;
  directivesByModel: Map<string, IndexedDirective[]>;
  directivesByFamily: Map<string, IndexedDirective[]>;
}

/**
 * The version of `IndexState`, of what `apply` makes of each event, and of the snapshot encoding
 * (index-codec.ts). Change it whenever any of them changes: a snapshot of another format is ignored and the
 * log replayed instead. 1 was a v8-serialised state; 2 is JSON shards.
 */
export const INDEX_STATE_FORMAT = 2;

export class EntitlementIndex {
  position: number;
  readonly partners: Map<string, IndexedPartner>;
  readonly models: Map<string, IndexedModel>;
  readonly licenses: Map<string, IndexedLicense>;
  readonly credentialsByHash: Map<string, IndexedCredential>;
  /** partnerId -> KYC, screening, users, licenses and approvals of that partner: the hot path's lookup. */
  readonly facts: Map<string, PartnerFacts>;
  readonly kycCases: Map<string, IndexedKycCase>;
  readonly screenings: Map<string, IndexedScreening>;
  readonly governmentApprovals: Map<string, IndexedGovernmentApproval>;
  readonly directives: Map<string, IndexedDirective>;
  /** model id -> directives whose scope names it, in issue order. */
  readonly directivesByModel: Map<string, IndexedDirective[]>;
  /** family -> directives whose scope names it, in issue order. */
  readonly directivesByFamily: Map<string, IndexedDirective[]>;
  private readonly credentialHashById: Map<string, string>;
  private readonly identities = new IdentityTable();

  /** An empty index, or one that continues from a state written out by `state()`. */
  constructor(readonly geoPolicy: GeoPolicy = DEFAULT_GEO_POLICY, state?: IndexState) {
    this.position = state?.position ?? 0;
    this.partners = state?.partners ?? new Map();
    this.models = state?.models ?? new Map();
    this.licenses = state?.licenses ?? new Map();
    this.credentialsByHash = state?.credentialsByHash ?? new Map();
    this.credentialHashById = state?.credentialHashById ?? new Map();
    this.facts = state?.facts ?? new Map();
    this.kycCases = state?.kycCases ?? new Map();
    this.screenings = state?.screenings ?? new Map();
    this.governmentApprovals = state?.governmentApprovals ?? new Map();
    this.directives = state?.directives ?? new Map();
    this.directivesByModel = state?.directivesByModel ?? new Map();
    this.directivesByFamily = state?.directivesByFamily ?? new Map();
  }

  /** The index's whole state, not copied: write it out before the next `apply`. */
  state(): IndexState {
    return {
      position: this.position,
      partners: this.partners,
      models: this.models,
      licenses: this.licenses,
      credentialsByHash: this.credentialsByHash,
      credentialHashById: this.credentialHashById,
      facts: this.facts,
      kycCases: this.kycCases,
      screenings: this.screenings,
      governmentApprovals: this.governmentApprovals,
      directives: this.directives,
      directivesByModel: this.directivesByModel,
      directivesByFamily: this.directivesByFamily,
    };
  }

  apply(event: IndexableEvent): void {
    this.evolve(event as unknown as AnyDomainEvent);
    if (event.globalPosition > this.position) this.position = event.globalPosition;
  }

  private evolve(event: AnyDomainEvent): void {
    switch (event.type) {
      // ---- partner ----
      case 'ApplicationSubmitted':
        this.partners.set(event.data.partnerId, { partnerId: event.data.partnerId, status: 'submitted' });
        return;
      case 'ReviewStarted':
        return this.setPartnerStatus(event.data.partnerId, 'under_review');
      case 'InformationRequested':
        return this.setPartnerStatus(event.data.partnerId, 'information_requested');
      case 'ApplicationResubmitted':
        return this.setPartnerStatus(event.data.partnerId, 'resubmitted');
      case 'ApplicationApproved':
        return this.setPartnerStatus(event.data.partnerId, 'approved');
      case 'ApplicationRejected':
        return this.setPartnerStatus(event.data.partnerId, 'rejected');
      case 'PartnerSuspended':
        return this.setPartnerStatus(event.data.partnerId, 'suspended');
      case 'PartnerReinstated':
        return this.setPartnerStatus(event.data.partnerId, 'approved');
      case 'PartnerOffboarded':
        return this.setPartnerStatus(event.data.partnerId, 'offboarded');

      // ---- model ----
      case 'ModelRegistered':
        this.models.set(event.data.modelId, { modelId: event.data.modelId, family: event.data.family, status: 'available' });
        return;
      case 'ModelSuspended':
        return this.setModelStatus(event.data.modelId, 'suspended');
      case 'ModelReinstated':
        return this.setModelStatus(event.data.modelId, 'available');
      case 'ModelRetired':
        return this.setModelStatus(event.data.modelId, 'retired');

      // ---- license ----
      case 'LicenseGranted':
        return this.grantLicense(event.data);
      case 'LicenseAmended': {
        const license = this.licenses.get(event.data.licenseId);
        if (license) this.setLicenseTerms(license, event.data);
        return;
      }
      case 'LicenseSuspended':
        return this.setLicenseStatus(event.data.licenseId, 'suspended');
      case 'LicenseReinstated':
        return this.setLicenseStatus(event.data.licenseId, 'active');
      case 'LicenseRevoked':
        return this.setLicenseStatus(event.data.licenseId, 'revoked');
      case 'LicenseExpired':
        return this.setLicenseStatus(event.data.licenseId, 'expired');

      // ---- credential ----
      case 'CredentialIssued':
        this.credentialsByHash.set(event.data.secretHash, { credentialId: event.data.credentialId, partnerId: event.data.partnerId, active: true });
        this.credentialHashById.set(event.data.credentialId, event.data.secretHash);
        return;
      case 'CredentialRevoked': {
        const hash = this.credentialHashById.get(event.data.credentialId);
        const credential = hash ? this.credentialsByHash.get(hash) : undefined;
        if (credential) credential.active = false;
        return;
      }

      // ---- KYC ----
      case 'KycCaseOpened':
        this.openKycCase(event.data.caseId, event.data.partnerId, event.data.subject);
        return;
      case 'KycPending': {
        const kyc = this.kycCases.get(event.data.caseId);
        if (kyc) kyc.status = 'pending';
        return;
      }
      case 'KycVerified': {
        const kyc = this.kycCaseFor(event.data.caseId, event.data.partnerId, event.data.subject);
        kyc.status = 'verified';
        kyc.identity = this.toIdentity(event.data.identity);
        return;
      }
      case 'KycFailed': {
        const kyc = this.kycCaseFor(event.data.caseId, event.data.partnerId, event.data.subject);
        kyc.status = 'failed';
        kyc.identity = null;
        return;
      }
      case 'KycNeedsReview':
        this.kycCaseFor(event.data.caseId, event.data.partnerId, event.data.subject).status = 'needs_review';
        return;
      case 'KycExpired':
        this.kycCaseFor(event.data.caseId, event.data.partnerId, event.data.subject).status = 'expired';
        return;

      // ---- end users ----
      case 'UserEnrolled':
        this.userOf(event.data.partnerId, event.data.userId).enrolled = true;
        return;
      case 'UserRemoved':
        this.userOf(event.data.partnerId, event.data.userId).enrolled = false;
        return;

      // ---- screening ----
      case 'ScreeningRecorded': {
        const { screeningId, partnerId, subject } = event.data;
        const screening: IndexedScreening = {
          screeningId,
          partnerId,
          subjectKind: subject.kind,
          subjectRef: subject.ref,
          // An unknown band must not read as clear.
          status: STATUS_OF_BAND[event.data.evidence.band] ?? 'blocked',
        };
        this.screenings.set(screeningId, screening);
        if (subject.kind === 'user') {
          this.userOf(partnerId, subject.ref).screening = screening;
        } else {
          const facts = this.factsOf(partnerId);
          facts.latestScreenings.set(`${subject.kind}:${subject.ref}`, screening);
          this.refreshScreeningHit(facts, screening);
        }
        return;
      }
      case 'ScreeningHitCleared':
        return this.setScreeningStatus(event.data.screeningId, 'cleared');
      case 'ScreeningHitConfirmed':
        return this.setScreeningStatus(event.data.screeningId, 'confirmed');

      // ---- government approvals ----
      case 'GovernmentApprovalRequested':
        if (!this.governmentApprovals.has(event.data.approvalId)) {
          const approval: IndexedGovernmentApproval = {
            approvalId: event.data.approvalId,
            partnerId: event.data.partnerId,
            status: 'requested',
            models: new Set(),
            validFrom: Infinity,
            validUntil: Infinity,
          };
          this.governmentApprovals.set(approval.approvalId, approval);
          this.placeApproval(approval, event.data.models);
        }
        return;
      case 'GovernmentApprovalGranted': {
        const approval = this.governmentApprovals.get(event.data.approvalId) ?? {
          approvalId: event.data.approvalId,
          partnerId: event.data.partnerId,
          status: 'granted' as const,
          models: new Set<string>(),
          validFrom: Infinity,
          validUntil: Infinity,
        };
        this.governmentApprovals.set(approval.approvalId, approval);
        approval.status = 'granted';
        this.setApprovalTerms(approval, event.data);
        return;
      }
      case 'GovernmentApprovalAmended': {
        const approval = this.governmentApprovals.get(event.data.approvalId);
        if (approval) this.setApprovalTerms(approval, event.data);
        return;
      }
      case 'GovernmentApprovalRevoked':
        return this.setApprovalStatus(event.data.approvalId, 'revoked');
      case 'GovernmentApprovalExpired':
        return this.setApprovalStatus(event.data.approvalId, 'expired');

      // ---- directives ----
      case 'DirectiveIssued':
      case 'DirectiveAmended':
        return this.setDirective(event.data);
      case 'DirectiveLifted': {
        const directive = this.directives.get(event.data.directiveId);
        // A lift whose time does not parse lifts nothing: the directive keeps applying.
        if (directive) directive.liftedAt = parseTime(event.data.liftedAt, Infinity);
        return;
      }

      default:
        return; // events the check does not depend on
    }
  }

  // ---- partner / model ----

  private setPartnerStatus(partnerId: string, status: PartnerStatus): void {
    const partner = this.partners.get(partnerId);
    if (partner) partner.status = status;
  }

  private setModelStatus(modelId: string, status: ModelStatus): void {
    const model = this.models.get(modelId);
    if (model) model.status = status;
  }

  private factsOf(partnerId: string): PartnerFacts {
    let facts = this.facts.get(partnerId);
    if (!facts) {
      facts = {
        partnerId,
        organisationKyc: null,
        latestScreenings: new Map(),
        screeningHits: new Set(),
        users: new Map(),
        licensesByTarget: new Map(),
        approvalsByTarget: new Map(),
      };
      this.facts.set(partnerId, facts);
    }
    return facts;
  }

  private userOf(partnerId: string, userId: string): IndexedUser {
    return this.userIn(this.factsOf(partnerId), userId);
  }

  private userIn(facts: PartnerFacts, userId: string): IndexedUser {
    let user = facts.users.get(userId);
    if (!user) {
      // The partner's own id string, not this event's copy of it: one copy per partner, not per user.
      user = { partnerId: facts.partnerId, userId, enrolled: false, kyc: null, screening: null };
      facts.users.set(userId, user);
    }
    return user;
  }

  // ---- license ----

  private grantLicense(terms: LicenseTerms): void {
    const existing = this.licenses.get(terms.licenseId);
    if (existing) {
      existing.status = 'active';
      this.setLicenseTerms(existing, terms);
      return;
    }
    const license: IndexedLicense = {
      licenseId: terms.licenseId,
      partnerId: terms.partnerId,
      modelId: terms.modelId,
      validFrom: 0,
      validUntil: 0,
      status: 'active',
      allowedDestinations: null,
      requireEndUserIdentification: true,
    };
    this.setLicenseTerms(license, terms);
    this.licenses.set(license.licenseId, license);
    addTo(this.factsOf(license.partnerId).licensesByTarget, license.modelId, license);
  }

  /** Grant or amendment: the conditions are replaced as a whole. */
  private setLicenseTerms(license: IndexedLicense, terms: LicenseTerms): void {
    if (terms.modelId !== license.modelId) {
      const byTarget = this.factsOf(license.partnerId).licensesByTarget;
      removeFrom(byTarget, license.modelId, license);
      addTo(byTarget, terms.modelId, license);
      license.modelId = terms.modelId;
    }
    license.validFrom = parseTime(terms.validFrom, Infinity);
    license.validUntil = terms.validUntil === null ? Infinity : parseTime(terms.validUntil, -Infinity);
    license.allowedDestinations = terms.allowedDestinations ? countrySet(terms.allowedDestinations) : null;
    // Absent (an event written before the field existed) reads as not required.
    license.requireEndUserIdentification = terms.requireEndUserIdentification === true;
  }

  private setLicenseStatus(licenseId: string, status: IndexedLicenseStatus): void {
    const license = this.licenses.get(licenseId);
    if (license) license.status = status;
  }

  // ---- KYC ----

  private openKycCase(caseId: string, partnerId: string, subject: KycSubject): IndexedKycCase {
    const facts = this.factsOf(partnerId);
    const user = subject.kind === 'organisation' ? null : this.userIn(facts, subject.userId);
    const kyc: IndexedKycCase = {
      caseId,
      partnerId: facts.partnerId,
      subject: subject.kind,
      userId: user === null ? null : user.userId,
      status: 'started',
      identity: null,
    };
    this.kycCases.set(caseId, kyc);
    // The case opened last is the subject's current one, whatever older cases do afterwards.
    if (user === null) facts.organisationKyc = kyc;
    else user.kyc = kyc;
    return kyc;
  }

  /** The case, or (when its opening was never seen) one opened now from what the event carries. */
  private kycCaseFor(caseId: string, partnerId: string, subject: KycSubject): IndexedKycCase {
    return this.kycCases.get(caseId) ?? this.openKycCase(caseId, partnerId, subject);
  }

  private toIdentity(identity: VerifiedIdentity | undefined): IndexedIdentity {
    return this.identities.identity(
      (identity?.citizenships ?? []).map(toDated),
      (identity?.permanentResidencies ?? []).map(toDated),
      identity?.usPerson === true,
    );
  }

  // ---- screening ----

  private setScreeningStatus(screeningId: string, status: 'cleared' | 'confirmed'): void {
    const screening = this.screenings.get(screeningId);
    if (!screening) return;
    screening.status = status;
    if (screening.subjectKind !== 'user') this.refreshScreeningHit(this.factsOf(screening.partnerId), screening);
  }

  /** Keeps `screeningHits` equal to the subjects whose latest screening is a hit. */
  private refreshScreeningHit(facts: PartnerFacts, screening: IndexedScreening): void {
    const key = `${screening.subjectKind}:${screening.subjectRef}`;
    const latest = facts.latestScreenings.get(key);
    if (latest && HIT_STATUSES.has(latest.status)) facts.screeningHits.add(key);
    else facts.screeningHits.delete(key);
  }

  // ---- government approvals ----

  private setApprovalTerms(
    approval: IndexedGovernmentApproval,
    terms: { models: string[]; validFrom: string; validUntil: string | null },
  ): void {
    this.unplaceApproval(approval);
    approval.validFrom = parseTime(terms.validFrom, Infinity);
    approval.validUntil = terms.validUntil === null ? Infinity : parseTime(terms.validUntil, -Infinity);
    this.placeApproval(approval, terms.models);
  }

  private placeApproval(approval: IndexedGovernmentApproval, models: string[]): void {
    approval.models = new Set(models);
    const byTarget = this.factsOf(approval.partnerId).approvalsByTarget;
    for (const target of approval.models) addTo(byTarget, target, approval);
  }

  private unplaceApproval(approval: IndexedGovernmentApproval): void {
    const byTarget = this.factsOf(approval.partnerId).approvalsByTarget;
    for (const target of approval.models) removeFrom(byTarget, target, approval);
  }

  private setApprovalStatus(approvalId: string, status: 'revoked' | 'expired'): void {
    const approval = this.governmentApprovals.get(approvalId);
    if (approval) approval.status = status;
  }

  // ---- directives ----

  /** Issue or amendment: the terms are replaced as a whole; a lift already recorded stays. */
  private setDirective(terms: DirectiveTerms): void {
    const previous = this.directives.get(terms.directiveId);
    if (previous) {
      for (const modelId of previous.modelIds) removeFrom(this.directivesByModel, modelId, previous);
      for (const family of previous.families) removeFrom(this.directivesByFamily, family, previous);
    }
    const { foreignNationals, forbiddenDestinations } = terms.restrictions;
    const directive: IndexedDirective = {
      directiveId: terms.directiveId,
      authority: terms.authority,
      reference: terms.reference,
      title: terms.title,
      effectiveAt: parseTime(terms.effectiveAt, -Infinity),
      // An expiry that does not parse is no expiry: fail closed.
      expiresAt: terms.expiresAt === null ? Infinity : parseTime(terms.expiresAt, Infinity),
      liftedAt: previous?.liftedAt ?? Infinity,
      modelIds: new Set(terms.scope.modelIds),
      families: new Set(terms.scope.families),
      foreignNationals: foreignNationals
        ? { allowedNationalities: countrySet(foreignNationals.allowedNationalities), allowPermanentResidents: foreignNationals.allowPermanentResidents }
        : null,
      forbiddenDestinations: countrySet(forbiddenDestinations ?? []),
      exemptWithGovernmentApproval: terms.exemptWithGovernmentApproval === true,
    };
    this.directives.set(directive.directiveId, directive);
    for (const modelId of directive.modelIds) addTo(this.directivesByModel, modelId, directive);
    for (const family of directive.families) addTo(this.directivesByFamily, family, directive);
  }
}

// ---- helpers ----

/** ISO time to epoch ms; `fallback` (chosen by the caller to fail closed) when it does not parse. */
function parseTime(value: string | null | undefined, fallback: number): number {
  if (value === null || value === undefined) return fallback;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? fallback : ms;
}

/** Country codes compare upper-case. */
export function normaliseCountry(code: string): string {
  return code.trim().toUpperCase();
}

function countrySet(codes: readonly string[]): Set<string> {
  return new Set(codes.map(normaliseCountry));
}

/** A dated country: an unknown start is "always", an unparsable one "never" (fail closed). */
function toDated(fact: DatedCountry): IndexedDatedCountry {
  return {
    country: normaliseCountry(fact.country),
    from: fact.from === null ? -Infinity : parseTime(fact.from, Infinity),
    until: fact.until === null ? Infinity : parseTime(fact.until, -Infinity),
  };
}

function addTo<T>(map: Map<string, T[]>, key: string, item: T): void {
  const list = map.get(key);
  if (!list) map.set(key, [item]);
  else if (!list.includes(item)) list.push(item);
}

function removeFrom<T>(map: Map<string, T[]>, key: string, item: T): void {
  const list = map.get(key);
  if (!list) return;
  const at = list.indexOf(item);
  if (at >= 0) list.splice(at, 1);
  if (list.length === 0) map.delete(key);
}
