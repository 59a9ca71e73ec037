import type { Aggregate } from '../shared/aggregate';
import { DomainError } from '../shared/domain-error';
import type { ModelDescription, ModelEvent } from './model.events';
import { evolveModel, initialModelState, ModelState } from './model.state';

export type ModelCommand =
  | { type: 'RegisterModel'; data: ModelDescription }
  | { type: 'SuspendModel'; data: { modelId: string; reason: string; directiveId?: string | null } }
  | { type: 'ReinstateModel'; data: { modelId: string; reason: string } }
  | { type: 'RetireModel'; data: { modelId: string; reason: string } };

function requireStatus(state: ModelState, allowed: ModelState['status'][], action: string): void {
  if (state.status === 'unregistered') throw new DomainError('MODEL.NOT_FOUND', 'No such model.', 'not_found');
  if (!allowed.includes(state.status)) {
    throw new DomainError('MODEL.INVALID_TRANSITION', `Cannot ${action} a model that is ${state.status}.`, 'conflict', {
      currentStatus: state.status,
    });
  }
}

export function decideModel(command: ModelCommand, state: ModelState): ModelEvent[] {
  switch (command.type) {
    case 'RegisterModel':
      if (state.status !== 'unregistered') {
        throw new DomainError('MODEL.ALREADY_REGISTERED', `Model ${command.data.modelId} is already registered.`, 'conflict', {
          currentStatus: state.status,
        });
      }
      return [{ type: 'ModelRegistered', data: command.data }];
    case 'SuspendModel':
      requireStatus(state, ['available'], 'suspend');
      return [{ type: 'ModelSuspended', data: { ...command.data, directiveId: command.data.directiveId ?? null } }];
    case 'ReinstateModel':
      requireStatus(state, ['suspended'], 'reinstate');
      return [{ type: 'ModelReinstated', data: command.data }];
    case 'RetireModel':
      requireStatus(state, ['available', 'suspended'], 'retire');
      return [{ type: 'ModelRetired', data: command.data }];
  }
}

export const Model: Aggregate<ModelState, ModelEvent, ModelCommand> = {
  streamPrefix: 'model',
  initialState: initialModelState,
  evolve: evolveModel,
  decide: decideModel,
};
