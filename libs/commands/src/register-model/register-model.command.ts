import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Model, ModelDescription } from '@app/domain';
import { AggregateRepository } from '../shared/aggregate-repository';
import type { CommandMeta, CommandResult } from '../shared/command-meta';

export class RegisterModelCommand extends Command<CommandResult> {
  constructor(readonly model: ModelDescription, readonly meta: CommandMeta) {
    super();
  }
}

@CommandHandler(RegisterModelCommand)
export class RegisterModelHandler implements ICommandHandler<RegisterModelCommand> {
  constructor(private readonly aggregates: AggregateRepository) {}

  execute({ model, meta }: RegisterModelCommand): Promise<CommandResult> {
    return this.aggregates.execute(Model, model.modelId, { type: 'RegisterModel', data: model }, meta);
  }
}
