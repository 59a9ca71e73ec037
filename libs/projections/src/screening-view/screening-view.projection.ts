import { STATUS_OF_BAND, type ScreeningEvent } from '@app/domain';
import type { Projection } from '../shared/projection';

export const screeningViewProjection: Projection = {
  name: 'screening-view',
  handles: new Set<ScreeningEvent['type']>(['ScreeningRecorded', 'ScreeningHitCleared', 'ScreeningHitConfirmed']),
  async apply(tx, event) {
    const e = event as unknown as ScreeningEvent & { metadata: { occurredAt: string; actorId: string }; globalPosition: number };
    const at = new Date(e.metadata.occurredAt);
    const position = BigInt(e.globalPosition);
    if (e.type === 'ScreeningRecorded') {
      const { subject, evidence } = e.data;
      // A newer screening of the same subject supersedes the older ones in the queues.
      await tx.screeningView.updateMany({
        where: { partnerId: e.data.partnerId, subjectKind: subject.kind, subjectRef: subject.ref, latest: true, NOT: { id: e.data.screeningId } },
        data: { latest: false },
      });
      const row = {
        partnerId: e.data.partnerId,
        subjectKind: subject.kind,
        subjectRef: subject.ref,
        subjectName: subject.name,
        band: evidence.band,
        status: STATUS_OF_BAND[evidence.band],
        topScore: evidence.topScore,
        listVersion: evidence.listVersion,
        evidence: evidence as object,
        trigger: e.data.trigger,
        screenedAt: at,
        latest: true,
        position,
      };
      await tx.screeningView.upsert({ where: { id: e.data.screeningId }, create: { id: e.data.screeningId, ...row }, update: row });
      return;
    }
    await tx.screeningView.update({
      where: { id: e.data.screeningId },
      data: {
        status: e.type === 'ScreeningHitCleared' ? 'cleared' : 'confirmed',
        decidedBy: e.metadata.actorId,
        decisionReason: e.data.reason,
        decidedAt: at,
        position,
      },
    });
  },
};
