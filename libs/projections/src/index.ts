import { credentialViewProjection } from './credential-view/credential-view.projection';
import { directiveViewProjection } from './directive-view/directive-view.projection';
import { endUserViewProjection } from './end-user-view/end-user-view.projection';
import { governmentApprovalViewProjection } from './government-approval-view/government-approval-view.projection';
import { kycCaseViewProjection } from './kyc-case-view/kyc-case-view.projection';
import { licenseViewProjection } from './license-view/license-view.projection';
import { modelViewProjection } from './model-view/model-view.projection';
import { partnerViewProjection } from './partner-view/partner-view.projection';
import { screeningViewProjection } from './screening-view/screening-view.projection';
import { webhookEndpointViewProjection } from './webhook-endpoint-view/webhook-endpoint-view.projection';
import type { ReadModel } from './shared/read-model';

export { Column, ColumnType, ReadModel, Row, Rows } from './shared/read-model';
export { ProjectionRunner } from './shared/projection-runner';
export { entitlementIndexAsOf, geoPolicyOf } from './entitlement-as-of/entitlement-index-as-of';
export { IndexSnapshots, LoadedSnapshot } from './entitlement-index/index-snapshots';
export { describeRefreshProgress, describeWrittenSnapshot, INDEX_SNAPSHOT_REFRESH_LOCK, refreshIndexSnapshot, SnapshotRefreshOptions, SnapshotRefreshProgress, SnapshotRefreshResult } from './entitlement-index/refresh-index-snapshot';
export { RebuildAlreadyRunningError, RebuildProgress, RebuildResult, rebuildReadModels, REBUILD_SCHEMA } from './shared/projection-rebuild';

/** Every read model the worker keeps. */
export const ALL_PROJECTIONS: readonly ReadModel[] = [
  partnerViewProjection,
  modelViewProjection,
  licenseViewProjection,
  credentialViewProjection,
  kycCaseViewProjection,
  screeningViewProjection,
  governmentApprovalViewProjection,
  directiveViewProjection,
  endUserViewProjection,
  webhookEndpointViewProjection,
];

/** The read models named (`all`: every one), or the unknown names. */
export function readModelsNamed(names: readonly string[]): { models: ReadModel[]; unknown: string[] } {
  if (names.includes('all')) return { models: [...ALL_PROJECTIONS], unknown: [] };
  const unknown = names.filter((name) => !ALL_PROJECTIONS.some((model) => model.name === name));
  return { models: ALL_PROJECTIONS.filter((model) => names.includes(model.name)), unknown };
}
