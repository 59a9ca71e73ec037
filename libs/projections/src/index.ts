import { credentialViewProjection } from './credential-view/credential-view.projection';
import { directiveViewProjection } from './directive-view/directive-view.projection';
import { endUserViewProjection } from './end-user-view/end-user-view.projection';
import { governmentApprovalViewProjection } from './government-approval-view/government-approval-view.projection';
import { kycCaseViewProjection } from './kyc-case-view/kyc-case-view.projection';
import { licenseViewProjection } from './license-view/license-view.projection';
import { modelViewProjection } from './model-view/model-view.projection';
import { partnerViewProjection } from './partner-view/partner-view.projection';
import { screeningViewProjection } from './screening-view/screening-view.projection';
import type { Projection } from './shared/projection';

export { Projection, ProjectionTx } from './shared/projection';
export { ProjectionRunner } from './shared/projection-runner';

/** Every read model the worker keeps. */
export const ALL_PROJECTIONS: readonly Projection[] = [
  partnerViewProjection,
  modelViewProjection,
  licenseViewProjection,
  credentialViewProjection,
  kycCaseViewProjection,
  screeningViewProjection,
  governmentApprovalViewProjection,
  directiveViewProjection,
  endUserViewProjection,
];
