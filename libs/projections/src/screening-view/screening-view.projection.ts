import { STATUS_OF_BAND, type ScreeningEvent, type ScreeningSubject } from '@app/domain';
import type { ReadModel } from '../shared/read-model';

const subjectLookup = (partnerId: string, subject: ScreeningSubject) => [partnerId, subject.kind, subject.ref];

export const screeningViewProjection: ReadModel = {
  name: 'screening-view',
  table: 'screening_views',
  columns: [
    { name: 'id', type: 'text' },
    { name: 'partner_id', type: 'text' },
    { name: 'subject_kind', type: 'text' },
    { name: 'subject_ref', type: 'text' },
    { name: 'subject_name', type: 'text' },
    { name: 'band', type: 'text' },
    { name: 'status', type: 'text' },
    { name: 'top_score', type: 'double precision' },
    { name: 'list_version', type: 'text' },
    { name: 'evidence', type: 'jsonb' },
    { name: 'trigger', type: 'text' },
    { name: 'screened_at', type: 'timestamptz' },
    { name: 'decided_by', type: 'text' },
    { name: 'decision_reason', type: 'text' },
    { name: 'decided_at', type: 'timestamptz' },
    { name: 'latest', type: 'boolean' },
    { name: 'position', type: 'bigint' },
  ],
  primaryKey: ['id'],
  defaults: { latest: true },
  handles: new Set<ScreeningEvent['type']>(['ScreeningRecorded', 'ScreeningHitCleared', 'ScreeningHitConfirmed']),
  keysOf: (event) => [[(event.data as ScreeningEvent['data']).screeningId]],
  // A newer screening of the same subject supersedes the older ones in the queues.
  secondaryLookup: {
    columns: ['partner_id', 'subject_kind', 'subject_ref'],
    where: 'latest',
    of: (row) => (row.latest ? [row.partner_id as string, row.subject_kind as string, row.subject_ref as string] : null),
    keysOf: (event) => {
      if (event.type !== 'ScreeningRecorded') return [];
      const data = event.data as ScreeningEvent['data'];
      return [subjectLookup(data.partnerId, data.subject)];
    },
  },
  evolve(rows, event) {
    const e = event as unknown as ScreeningEvent & { metadata: { occurredAt: string; actorId: string }; globalPosition: number };
    const at = new Date(e.metadata.occurredAt);
    const position = e.globalPosition;
    if (e.type === 'ScreeningRecorded') {
      const { subject, evidence } = e.data;
      const superseded = rows.findBy(subjectLookup(e.data.partnerId, subject));
      if (superseded && superseded.id !== e.data.screeningId) rows.update([superseded.id as string], { latest: false });
      rows.upsert({
        id: e.data.screeningId,
        partner_id: e.data.partnerId,
        subject_kind: subject.kind,
        subject_ref: subject.ref,
        subject_name: subject.name,
        band: evidence.band,
        status: STATUS_OF_BAND[evidence.band],
        top_score: evidence.topScore,
        list_version: evidence.listVersion,
        evidence,
        trigger: e.data.trigger,
        screened_at: at,
        latest: true,
        position,
      });
      return;
    }
    rows.update([e.data.screeningId], {
      status: e.type === 'ScreeningHitCleared' ? 'cleared' : 'confirmed',
      decided_by: e.metadata.actorId,
      decision_reason: e.data.reason,
      decided_at: at,
      position,
    });
  },
};
