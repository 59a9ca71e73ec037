import type { ModelEvent } from '@app/domain';
import type { Projection } from '../shared/projection';

const STATUS_AFTER = { ModelSuspended: 'suspended', ModelReinstated: 'available', ModelRetired: 'retired' } as const;

export const modelViewProjection: Projection = {
  name: 'model-view',
  handles: new Set<ModelEvent['type']>(['ModelRegistered', 'ModelSuspended', 'ModelReinstated', 'ModelRetired']),
  async apply(tx, event) {
    const e = event as unknown as ModelEvent & { metadata: { occurredAt: string }; globalPosition: number };
    if (e.type === 'ModelRegistered') {
      const { modelId, ...description } = e.data;
      const row = { ...description, status: 'available', registeredAt: new Date(e.metadata.occurredAt), position: BigInt(e.globalPosition) };
      await tx.modelView.upsert({ where: { id: modelId }, create: { id: modelId, ...row }, update: row });
      return;
    }
    await tx.modelView.update({
      where: { id: e.data.modelId },
      data: { status: STATUS_AFTER[e.type], position: BigInt(e.globalPosition) },
    });
  },
};
