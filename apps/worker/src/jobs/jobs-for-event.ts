import type {
  DirectiveTerms,
  GovernmentApprovalTerms,
  KycCaseOpened,
  KycVerified,
  LicenseTerms,
  PartnerApplication,
  RestrictedPartyListsImported,
} from '@app/domain';
import type { RecordedEvent } from '@app/event-store';
import { JobRequest, jobRequest, QUEUES } from '@app/jobs';

export interface JobPolicy {
  /** When the reactor handles the event: delays run from here. */
  now: Date;
  /** The provider a submitted application's KYB starts with; null: the partner starts it. */
  kycAutoStartProvider: string | null;
  kycPollDelayMs: number;
  kycValidityDays: number;
}

const DAY_MS = 86_400_000;

const SCREENED_WHEN = new Set(['ApplicationSubmitted', 'ApplicationUpdated', 'ApplicationResubmitted', 'UserEnrolled']);

/** The case id of the KYB a submission starts: one per submission event, so a retried job opens one case. */
export function autoKybCaseId(eventId: string): string {
  return `kyb-${eventId}`;
}

/**
 * The jobs an event asks for. Pure: the same event and policy give the same jobs with the same
 * ids, so handling an event twice enqueues nothing twice. Timers are delayed jobs whose id names
 * the end of the window, so an amended window gets a timer of its own and the old one finds
 * nothing to do (the expire commands re-check the window).
 */
export function jobsForEvent(event: RecordedEvent, policy: JobPolicy): JobRequest[] {
  const jobs: JobRequest[] = [];
  const until = (end: string) => Date.parse(end) - policy.now.getTime();
  if (SCREENED_WHEN.has(event.type)) {
    jobs.push(jobRequest(QUEUES.screening, 'screening.subjects', { eventId: event.eventId, globalPosition: event.globalPosition }, [event.eventId]));
  }
  switch (event.type) {
    case 'ApplicationSubmitted': {
      if (!policy.kycAutoStartProvider) break;
      const { partnerId } = event.data as PartnerApplication;
      const caseId = autoKybCaseId(event.eventId);
      jobs.push(jobRequest(QUEUES.kyc, 'kyc.start', { caseId, partnerId, causationEventId: event.eventId }, [event.eventId]));
      break;
    }
    case 'KycCaseOpened': {
      const { caseId, partnerId } = (event as RecordedEvent<string, KycCaseOpened['data']>).data;
      jobs.push(jobRequest(QUEUES.kyc, 'kyc.poll', { caseId, partnerId, attempt: 1 }, [caseId], policy.kycPollDelayMs));
      break;
    }
    case 'KycVerified': {
      const { caseId, partnerId, evidence } = (event as RecordedEvent<string, KycVerified['data']>).data;
      const expiresAt = new Date(Date.parse(evidence.receivedAt) + policy.kycValidityDays * DAY_MS).toISOString();
      jobs.push(jobRequest(QUEUES.expiry, 'expiry.kyc', { caseId, partnerId, expiresAt }, [caseId, expiresAt], until(expiresAt)));
      break;
    }
    case 'RestrictedPartyListsImported': {
      const { version } = (event as RecordedEvent<string, RestrictedPartyListsImported['data']>).data;
      jobs.push(jobRequest(QUEUES.screening, 'screening.rescreen-all', { listVersion: version, eventId: event.eventId }, [version]));
      break;
    }
    case 'LicenseGranted':
    case 'LicenseAmended': {
      const { licenseId, partnerId, validUntil } = event.data as LicenseTerms;
      if (validUntil) jobs.push(jobRequest(QUEUES.expiry, 'expiry.license', { licenseId, partnerId, validUntil }, [licenseId, validUntil], until(validUntil)));
      break;
    }
    case 'GovernmentApprovalGranted':
    case 'GovernmentApprovalAmended': {
      const { approvalId, partnerId, validUntil } = event.data as GovernmentApprovalTerms;
      if (validUntil) {
        jobs.push(jobRequest(QUEUES.expiry, 'expiry.government-approval', { approvalId, partnerId, validUntil }, [approvalId, validUntil], until(validUntil)));
      }
      break;
    }
    case 'DirectiveIssued':
    case 'DirectiveAmended': {
      const { directiveId, expiresAt } = event.data as DirectiveTerms;
      if (expiresAt) jobs.push(jobRequest(QUEUES.expiry, 'expiry.directive', { directiveId, expiresAt }, [directiveId, expiresAt], until(expiresAt)));
      break;
    }
  }
  return jobs;
}
