import { decide, Decision, EntitlementIndex, IndexedDatedCountry, IndexedDirective, IndexedGovernmentApproval, IndexedLicense, IndexedModel, PartnerFacts } from '@app/entitlement';

/** What "could use" means in this report; returned with every answer. */
export const COULD_USE_MEANING =
  'A partner could use the model at the instant when the same decision function as the live check, run on the state rebuilt from ' +
  'every event that had occurred by then, allows a request for the model from the partner for at least one end user: either no ' +
  'end user named, or one of the partner\'s enrolled users. The request is taken to come from a known country that is neither ' +
  'embargoed nor forbidden (the US, or a destination the partner\'s license allows) and not through an anonymizer. So the partner ' +
  'was approved and not suspended, its organisation KYC verified, no standing screening hit, the model available, a license for ' +
  'the model or its family granted, within its window and neither suspended, revoked nor expired, and every directive in force ' +
  'was met or exempted by a valid government approval. usersWhoCould lists the enrolled users for whom the check allows; ' +
  'anyEndUser is true when a request naming no end user is allowed.';

/** Countries tried as the request's origin, besides the destinations a partner's licenses allow. */
const USUAL_ORIGINS = ['US'];

export interface DirectiveInForce {
  directiveId: string;
  reference: string;
  authority: string;
  title: string;
  /** null: the directive does not restrict by nationality. */
  endUsers: { allowedNationalities: string[]; allowPermanentResidents: boolean } | null;
  forbiddenDestinations: string[];
  /** The approval that exempted the partner from this directive, if one did. */
  exemptedByGovernmentApproval: string | null;
}

export interface UserWhoCould {
  userId: string;
  /** Citizenships (and permanent residencies) held at the instant, as verified by KYC. */
  citizenships: string[];
  permanentResidencies: string[];
  usPerson: boolean;
}

export interface PartnerWhoCould {
  partnerId: string;
  licenseId: string;
  license: { modelId: string; validFrom: string; validUntil: string | null; allowedDestinations: string[] | null; requireEndUserIdentification: boolean };
  governmentApprovalId: string | null;
  directivesInForce: DirectiveInForce[];
  anyEndUser: boolean;
  usersWhoCould: UserWhoCould[];
}

export interface PartnerWhoCouldNot {
  partnerId: string;
  /** The reasons of the closest request (fewest reasons) the check would deny. */
  reasons: string[];
  licenseId: string | null;
}

export interface ModelUsersAsOf {
  model: { modelId: string; family: string; status: string } | null;
  at: string;
  position: string;
  meaning: string;
  partners: PartnerWhoCould[];
  /** Partners that held a license naming the model or its family, yet could not use it then. */
  partnersWhoCouldNot: PartnerWhoCouldNot[];
}

