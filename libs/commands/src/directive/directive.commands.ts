import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Directive, DirectiveCommand, DirectiveTerms } from '@app/domain';
import { AggregateRepository } from '../shared/aggregate-repository';
import type { CommandMeta, CommandResult } from '../shared/command-meta';

export type DirectiveChange =
  | { type: 'issue'; terms: DirectiveTerms }
  | { type: 'amend'; terms: DirectiveTerms; reason: string }
  | { type: 'lift'; liftedAt: string; reason: string };

/** Records a government directive, its amendments and its lifting: data with effective dates. */
export class ChangeDirectiveCommand extends Command<CommandResult> {
  constructor(readonly directiveId: string, readonly change: DirectiveChange, readonly meta: CommandMeta) {
    super();
  }
}

@CommandHandler(ChangeDirectiveCommand)
export class ChangeDirectiveHandler implements ICommandHandler<ChangeDirectiveCommand> {
  constructor(private readonly aggregates: AggregateRepository) {}

  execute({ directiveId, change, meta }: ChangeDirectiveCommand): Promise<CommandResult> {
    const command: DirectiveCommand =
      change.type === 'issue'
        ? { type: 'IssueDirective', data: change.terms }
        : change.type === 'amend'
          ? { type: 'AmendDirective', data: { ...change.terms, reason: change.reason } }
          : { type: 'LiftDirective', data: { liftedAt: change.liftedAt, reason: change.reason } };
    return this.aggregates.execute(Directive, directiveId, command, meta);
  }
}
