import type { EntitlementIndex, IndexedLicense } from './entitlement-index';
import { ReasonCode } from './reason-codes';

export interface CheckRequest {
  /** SHA-256 hex of the partner credential, or... */
  credentialHash?: string;
  /** ...the partner already resolved by the serving stack. */
  partnerId?: string;
  model: string;
  userId?: string;
  clientIp?: string;
}

export interface RuleTrace {
  rule: string;
  outcome: 'pass' | 'fail' | 'skipped';
  reasons: ReasonCode[];
  detail?: string;
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

/**
 * The decision, pure: the same function answers the live check, explain, and as-of queries
 * (an index replayed up to an instant). Every rule that fails adds its reason; none short-cuts
 * another except where a later rule has nothing to look at (no partner, no model).
 */
export function decide(index: EntitlementIndex, request: CheckRequest, now: number, explain = false): Decision {
  const reasons: ReasonCode[] = [];
  const trace: RuleTrace[] | null = explain ? [] : null;
  const record = (rule: string, failed: ReasonCode[], detail?: string) => {
    if (failed.length) reasons.push(...failed);
    trace?.push({ rule, outcome: failed.length ? 'fail' : 'pass', reasons: failed, detail });
  };
  const skip = (rule: string, detail: string) => trace?.push({ rule, outcome: 'skipped', reasons: [], detail });

  // Partner, from the credential or as given.
  let partnerId: string | null = null;
  if (request.credentialHash !== undefined) {
    const credential = index.credentialsByHash.get(request.credentialHash);
    if (credential?.active) {
      partnerId = credential.partnerId;
      record('credential', [], `credential of partner ${partnerId}`);
    } else {
      record('credential', [ReasonCode.UNKNOWN_CREDENTIAL], credential ? 'credential revoked' : 'no such credential');
    }
  } else if (request.partnerId !== undefined) {
    partnerId = request.partnerId;
    skip('credential', 'partner given by id');
  } else {
    record('credential', [ReasonCode.UNKNOWN_CREDENTIAL], 'neither credential nor partnerId given');
  }

  const partner = partnerId === null ? undefined : index.partners.get(partnerId);
  if (partnerId === null) skip('partner', 'no partner identified');
  else if (!partner) record('partner', [ReasonCode.PARTNER_NOT_APPROVED], 'unknown partner');
  else record('partner', partner.status === 'approved' ? [] : [ReasonCode.PARTNER_NOT_APPROVED], `application ${partner.status}`);

  const model = index.models.get(request.model);
  if (!model) record('model', [ReasonCode.UNKNOWN_MODEL], 'not in the catalogue');
  else if (model.status === 'suspended') record('model', [ReasonCode.MODEL_SUSPENDED]);
  else if (model.status === 'retired') record('model', [ReasonCode.MODEL_RETIRED]);
  else record('model', [], model.status);

  let licenseId: string | null = null;
  if (partnerId === null || !model) {
    skip('license', 'needs a partner and a known model');
  } else {
    const { license, reason } = bestLicense(index.licensesByPartner.get(partnerId), model.modelId, model.family, now);
    licenseId = license?.licenseId ?? null;
    record('license', reason ? [reason] : [], license ? `license ${license.licenseId}` : 'none for this model');
  }

  return {
    allow: reasons.length === 0,
    reasons,
    partnerId,
    licenseId,
    model: request.model,
    trace,
  };
}

/** Reason rank: a usable license wins; otherwise report the closest thing to one. */
function licenseReason(license: IndexedLicense, now: number): ReasonCode | null {
  if (license.status === 'revoked') return ReasonCode.LICENSE_REVOKED;
  if (now < license.validFrom) return ReasonCode.LICENSE_NOT_YET_VALID;
  if (license.validUntil !== null && now >= license.validUntil) return ReasonCode.LICENSE_EXPIRED;
  return null;
}

const CLOSENESS: Record<string, number> = {
  [ReasonCode.LICENSE_NOT_YET_VALID]: 3,
  [ReasonCode.LICENSE_EXPIRED]: 2,
  [ReasonCode.LICENSE_REVOKED]: 1,
};

function bestLicense(
  licenses: IndexedLicense[] | undefined,
  modelId: string,
  family: string,
  now: number,
): { license: IndexedLicense | null; reason: ReasonCode | null } {
  let best: IndexedLicense | null = null;
  let bestReason: ReasonCode | null = ReasonCode.NO_LICENSE;
  if (licenses) {
    for (const license of licenses) {
      if (license.modelId !== modelId && license.modelId !== family) continue;
      const reason = licenseReason(license, now);
      if (reason === null) return { license, reason: null };
      if (best === null || CLOSENESS[reason] > CLOSENESS[bestReason!]) {
        best = license;
        bestReason = reason;
      }
    }
  }
  return { license: best, reason: bestReason };
}
