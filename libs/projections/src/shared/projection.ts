import type { Prisma } from '@app/database';
import type { RecordedEvent } from '@app/event-store';

export type ProjectionTx = Prisma.TransactionClient;

/** A read model: folds the events it cares about into Prisma tables. */
export interface Projection {
  name: string;
  /** Event types it reads; others are skipped without a write. */
  handles: ReadonlySet<string>;
  apply(tx: ProjectionTx, event: RecordedEvent<string, any>): Promise<void>;
}