function iso(ms: number): string | null {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

function heldAt(facts: readonly IndexedDatedCountry[], at: number): string[] {
  return facts.filter((fact) => fact.from <= at && at < fact.until).map((fact) => fact.country);
}

function licensesFor(facts: PartnerFacts, model: IndexedModel): IndexedLicense[] {
  return [...(facts.licensesByTarget.get(model.modelId) ?? []), ...(model.family === model.modelId ? [] : (facts.licensesByTarget.get(model.family) ?? []))];
}

function directivesCovering(index: EntitlementIndex, model: IndexedModel): IndexedDirective[] {
  const byModel = index.directivesByModel.get(model.modelId) ?? [];
  const byFamily = model.family === model.modelId ? [] : (index.directivesByFamily.get(model.family) ?? []).filter((d) => !d.modelIds.has(model.modelId));
  return [...byModel, ...byFamily];
}

function inForceAt(directive: IndexedDirective, at: number): boolean {
  return directive.effectiveAt <= at && at < directive.expiresAt && at < directive.liftedAt;
}

function approvalAt(facts: PartnerFacts, model: IndexedModel, at: number): IndexedGovernmentApproval | null {
  const approvals = [...(facts.approvalsByTarget.get(model.modelId) ?? []), ...(facts.approvalsByTarget.get(model.family) ?? [])];
  return approvals.find((a) => a.status === 'granted' && a.validFrom <= at && at < a.validUntil) ?? null;
}

function originsFor(licenses: IndexedLicense[], index: EntitlementIndex): string[] {
  const allowed = licenses.flatMap((license) => (license.allowedDestinations ? [...license.allowedDestinations] : []));
  return [...new Set([...USUAL_ORIGINS, ...allowed])].filter((country) => !index.geoPolicy.embargoedCountries.has(country));
}

/** The first decision that allows among the origins tried, else the one with the fewest reasons. */
function bestDecision(index: EntitlementIndex, partnerId: string, model: IndexedModel, userId: string | undefined, origins: string[], at: number): Decision {
  let best: Decision | null = null;
  for (const country of origins) {
    const decision = decide(index, { partnerId, model: model.modelId, userId, country, anonymizer: null }, at);
    if (decision.allow) return decision;
    if (best === null || decision.reasons.length < best.reasons.length) best = decision;
  }
  return best!;
}

function describeDirective(directive: IndexedDirective, approval: IndexedGovernmentApproval | null): DirectiveInForce {
  const nationals = directive.foreignNationals;
  return {
    directiveId: directive.directiveId,
    reference: directive.reference,
    authority: directive.authority,
    title: directive.title,
    endUsers: nationals ? { allowedNationalities: [...nationals.allowedNationalities].sort(), allowPermanentResidents: nationals.allowPermanentResidents } : null,
    forbiddenDestinations: [...directive.forbiddenDestinations].sort(),
    exemptedByGovernmentApproval: directive.exemptWithGovernmentApproval && approval ? approval.approvalId : null,
  };
}

function describeLicense(license: IndexedLicense): PartnerWhoCould['license'] {
  return {
    modelId: license.modelId,
    validFrom: iso(license.validFrom) ?? new Date(license.validFrom).toString(),
    validUntil: iso(license.validUntil),
    allowedDestinations: license.allowedDestinations ? [...license.allowedDestinations].sort() : null,
    requireEndUserIdentification: license.requireEndUserIdentification,
  };
}

function partnerAsOf(index: EntitlementIndex, facts: PartnerFacts, model: IndexedModel, at: number, directives: IndexedDirective[]): PartnerWhoCould | PartnerWhoCouldNot | null {
  const licenses = licensesFor(facts, model);
  if (licenses.length === 0) return null;
  const partnerId = facts.partnerId;
  const origins = originsFor(licenses, index);
  const anonymous = bestDecision(index, partnerId, model, undefined, origins, at);
  const users: UserWhoCould[] = [];
  let closest = anonymous;
  let allowedLicense = anonymous.allow ? anonymous.licenseId : null;
  for (const user of facts.users.values()) {
    if (!user.enrolled) continue;
    const decision = bestDecision(index, partnerId, model, user.userId, origins, at);
    if (!decision.allow) {
      if (decision.reasons.length < closest.reasons.length) closest = decision;
      continue;
    }
    allowedLicense ??= decision.licenseId;
    const identity = user.kyc?.identity ?? null;
    users.push({
      userId: user.userId,
      citizenships: identity ? heldAt(identity.citizenships, at) : [],
      permanentResidencies: identity ? heldAt(identity.permanentResidencies, at) : [],
      usPerson: identity?.usPerson ?? false,
    });
  }
  if (allowedLicense === null) return { partnerId, reasons: closest.reasons, licenseId: closest.licenseId };
  const license = index.licenses.get(allowedLicense)!;
  const approval = approvalAt(facts, model, at);
  const inForce = directives.filter((directive) => inForceAt(directive, at)).map((directive) => describeDirective(directive, approval));
  const usedApproval = inForce.find((directive) => directive.exemptedByGovernmentApproval !== null)?.exemptedByGovernmentApproval ?? null;
  return {
    partnerId,
    licenseId: license.licenseId,
    license: describeLicense(license),
    governmentApprovalId: usedApproval,
    directivesInForce: inForce,
    anyEndUser: anonymous.allow,
    usersWhoCould: users.sort((a, b) => a.userId.localeCompare(b.userId)),
  };
}

/** Who could use the model at the instant, and under which license or approval, from an index rebuilt as of then. */
export function modelUsersAsOf(index: EntitlementIndex, modelId: string, at: Date): ModelUsersAsOf {
  const model = index.models.get(modelId);
  const answer: ModelUsersAsOf = {
    model: model ? { modelId: model.modelId, family: model.family, status: model.status } : null,
    at: at.toISOString(),
    position: String(index.position),
    meaning: COULD_USE_MEANING,
    partners: [],
    partnersWhoCouldNot: [],
  };
  if (!model) return answer;
  const directives = directivesCovering(index, model);
  for (const facts of index.facts.values()) {
    const outcome = partnerAsOf(index, facts, model, at.getTime(), directives);
    if (outcome === null) continue;
    if ('license' in outcome) answer.partners.push(outcome);
    else answer.partnersWhoCouldNot.push(outcome);
  }
  answer.partners.sort((a, b) => a.partnerId.localeCompare(b.partnerId));
  answer.partnersWhoCouldNot.sort((a, b) => a.partnerId.localeCompare(b.partnerId));
  return answer;
}
