import type { AnyDomainEvent, ModelStatus, PartnerStatus } from '@app/domain';

export interface IndexedPartner {
  partnerId: string;
  status: PartnerStatus;
}

export interface IndexedModel {
  modelId: string;
  family: string;
  status: ModelStatus;
}

export interface IndexedLicense {
  licenseId: string;
  partnerId: string;
  modelId: string;
  validFrom: number;
  validUntil: number | null;
  status: 'active' | 'revoked';
}

export interface IndexedCredential {
  credentialId: string;
  partnerId: string;
  active: boolean;
}

/** The events the index folds, as read from the store: type, data and where they stand in the log. */
export interface IndexableEvent {
  type: string;
  data: unknown;
  globalPosition: number;
}

/**
 * Everything the check needs, in memory: a projection of the event store. `apply` is the only
 * way in, so the index built from a live tail and one built by replaying to an instant agree.
 */
export class EntitlementIndex {
  position = 0;
  readonly partners = new Map<string, IndexedPartner>();
  readonly models = new Map<string, IndexedModel>();
  readonly licenses = new Map<string, IndexedLicense>();
  /** partnerId -> its licenses, the lookup of the hot path. */
  readonly licensesByPartner = new Map<string, IndexedLicense[]>();
  readonly credentialsByHash = new Map<string, IndexedCredential>();
  private readonly credentialHashById = new Map<string, string>();

  apply(event: IndexableEvent): void {
    this.evolve(event as unknown as AnyDomainEvent);
    if (event.globalPosition > this.position) this.position = event.globalPosition;
  }

  private evolve(event: AnyDomainEvent): void {
    switch (event.type) {
      case 'ApplicationSubmitted':
        this.partners.set(event.data.partnerId, { partnerId: event.data.partnerId, status: 'submitted' });
        return;
      case 'ApplicationApproved':
        this.setPartnerStatus(event.data.partnerId, 'approved');
        return;
      case 'ApplicationRejected':
        this.setPartnerStatus(event.data.partnerId, 'rejected');
        return;
      case 'ModelRegistered':
        this.models.set(event.data.modelId, { modelId: event.data.modelId, family: event.data.family, status: 'available' });
        return;
      case 'ModelSuspended':
        this.setModelStatus(event.data.modelId, 'suspended');
        return;
      case 'ModelReinstated':
        this.setModelStatus(event.data.modelId, 'available');
        return;
      case 'ModelRetired':
        this.setModelStatus(event.data.modelId, 'retired');
        return;
      case 'LicenseGranted': {
        const license: IndexedLicense = {
          licenseId: event.data.licenseId,
          partnerId: event.data.partnerId,
          modelId: event.data.modelId,
          validFrom: Date.parse(event.data.validFrom),
          validUntil: event.data.validUntil ? Date.parse(event.data.validUntil) : null,
          status: 'active',
        };
        this.licenses.set(license.licenseId, license);
        const list = this.licensesByPartner.get(license.partnerId);
        if (list) list.push(license);
        else this.licensesByPartner.set(license.partnerId, [license]);
        return;
      }
      case 'LicenseRevoked': {
        const license = this.licenses.get(event.data.licenseId);
        if (license) license.status = 'revoked';
        return;
      }
      case 'CredentialIssued':
        this.credentialsByHash.set(event.data.secretHash, {
          credentialId: event.data.credentialId,
          partnerId: event.data.partnerId,
          active: true,
        });
        this.credentialHashById.set(event.data.credentialId, event.data.secretHash);
        return;
      case 'CredentialRevoked': {
        const hash = this.credentialHashById.get(event.data.credentialId);
        const credential = hash ? this.credentialsByHash.get(hash) : undefined;
        if (credential) credential.active = false;
        return;
      }
      default:
        return; // events the check does not depend on
    }
  }

  private setPartnerStatus(partnerId: string, status: PartnerStatus): void {
    const partner = this.partners.get(partnerId);
    if (partner) partner.status = status;
  }

  private setModelStatus(modelId: string, status: ModelStatus): void {
    const model = this.models.get(modelId);
    if (model) model.status = status;
  }
}
