import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Model, ModelCommand } from '@app/domain';
import { AggregateRepository } from '../shared/aggregate-repository';
import type { CommandMeta, CommandResult } from '../shared/command-meta';

/** The catalogue's kill switch: suspend (optionally citing a directive), reinstate, retire. */
export class ChangeModelStatusCommand extends Command<CommandResult> {
  constructor(
    readonly modelId: string,
    readonly change: 'suspend' | 'reinstate' | 'retire',
    readonly reason: string,
    readonly directiveId: string | null,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

@CommandHandler(ChangeModelStatusCommand)
export class ChangeModelStatusHandler implements ICommandHandler<ChangeModelStatusCommand> {
  constructor(private readonly aggregates: AggregateRepository) {}

  execute({ modelId, change, reason, directiveId, meta }: ChangeModelStatusCommand): Promise<CommandResult> {
    const command: ModelCommand =
      change === 'suspend'
        ? { type: 'SuspendModel', data: { modelId, reason, directiveId } }
        : change === 'reinstate'
          ? { type: 'ReinstateModel', data: { modelId, reason } }
          : { type: 'RetireModel', data: { modelId, reason } };
    return this.aggregates.execute(Model, modelId, command, meta);
  }
}
