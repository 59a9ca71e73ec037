import type { RecordedEvent } from '@app/event-store';
import { autoKybCaseId, JobPolicy, jobsForEvent } from './jobs-for-event';

const NOW = new Date('2026-06-01T00:00:00.000Z');
const policy: JobPolicy = { now: NOW, kycAutoStartProvider: null, kycPollDelayMs: 30_000, kycValidityDays: 365 };

function recorded(type: string, data: unknown, eventId = '00000000-0000-4000-8000-000000000001'): RecordedEvent {
  return {
    globalPosition: 42,
    streamId: 's-1',
    streamVersion: 1,
    eventId,
    type,
    schemaVersion: 1,
    data,
    metadata: { actorId: 'a', actorRole: 'r', correlationId: 'c', causationId: null, occurredAt: NOW.toISOString() },
    recordedAt: NOW,
  };
}

const application = { partnerId: 'acme', legalName: 'Acme', registrationNumber: 'R1', countryOfIncorporation: 'US', addresses: [], beneficialOwners: [], intendedUse: 'x', requestedModels: [] };
const licenseTerms = { licenseId: 'lic-1', partnerId: 'acme', modelId: 'mythos-5', validFrom: '2026-06-01T00:00:00.000Z', validUntil: '2026-06-02T00:00:00.000Z' };

describe('jobsForEvent', () => {
  it.each(['ApplicationSubmitted', 'ApplicationUpdated', 'ApplicationResubmitted', 'UserEnrolled'])('screens the subjects a %s names, once per event', (type) => {
    const event = recorded(type, { ...application, userId: 'u-1', name: 'Ada' });
    const jobs = jobsForEvent(event, policy);
    expect(jobs).toEqual([
      { queue: 'screening', name: 'screening.subjects', data: { eventId: event.eventId, globalPosition: 42 }, jobId: `screening.subjects|${event.eventId}`, delayMs: 0 },
    ]);
    expect(jobsForEvent(event, policy)).toEqual(jobs);
  });

  it('starts the organisation KYB of a submission only when a provider is configured', () => {
    const event = recorded('ApplicationSubmitted', application);
    expect(jobsForEvent(event, policy).map((j) => j.name)).toEqual(['screening.subjects']);
    const jobs = jobsForEvent(event, { ...policy, kycAutoStartProvider: 'sandbox' });
    expect(jobs[1]).toEqual({
      queue: 'kyc',
      name: 'kyc.start',
      data: { caseId: autoKybCaseId(event.eventId), partnerId: 'acme', causationEventId: event.eventId },
      jobId: `kyc.start|${event.eventId}`,
      delayMs: 0,
    });
  });

  it('polls a newly opened KYC case after the poll delay', () => {
    const jobs = jobsForEvent(recorded('KycCaseOpened', { caseId: 'kyc-1', partnerId: 'acme' }), policy);
    expect(jobs).toEqual([{ queue: 'kyc', name: 'kyc.poll', data: { caseId: 'kyc-1', partnerId: 'acme', attempt: 1 }, jobId: 'kyc.poll|kyc-1', delayMs: 30_000 }]);
  });

  it('times the expiry of a verification validityDays after it was received', () => {
    const [job] = jobsForEvent(recorded('KycVerified', { caseId: 'kyc-1', partnerId: 'acme', evidence: { receivedAt: NOW.toISOString() } }), policy);
    expect(job).toMatchObject({ queue: 'expiry', name: 'expiry.kyc', data: { caseId: 'kyc-1', expiresAt: '2027-06-01T00:00:00.000Z' }, delayMs: 365 * 86_400_000 });
  });

  it('re-screens everyone once per imported list version', () => {
    const event = recorded('RestrictedPartyListsImported', { version: 'v-abc' });
    expect(jobsForEvent(event, policy)).toEqual([
      { queue: 'screening', name: 'screening.rescreen-all', data: { listVersion: 'v-abc', eventId: event.eventId }, jobId: 'screening.rescreen-all|v-abc', delayMs: 0 },
    ]);
  });

  it.each(['LicenseGranted', 'LicenseAmended'])('sets a timer at the end of the license window on %s, named by that end', (type) => {
    const [job] = jobsForEvent(recorded(type, licenseTerms), policy);
    expect(job).toEqual({
      queue: 'expiry',
      name: 'expiry.license',
      data: { licenseId: 'lic-1', partnerId: 'acme', validUntil: licenseTerms.validUntil },
      jobId: `expiry.license|lic-1|${licenseTerms.validUntil}`.replace(/:/g, '_'),
      delayMs: 86_400_000,
    });
  });

  it('gives an amended window a timer of its own', () => {
    const [before] = jobsForEvent(recorded('LicenseGranted', licenseTerms), policy);
    const [after] = jobsForEvent(recorded('LicenseAmended', { ...licenseTerms, validUntil: '2026-07-01T00:00:00.000Z' }), policy);
    expect(after.jobId).not.toBe(before.jobId);
  });

  it('runs a timer whose end has already passed at once', () => {
    const [job] = jobsForEvent(recorded('LicenseGranted', { ...licenseTerms, validUntil: '2026-05-01T00:00:00.000Z' }), policy);
    expect(job.delayMs).toBe(0);
  });

  it('sets no timer for an open-ended window', () => {
    expect(jobsForEvent(recorded('LicenseGranted', { ...licenseTerms, validUntil: null }), policy)).toEqual([]);
    expect(jobsForEvent(recorded('GovernmentApprovalGranted', { approvalId: 'ga-1', partnerId: 'acme', validUntil: null }), policy)).toEqual([]);
    expect(jobsForEvent(recorded('DirectiveIssued', { directiveId: 'd-1', expiresAt: null }), policy)).toEqual([]);
  });

  it('sets timers for government approvals and directives', () => {
    const [approval] = jobsForEvent(recorded('GovernmentApprovalAmended', { approvalId: 'ga-1', partnerId: 'acme', validUntil: '2026-06-01T01:00:00.000Z' }), policy);
    expect(approval).toMatchObject({ queue: 'expiry', name: 'expiry.government-approval', data: { approvalId: 'ga-1' }, delayMs: 3_600_000 });
    const [directive] = jobsForEvent(recorded('DirectiveIssued', { directiveId: 'd-1', expiresAt: '2026-06-01T00:00:01.000Z' }), policy);
    expect(directive).toMatchObject({ queue: 'expiry', name: 'expiry.directive', data: { directiveId: 'd-1' }, delayMs: 1000 });
  });

  it('asks nothing of events without consequences', () => {
    expect(jobsForEvent(recorded('ReviewStarted', { partnerId: 'acme' }), policy)).toEqual([]);
  });

  it('never puts a colon in a job id', () => {
    const ids = [recorded('LicenseGranted', licenseTerms), recorded('KycVerified', { caseId: 'kyc-1', partnerId: 'acme', evidence: { receivedAt: NOW.toISOString() } })]
      .flatMap((e) => jobsForEvent(e, policy))
      .map((j) => j.jobId);
    expect(ids.every((id) => !id.includes(':'))).toBe(true);
  });
});
