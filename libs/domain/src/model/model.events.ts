import type { DomainEvent } from '../shared/aggregate';

export interface ModelDescription {
  modelId: string;
  provider: string;
  name: string;
  version: string;
  family: string;
  /** Export control classification: an ECCN such as `4E091`, or `EAR99`. */
  classification: string;
  openWeights: boolean;
}

export type ModelRegistered = DomainEvent<'ModelRegistered', ModelDescription>;
export type ModelSuspended = DomainEvent<'ModelSuspended', { modelId: string; reason: string; directiveId: string | null }>;
export type ModelReinstated = DomainEvent<'ModelReinstated', { modelId: string; reason: string }>;
export type ModelRetired = DomainEvent<'ModelRetired', { modelId: string; reason: string }>;

export type ModelEvent = ModelRegistered | ModelSuspended | ModelReinstated | ModelRetired;
