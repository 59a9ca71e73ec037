import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Directive, GovernmentApproval, KycCase, License } from '@app/domain';
import { AggregateRepository } from '../shared/aggregate-repository';
import type { CommandMeta, CommandResult } from '../shared/command-meta';

export type ExpiringThing =
  | { kind: 'license'; licenseId: string }
  | { kind: 'government-approval'; approvalId: string }
  | { kind: 'directive'; directiveId: string }
  | { kind: 'kyc'; caseId: string; validForDays: number };

/**
 * A timer or the start-up sweep says a window may have ended. The aggregate re-checks its own
 * window against the clock and its current state, so an early, late, repeated or stale timer
 * records at most one expiry, and only a real one.
 */
export class ExpireAtWindowEndCommand extends Command<CommandResult> {
  constructor(readonly thing: ExpiringThing, readonly meta: CommandMeta) {
    super();
  }
}

@CommandHandler(ExpireAtWindowEndCommand)
export class ExpireAtWindowEndHandler implements ICommandHandler<ExpireAtWindowEndCommand> {
  constructor(private readonly aggregates: AggregateRepository) {}

  async execute({ thing, meta }: ExpireAtWindowEndCommand): Promise<CommandResult> {
    switch (thing.kind) {
      case 'license':
        return this.aggregates.execute(License, thing.licenseId, { type: 'ExpireLicense' }, meta);
      case 'government-approval':
        return this.aggregates.execute(GovernmentApproval, thing.approvalId, { type: 'ExpireGovernmentApproval' }, meta);
      case 'directive':
        return this.aggregates.execute(Directive, thing.directiveId, { type: 'ExpireDirective' }, meta);
      case 'kyc':
        return this.aggregates.execute(KycCase, thing.caseId, { type: 'ExpireKyc', data: { validForDays: thing.validForDays } }, meta);
    }
  }
}
