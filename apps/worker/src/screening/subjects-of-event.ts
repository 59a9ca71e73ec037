import type { PartnerApplication, ScreeningSubject, UserEnrolled } from '@app/domain';
import type { RecordedEvent } from '@app/event-store';
import type { PartyEntityType } from '@app/screening';

export interface SubjectToScreen {
  partnerId: string;
  subject: ScreeningSubject;
  entityType: PartyEntityType;
}

/** The organisation and its beneficial owners, as an application names them. */
export function subjectsOfApplication(application: PartnerApplication): SubjectToScreen[] {
  const partnerId = application.partnerId;
  return [
    { partnerId, entityType: 'entity', subject: { kind: 'organisation', ref: partnerId, name: application.legalName, country: application.countryOfIncorporation } },
    ...application.beneficialOwners.map((owner, i) => ({
      partnerId,
      entityType: 'individual' as const,
      subject: { kind: 'beneficial_owner' as const, ref: `owner-${i}`, name: owner.name, country: owner.nationality },
    })),
  ];
}

export function subjectOfUser(user: { partnerId: string; userId: string; name: string }): SubjectToScreen {
  return { partnerId: user.partnerId, entityType: 'individual', subject: { kind: 'user', ref: user.userId, name: user.name, country: null } };
}

/** Who an event asks to be screened: the organisation and its owners, or an enrolled user. */
export function subjectsOf(event: RecordedEvent): SubjectToScreen[] {
  switch (event.type) {
    case 'ApplicationSubmitted':
    case 'ApplicationUpdated':
    case 'ApplicationResubmitted':
      return subjectsOfApplication(event.data as PartnerApplication);
    case 'UserEnrolled':
      return [subjectOfUser((event as RecordedEvent<'UserEnrolled', UserEnrolled['data']>).data)];
    default:
      return [];
  }
}
