import { given } from '../shared/given-when-then';
import type { ModelDescription, ModelEvent } from './model.events';
import { Model } from './model.decide';

const description: ModelDescription = {
  modelId: 'mythos-5',
  provider: 'Anthropic',
  name: 'Mythos',
  version: '5',
  family: 'mythos',
  classification: '4E091',
  openWeights: false,
};

const registered: ModelEvent = { type: 'ModelRegistered', data: description };
const suspended: ModelEvent = { type: 'ModelSuspended', data: { modelId: 'mythos-5', reason: 'directive', directiveId: 'dir-7' } };
const reinstated: ModelEvent = { type: 'ModelReinstated', data: { modelId: 'mythos-5', reason: 'directive lifted' } };
const retired: ModelEvent = { type: 'ModelRetired', data: { modelId: 'mythos-5', reason: 'end of life' } };

const register = { type: 'RegisterModel', data: description } as const;
const suspend = { type: 'SuspendModel', data: { modelId: 'mythos-5', reason: 'directive', directiveId: 'dir-7' } } as const;
const reinstate = { type: 'ReinstateModel', data: { modelId: 'mythos-5', reason: 'directive lifted' } } as const;
const retire = { type: 'RetireModel', data: { modelId: 'mythos-5', reason: 'end of life' } } as const;

/** The histories that leave a model in each status. */
const histories = {
  unregistered: [] as ModelEvent[],
  available: [registered],
  suspended: [registered, suspended],
  reinstated: [registered, suspended, reinstated],
  retired: [registered, retired],
  retiredWhileSuspended: [registered, suspended, retired],
};

describe('Model', () => {
  describe('RegisterModel', () => {
    it('registers an unregistered model', () => {
      given(Model, histories.unregistered).when(register).then([registered]);
    });

    it.each([
      ['available', histories.available, 'available'],
      ['suspended', histories.suspended, 'suspended'],
      ['reinstated', histories.reinstated, 'available'],
      ['retired', histories.retired, 'retired'],
    ])('refuses to register a model that is already registered (%s)', (_name, history, currentStatus) => {
      given(Model, history).when(register).thenThrows('MODEL.ALREADY_REGISTERED', { kind: 'conflict', details: { currentStatus } });
    });
  });

  describe('SuspendModel', () => {
    it('suspends an available model, with its directive', () => {
      given(Model, histories.available).when(suspend).then([suspended]);
    });

    it('suspends a reinstated model again', () => {
      given(Model, histories.reinstated).when(suspend).then([suspended]);
    });

    it('records directiveId null when no directive is given (absent or null)', () => {
      const expected: ModelEvent[] = [{ type: 'ModelSuspended', data: { modelId: 'mythos-5', reason: 'review', directiveId: null } }];
      given(Model, histories.available).when({ type: 'SuspendModel', data: { modelId: 'mythos-5', reason: 'review' } }).then(expected);
      given(Model, histories.available)
        .when({ type: 'SuspendModel', data: { modelId: 'mythos-5', reason: 'review', directiveId: null } })
        .then(expected);
    });

    it('refuses an unknown model', () => {
      given(Model, histories.unregistered).when(suspend).thenThrows('MODEL.NOT_FOUND', { kind: 'not_found' });
    });

    it.each([
      ['suspended', histories.suspended],
      ['retired', histories.retired],
    ])('refuses a model that is %s', (currentStatus, history) => {
      given(Model, history).when(suspend).thenThrows('MODEL.INVALID_TRANSITION', { kind: 'conflict', details: { currentStatus } });
    });
  });

  describe('ReinstateModel', () => {
    it('reinstates a suspended model', () => {
      given(Model, histories.suspended).when(reinstate).then([reinstated]);
    });

    it('refuses an unknown model', () => {
      given(Model, histories.unregistered).when(reinstate).thenThrows('MODEL.NOT_FOUND', { kind: 'not_found' });
    });

    it.each([
      ['available', 'registered', histories.available],
      ['available', 'suspended then reinstated', histories.reinstated],
      ['retired', 'retired while available', histories.retired],
      ['retired', 'retired while suspended', histories.retiredWhileSuspended],
    ])('refuses a model that is %s (%s)', (currentStatus, _history, history) => {
      given(Model, history).when(reinstate).thenThrows('MODEL.INVALID_TRANSITION', { kind: 'conflict', details: { currentStatus } });
    });
  });

  describe('RetireModel', () => {
    it('retires an available model', () => {
      given(Model, histories.available).when(retire).then([retired]);
    });

    it('retires a suspended model', () => {
      given(Model, histories.suspended).when(retire).then([retired]);
    });

    it('refuses an unknown model', () => {
      given(Model, histories.unregistered).when(retire).thenThrows('MODEL.NOT_FOUND', { kind: 'not_found' });
    });

    it.each([
      ['retired', 'retired while available', histories.retired],
      ['retired', 'retired while suspended', histories.retiredWhileSuspended],
    ])('refuses a model that is already %s (%s)', (currentStatus, _history, history) => {
      given(Model, history).when(retire).thenThrows('MODEL.INVALID_TRANSITION', { kind: 'conflict', details: { currentStatus } });
    });
  });

  describe('state', () => {
    it('folds to the description and the latest status', () => {
      const fold = (events: ModelEvent[]) => events.reduce(Model.evolve, Model.initialState());
      expect(fold(histories.unregistered)).toEqual({ status: 'unregistered', model: null });
      expect(fold(histories.available)).toEqual({ status: 'available', model: description });
      expect(fold(histories.suspended)).toEqual({ status: 'suspended', model: description });
      expect(fold(histories.reinstated)).toEqual({ status: 'available', model: description });
      expect(fold(histories.retiredWhileSuspended)).toEqual({ status: 'retired', model: description });
    });
  });
});

