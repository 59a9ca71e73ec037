/**
 * Which events a partner receives on its webhooks, and what of each it may see. Pure: the worker's
 * reactor asks the store who holds which license; this file only says what the rules are.
 */

export const APPLICATION_DECIDED = ['ApplicationApproved', 'ApplicationRejected'] as const;
export const LICENSE_CHANGED = ['LicenseGranted', 'LicenseSuspended', 'LicenseReinstated', 'LicenseRevoked', 'LicenseExpired'] as const;
export const DIRECTIVE_CHANGED = ['DirectiveIssued', 'DirectiveAmended', 'DirectiveLifted'] as const;

export const PARTNER_WEBHOOK_EVENT_TYPES: readonly string[] = [...APPLICATION_DECIDED, ...LICENSE_CHANGED, ...DIRECTIVE_CHANGED];

export interface DirectiveScope {
  modelIds: string[];
  families: string[];
}

/** Who receives an event: one partner it names, or every holder of a license the directive's scope covers. */
export type Recipients = { kind: 'partner'; partnerId: string } | { kind: 'directive'; directiveId: string } | { kind: 'nobody' };

type Data = Record<string, unknown>;

export function recipientsOf(type: string, data: Data): Recipients {
  if ((APPLICATION_DECIDED as readonly string[]).includes(type) || (LICENSE_CHANGED as readonly string[]).includes(type)) {
    return { kind: 'partner', partnerId: String(data.partnerId) };
  }
  if ((DIRECTIVE_CHANGED as readonly string[]).includes(type)) return { kind: 'directive', directiveId: String(data.directiveId) };
  return { kind: 'nobody' };
}

/**
 * True when a license (an exact model id or a family) covers a model the directive names, directly
 * or through its family. `familyOf` maps registered model ids to their family.
 */
export function directiveCoversLicense(scope: DirectiveScope, licensedModelOrFamily: string, familyOf: ReadonlyMap<string, string>): boolean {
  if (scope.modelIds.includes(licensedModelOrFamily) || scope.families.includes(licensedModelOrFamily)) return true;
  const licensedFamily = familyOf.get(licensedModelOrFamily);
  if (licensedFamily !== undefined && scope.families.includes(licensedFamily)) return true;
  // A family license covers each member the directive names by id.
  return scope.modelIds.some((modelId) => familyOf.get(modelId) === licensedModelOrFamily);
}

function pick(data: Data, keys: readonly string[]): Data {
  return Object.fromEntries(keys.filter((key) => key in data).map((key) => [key, data[key]]));
}

const LICENSE_STATUS_AFTER: Record<string, string> = {
  LicenseGranted: 'active',
  LicenseSuspended: 'suspended',
  LicenseReinstated: 'active',
  LicenseRevoked: 'revoked',
  LicenseExpired: 'expired',
};

const LICENSE_TERMS = ['licenseId', 'modelId', 'validFrom', 'validUntil', 'allowedDestinations', 'requireEndUserIdentification', 'monthlyTokenQuota', 'rateLimitPerMinute'];
const DIRECTIVE_TERMS = ['directiveId', 'authority', 'reference', 'title', 'issuedAt', 'effectiveAt', 'expiresAt', 'scope', 'restrictions', 'exemptWithGovernmentApproval'];

/**
 * The event as the partner may see it: its own facts and the public terms of a directive, never
 * staff identities (who granted or approved), internal notes on licenses, or other partners.
 * `affectedModels` lists, for a directive, the licensed models or families of this partner it covers.
 */
export function partnerViewOf(type: string, data: Data, affectedModels: string[] = []): Data {
  if ((APPLICATION_DECIDED as readonly string[]).includes(type)) {
    return { partnerId: data.partnerId, decision: type === 'ApplicationApproved' ? 'approved' : 'rejected', reason: data.reason };
  }
  if (type in LICENSE_STATUS_AFTER) return { partnerId: data.partnerId, ...pick(data, LICENSE_TERMS), status: LICENSE_STATUS_AFTER[type] };
  if (type === 'DirectiveLifted') return { ...pick(data, ['directiveId', 'liftedAt', 'reason']), affectedModels };
  if ((DIRECTIVE_CHANGED as readonly string[]).includes(type)) return { ...pick(data, DIRECTIVE_TERMS), affectedModels };
  throw new RangeError(`Partners do not receive ${type} events.`);
}
