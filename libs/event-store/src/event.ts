/** Who caused an event, and in answer to what. Carried by every event. */
export interface EventMetadata {
  actorId: string;
  actorRole: string;
  correlationId: string;
  causationId: string | null;
  /** ISO-8601 UTC: when the fact happened in the world, as given by the command's clock. */
  occurredAt: string;
}

export interface NewEvent<Type extends string = string, Data = unknown> {
  /** Unique per stream; a retried append with the same ids writes nothing. Random when omitted. */
  eventId?: string;
  type: Type;
  schemaVersion?: number;
  data: Data;
  metadata: EventMetadata;
}

export interface RecordedEvent<Type extends string = string, Data = unknown> {
  globalPosition: number;
  streamId: string;
  streamVersion: number;
  eventId: string;
  type: Type;
  schemaVersion: number;
  data: Data;
  metadata: EventMetadata;
  recordedAt: Date;
}

/** `no_stream`: the stream must not exist; `any`: no check; a number: the stream's exact current version. */
export type ExpectedVersion = 'any' | 'no_stream' | number;

export interface AppendResult {
  streamId: string;
  /** The stream's version after the append (its last event's version). */
  streamVersion: number;
  /** Global positions of the appended events, in order. */
  positions: number[];
  /** True when every event id was already stored: nothing was written. */
  duplicate: boolean;
}
