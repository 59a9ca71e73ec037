import type { Aggregate, DomainEvent } from '../shared/aggregate';
import { DomainError } from '../shared/domain-error';
import type { PartnerStatus } from '../partner/partner.state';

/** A partner's end user, known by the partner's own id for them. Identity comes from their KYC case. */
export type UserEnrolled = DomainEvent<'UserEnrolled', { partnerId: string; userId: string; name: string; email: string | null }>;
export type UserRemoved = DomainEvent<'UserRemoved', { partnerId: string; userId: string; reason: string }>;
export type EndUserEvent = UserEnrolled | UserRemoved;

export interface EndUserState {
  status: 'none' | 'enrolled' | 'removed';
  name: string | null;
}

export type EndUserCommand =
  | { type: 'EnrolUser'; data: UserEnrolled['data']; partnerStatus: PartnerStatus }
  | { type: 'RemoveUser'; data: UserRemoved['data'] };

/** One stream per partner and user: `user-<partnerId>~<userId>` (`~` is not allowed in ids). */
export function endUserKey(partnerId: string, userId: string): string {
  return `${partnerId}~${userId}`;
}

export function evolveEndUser(state: EndUserState, event: EndUserEvent): EndUserState {
  return event.type === 'UserEnrolled' ? { status: 'enrolled', name: event.data.name } : { ...state, status: 'removed' };
}

export function decideEndUser(command: EndUserCommand, state: EndUserState): EndUserEvent[] {
  if (command.type === 'EnrolUser') {
    if (state.status === 'enrolled') throw new DomainError('USER.ALREADY_ENROLLED', 'This user is already enrolled.', 'conflict', { currentStatus: state.status });
    if (command.partnerStatus === 'none' || command.partnerStatus === 'rejected' || command.partnerStatus === 'offboarded') {
      throw new DomainError('USER.PARTNER_NOT_ELIGIBLE', `A partner whose application is ${command.partnerStatus} cannot enrol users.`, 'conflict', {
        partnerStatus: command.partnerStatus,
      });
    }
    return [{ type: 'UserEnrolled', data: command.data }];
  }
  if (state.status !== 'enrolled') throw new DomainError('USER.NOT_FOUND', 'No such enrolled user.', 'not_found');
  return [{ type: 'UserRemoved', data: command.data }];
}

export const EndUser: Aggregate<EndUserState, EndUserEvent, EndUserCommand> = {
  streamPrefix: 'user',
  initialState: () => ({ status: 'none', name: null }),
  evolve: evolveEndUser,
  decide: decideEndUser,
};