// The helper itself lives next to the aggregates without a spec of its own: check here that it fails loudly.
describe('given/when/then helper', () => {
  it('returns the decided events and the refusal for further assertions', () => {
    expect(given(Model, []).when(register).then([registered])).toEqual([registered]);
    expect(given(Model, []).when(suspend).thenThrows('MODEL.NOT_FOUND').kind).toBe('not_found');
  });

  it('reports events that differ, with both sides', () => {
    expect(() => given(Model, []).when(register).then([])).toThrow(/Decided events differ[\s\S]*Expected:[\s\S]*Received:[\s\S]*ModelRegistered/);
    expect(() => given(Model, []).when(register).then([{ type: 'ModelRegistered', data: { ...description, version: '6' } }])).toThrow(
      /Decided events differ/,
    );
  });

  it('reports a refusal where events were expected, and events where a refusal was expected', () => {
    expect(() => given(Model, []).when(suspend).then([suspended])).toThrow(/the command threw DomainError MODEL.NOT_FOUND/);
    expect(() => given(Model, []).when(register).thenThrows('MODEL.ALREADY_REGISTERED')).toThrow(
      /Expected DomainError MODEL.ALREADY_REGISTERED but the command decided/,
    );
  });

  it('reports a wrong code, kind or details', () => {
    const refused = given(Model, [registered]).when(register);
    expect(() => refused.thenThrows('MODEL.NOT_FOUND')).toThrow(/code: expected MODEL.NOT_FOUND, received MODEL.ALREADY_REGISTERED/);
    expect(() => refused.thenThrows('MODEL.ALREADY_REGISTERED', { kind: 'not_found' })).toThrow(/kind: expected not_found, received conflict/);
    expect(() => refused.thenThrows('MODEL.ALREADY_REGISTERED', { details: { currentStatus: 'retired' } })).toThrow(/details: expected/);
    expect(() => refused.thenThrows('MODEL.ALREADY_REGISTERED', { details: {} })).toThrow(/details: expected/);
  });

  it('refuses to be awaited', async () => {
    const whenResult: unknown = given(Model, []).when(register);
    await expect((async () => await whenResult)()).rejects.toThrow(/do not await/);
  });
});
