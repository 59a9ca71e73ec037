import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, Clock } from '@app/config';
import { Aggregate, DomainEvent, fold, streamIdOf } from '@app/domain';
import { deterministicEventId, EventStore, NewEvent, RecordedEvent } from '@app/event-store';
import type { PoolClient } from 'pg';
import type { CommandMeta, CommandResult } from './command-meta';

/** The one way to load an aggregate and to act on it: read stream -> fold -> decide -> append. */
@Injectable()
export class AggregateRepository {
  constructor(private readonly store: EventStore, @Inject(CLOCK) private readonly clock: Clock) {}

  async load<S, E extends DomainEvent>(aggregate: Aggregate<S, E, unknown>, id: string): Promise<{ state: S; version: number; position: number }> {
    const events = await this.store.readStream(streamIdOf(aggregate, id));
    return { state: fold(aggregate, events as unknown as E[]), version: events.length, position: events[events.length - 1]?.globalPosition ?? 0 };
  }

  /**
   * Decides `command` against the stream's current state and appends the result, expecting the
   * version that was read (a concurrent writer makes this a WrongExpectedVersionError, HTTP 409).
   * With an idempotency key, a retry of a command that already succeeded answers the original
   * positions instead of deciding again. Answers the stream's state after the command too.
   * With `client`, reads and appends inside the caller's transaction (the caller notifies after commit).
   */
  async execute<S, E extends DomainEvent, C>(
    aggregate: Aggregate<S, E, C>,
    id: string,
    command: C | ((state: S) => C),
    meta: CommandMeta,
    options: { client?: PoolClient } = {},
  ): Promise<CommandResult & { state: S }> {
    const streamId = streamIdOf(aggregate, id);
    const recorded = await this.store.readStream(streamId, { client: options.client });
    const state = fold(aggregate, recorded as unknown as E[]);
    if (meta.idempotencyKey) {
      const replay = previousOutcome(recorded, meta.idempotencyKey, streamId);
      if (replay) return { streamId, streamVersion: replay.streamVersion, position: replay.globalPosition, duplicate: true, state };
    }
    const now = this.clock.now();
    const decided = aggregate.decide(typeof command === 'function' ? (command as (s: S) => C)(state) : command, state, {
      now,
      actorId: meta.actor.id,
      actorRole: meta.actor.role,
    });
    if (decided.length === 0) {
      // Nothing changes (e.g. a provider repeating itself): nothing is appended.
      const last = recorded[recorded.length - 1];
      return { streamId, streamVersion: recorded.length, position: last?.globalPosition ?? 0, duplicate: true, state };
    }
    const metadata = {
      actorId: meta.actor.id,
      actorRole: meta.actor.role,
      correlationId: meta.correlationId,
      causationId: meta.causationId,
      occurredAt: now.toISOString(),
    };
    const events: NewEvent[] = decided.map((event, index) => ({
      eventId: meta.idempotencyKey ? deterministicEventId(meta.idempotencyKey, streamId, index) : undefined,
      type: event.type,
      data: event.data,
      metadata,
    }));
    const result = await this.store.appendToStream(streamId, events, {
      expectedVersion: recorded.length === 0 ? 'no_stream' : recorded.length,
      client: options.client,
    });
    return {
      streamId,
      streamVersion: result.streamVersion,
      position: result.positions[result.positions.length - 1],
      duplicate: result.duplicate,
      // The state the command left the stream in, so callers need not read the stream again.
      state: decided.reduce(aggregate.evolve, state),
    };
  }
}

/** The last event a command with this idempotency key already appended, if it did. */
function previousOutcome(recorded: RecordedEvent[], key: string, streamId: string): RecordedEvent | null {
  const start = recorded.findIndex((e) => e.eventId === deterministicEventId(key, streamId, 0));
  if (start < 0) return null;
  let end = start;
  while (end + 1 < recorded.length && recorded[end + 1].eventId === deterministicEventId(key, streamId, end + 1 - start)) end++;
  return recorded[end];
}
