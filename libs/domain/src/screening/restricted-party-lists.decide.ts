import type { Aggregate, DomainEvent } from '../shared/aggregate';

/** A snapshot of the restricted-party lists became the one screened against. Entries live in reference tables. */
export type RestrictedPartyListsImported = DomainEvent<
  'RestrictedPartyListsImported',
  { version: string; loadedAt: string; entryCount: number; files: { name: string; sha256: string; entries: number }[] }
>;

export interface RestrictedPartyListsState {
  activeVersion: string | null;
}

export type RestrictedPartyListsCommand = { type: 'ActivateListVersion'; data: RestrictedPartyListsImported['data'] };

/** One stream, `lists-restricted-parties`: importing the active version again records nothing. */
export const RestrictedPartyLists: Aggregate<RestrictedPartyListsState, RestrictedPartyListsImported, RestrictedPartyListsCommand> = {
  streamPrefix: 'lists',
  initialState: () => ({ activeVersion: null }),
  evolve: (_state, event) => ({ activeVersion: event.data.version }),
  decide: (command, state) => (state.activeVersion === command.data.version ? [] : [{ type: 'RestrictedPartyListsImported', data: command.data }]),
};

export const RESTRICTED_PARTY_LISTS_ID = 'restricted-parties';
