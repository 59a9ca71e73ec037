/**
 * Every background job of the system, named and typed in one place. A job's id is derived from the
 * event that caused it (see `jobIdFor`), so enqueuing the same event twice creates one job.
 *
 * Queues group jobs by the resource they wait on: a slow KYC provider must not hold up partner
 * webhooks, and one partner's slow endpoint must not hold up another's (webhooks run concurrently).
 */
export const QUEUES = {
  kyc: 'kyc',
  screening: 'screening',
  expiry: 'expiry',
  webhooks: 'webhooks',
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

/** Job name -> payload, per queue. Payloads are ids and positions, never secrets. */
export interface JobPayloads {
  kyc: {
    /** Open the case with the configured provider. */
    'kyc.start': { caseId: string; partnerId: string; causationEventId: string };
    /** Ask the provider for the outcome of a case still pending. */
    'kyc.poll': { caseId: string; partnerId: string; attempt: number };
  };
  screening: {
    /** Screen the subjects an event named (an application's organisation and owners, an enrolled user). */
    'screening.subjects': { eventId: string; globalPosition: number };
    /** Re-screen every partner, owner and user against a newly imported list version. */
    'screening.rescreen-all': { listVersion: string; eventId: string };
  };
  expiry: {
    /** Fires at the end of a window; the processor re-checks the state before acting. */
    'expiry.license': { licenseId: string; partnerId: string; validUntil: string };
    'expiry.government-approval': { approvalId: string; partnerId: string; validUntil: string };
    'expiry.directive': { directiveId: string; expiresAt: string };
    'expiry.kyc': { caseId: string; partnerId: string; expiresAt: string };
  };
  webhooks: {
    /** Deliver one event to one registered partner endpoint. */
    'webhook.deliver': { deliveryId: string; endpointId: string; partnerId: string; eventId: string };
  };
}

export type JobName<Q extends QueueName = QueueName> = keyof JobPayloads[Q] & string;
export type JobPayload<Q extends QueueName, N extends JobName<Q>> = JobPayloads[Q][N];

/** BullMQ job ids may not contain ':' (it separates key parts); event ids and names never carry one after this. */
export function jobIdFor(name: string, ...parts: (string | number)[]): string {
  return [name, ...parts].join('|').replace(/:/g, '_');
}
