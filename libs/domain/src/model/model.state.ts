import type { ModelDescription, ModelEvent } from './model.events';

export type ModelStatus = 'unregistered' | 'available' | 'suspended' | 'retired';

export interface ModelState {
  status: ModelStatus;
  model: ModelDescription | null;
}

export const initialModelState = (): ModelState => ({ status: 'unregistered', model: null });

export function evolveModel(state: ModelState, event: ModelEvent): ModelState {
  switch (event.type) {
    case 'ModelRegistered':
      return { status: 'available', model: event.data };
    case 'ModelSuspended':
      return { ...state, status: 'suspended' };
    case 'ModelReinstated':
      return { ...state, status: 'available' };
    case 'ModelRetired':
      return { ...state, status: 'retired' };
  }
}
