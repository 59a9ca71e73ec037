import { credentialViewProjection } from './credential-view/credential-view.projection';
import { licenseViewProjection } from './license-view/license-view.projection';
import { modelViewProjection } from './model-view/model-view.projection';
import { partnerViewProjection } from './partner-view/partner-view.projection';
import type { Projection } from './shared/projection';

export { Projection, ProjectionTx } from './shared/projection';
export { ProjectionRunner } from './shared/projection-runner';
export { credentialViewProjection, licenseViewProjection, modelViewProjection, partnerViewProjection };

/** Every read model the worker keeps. */
export const ALL_PROJECTIONS: readonly Projection[] = [
  partnerViewProjection,
  modelViewProjection,
  licenseViewProjection,
  credentialViewProjection,
];
