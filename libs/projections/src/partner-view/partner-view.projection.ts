import type { PartnerApplication, PartnerEvent, PartnerStatus } from '@app/domain';
import type { ReadModel, Row } from '../shared/read-model';

const STATUS_AFTER: Partial<Record<PartnerEvent['type'], PartnerStatus>> = {
  ReviewStarted: 'under_review',
  InformationRequested: 'information_requested',
  ApplicationResubmitted: 'resubmitted',
  ApplicationApproved: 'approved',
  ApplicationRejected: 'rejected',
  PartnerSuspended: 'suspended',
  PartnerReinstated: 'approved',
  PartnerOffboarded: 'offboarded',
};

function applicationColumns(application: PartnerApplication): Row {
  return {
    legal_name: application.legalName,
    registration_number: application.registrationNumber,
    country_of_incorporation: application.countryOfIncorporation,
    requested_models: application.requestedModels,
    application,
  };
}

/** What an event other than the submission changes on the partner's row. */
function changesOf(e: PartnerEvent, at: Date): Row {
  const status = STATUS_AFTER[e.type];
  const reason = 'reason' in e.data ? (e.data as { reason: string }).reason : null;
  return {
    ...(e.type === 'ApplicationUpdated' || e.type === 'ApplicationResubmitted' ? applicationColumns(e.data) : {}),
    ...(status ? { status, status_changed_at: at, status_reason: reason } : {}),
    ...(e.type === 'InformationRequested' ? { information_request: { message: e.data.message, fields: e.data.fields } } : {}),
    ...(e.type === 'ApplicationResubmitted' ? { information_request: null } : {}),
    ...(e.type === 'ApplicationApproved' || e.type === 'ApplicationRejected' ? { decided_at: at } : {}),
  };
}

export const partnerViewProjection: ReadModel = {
  name: 'partner-view',
  table: 'partner_views',
  columns: [
    { name: 'id', type: 'text' },
    { name: 'legal_name', type: 'text' },
    { name: 'registration_number', type: 'text' },
    { name: 'country_of_incorporation', type: 'text' },
    { name: 'status', type: 'text' },
    { name: 'requested_models', type: 'text[]' },
    { name: 'submitted_at', type: 'timestamptz' },
    { name: 'decided_at', type: 'timestamptz' },
    { name: 'position', type: 'bigint' },
    { name: 'application', type: 'jsonb' },
    { name: 'information_request', type: 'jsonb' },
    { name: 'status_reason', type: 'text' },
    { name: 'status_changed_at', type: 'timestamptz' },
  ],
  primaryKey: ['id'],
  defaults: { application: {} },
  handles: new Set<PartnerEvent['type']>([
    'ApplicationSubmitted', 'ApplicationUpdated', 'ReviewStarted', 'InformationRequested', 'ApplicationResubmitted',
    'ApplicationApproved', 'ApplicationRejected', 'PartnerSuspended', 'PartnerReinstated', 'PartnerOffboarded',
  ]),
  keysOf: (event) => [[(event.data as PartnerEvent['data']).partnerId]],
  evolve(rows, event) {
    const e = event as unknown as PartnerEvent & { metadata: { occurredAt: string }; globalPosition: number };
    const at = new Date(e.metadata.occurredAt);
    const position = e.globalPosition;
    if (e.type === 'ApplicationSubmitted') {
      rows.upsert({ id: e.data.partnerId, ...applicationColumns(e.data), status: 'submitted', submitted_at: at, status_changed_at: at, position });
      return;
    }
    rows.update([e.data.partnerId], { ...changesOf(e, at), position });
  },
};
