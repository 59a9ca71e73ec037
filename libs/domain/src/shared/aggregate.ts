/** An event as the domain sees it: a type and its data. The event store adds ids, positions and metadata. */
export interface DomainEvent<Type extends string = string, Data = unknown> {
  type: Type;
  data: Data;
}

/** Who is acting and when. Time arrives here, never from a clock inside the domain. */
export interface DecisionContext {
  now: Date;
  actorId: string;
  actorRole: string;
}

/** An aggregate is a stream's pure logic: fold its events into state, decide new events from a command. */
export interface Aggregate<State, Event extends DomainEvent, Command> {
  streamPrefix: string;
  initialState(): State;
  evolve(state: State, event: Event): State;
  decide(command: Command, state: State, context: DecisionContext): Event[];
}

export function streamIdOf(aggregate: { streamPrefix: string }, id: string): string {
  return `${aggregate.streamPrefix}-${id}`;
}

export function fold<State, Event extends DomainEvent>(
  aggregate: Pick<Aggregate<State, Event, unknown>, 'initialState' | 'evolve'>,
  events: Event[],
): State {
  return events.reduce(aggregate.evolve, aggregate.initialState());
}
