/** Roles of API.md. Partner roles carry the partner's id in the token. */
export const Role = {
  PartnerAdmin: 'partner_admin',
  PartnerMember: 'partner_member',
  Reviewer: 'reviewer',
  ComplianceOfficer: 'compliance_officer',
  Auditor: 'auditor',
  Admin: 'admin',
  Service: 'service',
} as const;

export type Role = (typeof Role)[keyof typeof Role];

export const ALL_ROLES: readonly Role[] = Object.values(Role);
export const PARTNER_ROLES: readonly Role[] = [Role.PartnerAdmin, Role.PartnerMember];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ALL_ROLES as readonly string[]).includes(value);
}

/** The authenticated caller, as every handler and event metadata sees it. */
export interface Actor {
  id: string;
  role: Role;
  /** Set for partner roles only. */
  partnerId: string | null;
}
