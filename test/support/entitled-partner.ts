import { Role } from '@app/auth';
import type { TestSystem } from './test-system';

export interface EntitledPartner {
  partnerId: string;
  credential: string;
  /** model id -> the active license on it. */
  licenses: Record<string, string>;
  /** The compliance officer who granted the licenses (and may revoke them). */
  officer: string;
  /** The position after the last grant: a check carrying it sees everything above. */
  position: string;
}

/**
 * Registers the models (EAR99, so one officer grants), onboards an approved partner in Great Britain,
 * licenses it for `licensed` and issues a credential: the smallest world in which a check allows.
 */
export async function onboardEntitledPartner(
  system: TestSystem,
  options: { partnerId: string; models: string[]; licensed: string[] },
): Promise<EntitledPartner> {
  const { partnerId } = options;
  const admin = system.token(Role.Admin);
  const officer = system.token(Role.ComplianceOfficer, { sub: `officer@${partnerId}` });
  const partner = system.token(Role.PartnerAdmin, { partnerId });
  for (const modelId of options.models) {
    const registered = await system.adminApi.post('/v1/models', { modelId, provider: 'P', name: modelId, version: '1', family: 'open', classification: 'EAR99', openWeights: true }, admin);
    if (registered.status !== 201) throw new Error(`registering ${modelId}: ${registered.status} ${JSON.stringify(registered.body)}`);
  }
  const submitted = await system.partnerApi.post('/v1/application', {
    legalName: `${partnerId} Trading Ltd`, registrationNumber: `R-${partnerId}`, countryOfIncorporation: 'GB', addresses: [], beneficialOwners: [],
    intendedUse: 'assistant', requestedModels: options.licensed,
  }, partner);
  if (submitted.status !== 201) throw new Error(`application: ${submitted.status} ${JSON.stringify(submitted.body)}`);
  await system.prepareForApproval(partnerId);
  const approved = await system.adminApi.post(`/v1/applications/${partnerId}/approve`, { reason: 'ok' }, system.token(Role.Reviewer));
  if (approved.status !== 200) throw new Error(`approval: ${approved.status} ${JSON.stringify(approved.body)}`);
  const licenses: Record<string, string> = {};
  let position = '0';
  for (const modelId of options.licensed) {
    const granted = await system.adminApi.post('/v1/licenses', { partnerId, modelId }, officer);
    if (granted.body?.status !== 'active') throw new Error(`license on ${modelId}: ${granted.status} ${JSON.stringify(granted.body)}`);
    licenses[modelId] = granted.body.licenseId;
    position = granted.body.position;
  }
  const issued = await system.partnerApi.post('/v1/credentials', {}, partner);
  if (issued.status !== 201) throw new Error(`credential: ${issued.status} ${JSON.stringify(issued.body)}`);
  return { partnerId, credential: issued.body.credential, licenses, officer, position: issued.body.position ?? position };
}
