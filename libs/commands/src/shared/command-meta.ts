import type { Actor } from '@app/auth';

/** What the transport knows about a command besides its data: who, in answer to what, and how to retry. */
export interface CommandMeta {
  actor: Actor;
  correlationId: string;
  causationId: string | null;
  /** From the Idempotency-Key header: seeds the event ids so that a retry appends nothing twice. */
  idempotencyKey: string | null;
}

/** What every command answers: where its events landed. `position` is the consistency token. */
export interface CommandResult {
  streamId: string;
  streamVersion: number;
  position: number;
  duplicate: boolean;
}
