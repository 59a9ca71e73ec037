import { csvRow } from './csv';
import type { DirectiveInForce, ModelUsersAsOf, PartnerWhoCould } from './model-users-as-of';

export const MODEL_USERS_CSV_HEADER = [
  'model',
  'at',
  'position',
  'partnerId',
  'licenseId',
  'licensedModelOrFamily',
  'licenseValidFrom',
  'licenseValidUntil',
  'allowedDestinations',
  'endUserIdentificationRequired',
  'governmentApprovalId',
  'directivesInForce',
  'endUserNationalitiesAllowed',
  'anyEndUser',
  'usersWhoCould',
];

function nationalityRule(directives: DirectiveInForce[]): string {
  const restricting = directives.filter((d) => d.endUsers !== null && d.exemptedByGovernmentApproval === null);
  if (restricting.length === 0) return 'any';
  return restricting
    .map((d) => `${d.reference}: ${d.endUsers!.allowedNationalities.join(' ')}${d.endUsers!.allowPermanentResidents ? ' (and permanent residents)' : ''}`)
    .join('; ');
}

function partnerRow(report: ModelUsersAsOf, partner: PartnerWhoCould): string {
  return csvRow([
    report.model?.modelId,
    report.at,
    report.position,
    partner.partnerId,
    partner.licenseId,
    partner.license.modelId,
    partner.license.validFrom,
    partner.license.validUntil,
    partner.license.allowedDestinations?.join(' ') ?? 'any',
    partner.license.requireEndUserIdentification,
    partner.governmentApprovalId,
    partner.directivesInForce.map((d) => (d.exemptedByGovernmentApproval ? `${d.reference} (exempt)` : d.reference)).join('; '),
    nationalityRule(partner.directivesInForce),
    partner.anyEndUser,
    partner.usersWhoCould.map((u) => u.userId).join(' '),
  ]);
}

/** One row per partner that could use the model at the instant, under a header row. */
export function modelUsersCsv(report: ModelUsersAsOf): string {
  return csvRow(MODEL_USERS_CSV_HEADER) + report.partners.map((partner) => partnerRow(report, partner)).join('');
}
