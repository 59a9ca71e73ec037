import type { ModelEvent } from '@app/domain';
import type { ReadModel } from '../shared/read-model';

const STATUS_AFTER = { ModelSuspended: 'suspended', ModelReinstated: 'available', ModelRetired: 'retired' } as const;

export const modelViewProjection: ReadModel = {
  name: 'model-view',
  table: 'model_views',
  columns: [
    { name: 'id', type: 'text' },
    { name: 'provider', type: 'text' },
    { name: 'name', type: 'text' },
    { name: 'version', type: 'text' },
    { name: 'family', type: 'text' },
    { name: 'classification', type: 'text' },
    { name: 'open_weights', type: 'boolean' },
    { name: 'status', type: 'text' },
    { name: 'registered_at', type: 'timestamptz' },
    { name: 'position', type: 'bigint' },
  ],
  primaryKey: ['id'],
  defaults: {},
  handles: new Set<ModelEvent['type']>(['ModelRegistered', 'ModelSuspended', 'ModelReinstated', 'ModelRetired']),
  keysOf: (event) => [[(event.data as ModelEvent['data']).modelId]],
  evolve(rows, event) {
    const e = event as unknown as ModelEvent & { metadata: { occurredAt: string }; globalPosition: number };
    const position = e.globalPosition;
    if (e.type === 'ModelRegistered') {
      const d = e.data;
      rows.upsert({
        id: d.modelId,
        provider: d.provider,
        name: d.name,
        version: d.version,
        family: d.family,
        classification: d.classification,
        open_weights: d.openWeights,
        status: 'available',
        registered_at: new Date(e.metadata.occurredAt),
        position,
      });
      return;
    }
    rows.update([e.data.modelId], { status: STATUS_AFTER[e.type], position });
  },
};
