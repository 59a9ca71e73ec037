import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Screening, ScreeningEvidence, ScreeningSubject } from '@app/domain';
import { AggregateRepository } from '../shared/aggregate-repository';
import type { CommandMeta, CommandResult } from '../shared/command-meta';

/** Records one screening result with its evidence (the worker runs the matching). */
export class RecordScreeningCommand extends Command<CommandResult> {
  constructor(
    readonly screeningId: string,
    readonly partnerId: string,
    readonly subject: ScreeningSubject,
    readonly evidence: ScreeningEvidence,
    readonly trigger: string,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

@CommandHandler(RecordScreeningCommand)
export class RecordScreeningHandler implements ICommandHandler<RecordScreeningCommand> {
  constructor(private readonly aggregates: AggregateRepository) {}

  execute(c: RecordScreeningCommand): Promise<CommandResult> {
    return this.aggregates.execute(
      Screening,
      c.screeningId,
      { type: 'RecordScreening', data: { screeningId: c.screeningId, partnerId: c.partnerId, subject: c.subject, evidence: c.evidence, trigger: c.trigger } },
      c.meta,
    );
  }
}
