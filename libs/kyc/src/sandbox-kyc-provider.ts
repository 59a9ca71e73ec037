import { createHash } from 'node:crypto';
import { isIsoTime, type DatedCountry, type VerifiedIdentity } from '@app/domain';
import { KycWebhookPayloadError } from './kyc-provider.errors';
import type {
  DeclaredCountry,
  KycCaseRef,
  KycDeclaredData,
  KycPollRequest,
  KycProvider,
  KycStartRequest,
  KycStartResult,
  ProviderStatusReport,
  ProviderWebhookUpdate,
} from './kyc-provider';

export const SANDBOX_KYC_PROVIDER = 'sandbox';

const REPORTED_STATUSES = ['pending', 'verified', 'failed', 'needs_review'] as const;
const MAX_ID_LENGTH = 200;
const MAX_REASON_LENGTH = 2000;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}/;
const ALPHA_2 = /^[A-Za-z]{2}$/;

function caseDigest(caseId: string): string {
  return createHash('sha256').update(caseId).digest('hex').slice(0, 24);
}

/** The sandbox's reference for a case: opaque like a real provider's, but the same for the same caseId. */
export function sandboxProviderRef(caseId: string): string {
  return `sbx_${caseDigest(caseId)}`;
}

function datedCountry(declared: DeclaredCountry): DatedCountry {
  return { country: declared.country.trim().toUpperCase(), from: declared.from ?? null, until: declared.until ?? null };
}

/** US citizens and US permanent residents are US persons (EAR §772.1; it also names protected individuals, which nothing here declares). */
function isUsPerson(citizenships: DatedCountry[], permanentResidencies: DatedCountry[]): boolean {
  return [...citizenships, ...permanentResidencies].some((c) => c.country === 'US');
}

/** What the sandbox "verifies" for a person: exactly what was declared. */
function sandboxIdentityOf(declared: KycDeclaredData): VerifiedIdentity {
  const citizenships = (declared.citizenships ?? []).map(datedCountry);
  const permanentResidencies = (declared.permanentResidencies ?? []).map(datedCountry);
  return { citizenships, permanentResidencies, usPerson: declared.usPerson ?? isUsPerson(citizenships, permanentResidencies) };
}

function organisationIdentity(): VerifiedIdentity {
  return { citizenships: [], permanentResidencies: [], usPerson: false };
}

function outcomeOf(request: KycStartRequest): Omit<ProviderStatusReport, 'providerEventId'> {
  const { name } = request.declared;
  if (/fail/i.test(name)) return { status: 'failed', reason: 'sandbox: the declared name contains FAIL' };
  if (/review/i.test(name)) return { status: 'needs_review', reason: 'sandbox: the declared name contains REVIEW' };
  const identity = request.subject.kind === 'organisation' ? organisationIdentity() : sandboxIdentityOf(request.declared);
  return { status: 'verified', identity };
}

/**
 * The built-in provider that decides offline, from the declared data alone, so the whole flow runs
 * without a real provider. Never enable it in production: it verifies whoever declares a plain name.
 *
 * start(): reports 'pending', then the outcome, both at once, unless the declared name contains
 * PENDING (any case): then only 'pending', and the outcome comes with poll() (from the declared name
 * alone: a user then has no citizenships). For every other case poll() repeats start()'s reports.
 *
 * The outcome:
 *   - declared name contains FAIL (any case)   -> failed
 *   - else the name contains REVIEW (any case) -> needs_review
 *   - else verified: a user with the declared citizenships and permanent residencies (country
 *     upper-cased, missing dates null) and usPerson as declared, defaulting to true iff a US
 *     citizenship or US permanent residency is declared; an organisation with an empty identity.
 *
 * Webhooks (to simulate a later change of mind, e.g. a pass reversed), a JSON object:
 *   {
 *     "id": "evt_...",                        required, the provider event id
 *     "caseId": "..." | "reference": "sbx_...",  exactly one: our caseId, or the providerRef from start()
 *     "status": "pending" | "verified" | "failed" | "needs_review",
 *     "identity": {                            required with "verified", refused otherwise
 *       "citizenships":         [{ "country": "DE", "from": "1990-01-01"?, "until": null? }],  default []
 *       "permanentResidencies": [ same ],                                                  default []
 *       "usPerson": true | false               default: the rule above
 *     },
 *     "reason": "..."                          optional
 *   }
 * Other keys are ignored. start()'s rawResponse lists its two events in this same shape.
 */
export class SandboxKycProvider implements KycProvider {
  readonly name = SANDBOX_KYC_PROVIDER;

  async start(request: KycStartRequest): Promise<KycStartResult> {
    const providerRef = sandboxProviderRef(request.caseId);
    const reports = sandboxReports(request);
    const immediate = /pending/i.test(request.declared.name) ? reports.slice(0, 1) : reports;
    const rawResponse = JSON.stringify({
      reference: providerRef,
      events: immediate.map(({ providerEventId, ...rest }) => ({ id: providerEventId, reference: providerRef, ...rest })),
    });
    return { providerRef, immediate, rawResponse };
  }

  async poll(request: KycPollRequest): Promise<ProviderStatusReport[]> {
    return sandboxReports({ caseId: request.caseId, partnerId: request.partnerId, subject: request.subject, declared: { name: request.declaredName } });
  }

  parseWebhook(rawBody: string, _now: Date): ProviderWebhookUpdate {
    let body: unknown;
    try {
      body = JSON.parse(rawBody);
    } catch {
      throw new KycWebhookPayloadError('KYC.WEBHOOK_MALFORMED_JSON', 'The sandbox webhook body is not valid JSON.', SANDBOX_KYC_PROVIDER);
    }
    return sandboxWebhookUpdate(body);
  }
}

/** Everything the sandbox ever reports on a case: 'pending', then the outcome. */
function sandboxReports(request: KycStartRequest): ProviderStatusReport[] {
  const eventId = (suffix: string) => `evt_${sandboxProviderRef(request.caseId)}_${suffix}`;
  const outcome = outcomeOf(request);
  return [
    { providerEventId: eventId('pending'), status: 'pending' },
    { providerEventId: eventId(outcome.status), ...outcome },
  ];
}

function invalid(field: string, message: string): never {
  throw new KycWebhookPayloadError('KYC.WEBHOOK_INVALID_PAYLOAD', message, SANDBOX_KYC_PROVIDER, field);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function identifier(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > MAX_ID_LENGTH) {
    invalid(field, `${field} must be a non-empty string of at most ${MAX_ID_LENGTH} characters.`);
  }
  return value;
}

function isoDateOrNull(value: unknown, field: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || !ISO_DATE.test(value) || !isIsoTime(value)) invalid(field, `${field} must be an ISO date or null.`);
  return value;
}

function datedCountries(value: unknown, field: string): DatedCountry[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) invalid(field, `${field} must be an array.`);
  return value.map((entry: unknown, i) => {
    const at = `${field}[${i}]`;
    if (!isRecord(entry)) invalid(at, `${at} must be an object.`);
    if (typeof entry.country !== 'string' || !ALPHA_2.test(entry.country)) invalid(`${at}.country`, `${at}.country must be an ISO 3166-1 alpha-2 code.`);
    return { country: entry.country.toUpperCase(), from: isoDateOrNull(entry.from, `${at}.from`), until: isoDateOrNull(entry.until, `${at}.until`) };
  });
}

function identityOf(value: unknown): VerifiedIdentity {
  if (!isRecord(value)) invalid('identity', 'identity must be an object.');
  const citizenships = datedCountries(value.citizenships, 'identity.citizenships');
  const permanentResidencies = datedCountries(value.permanentResidencies, 'identity.permanentResidencies');
  if (value.usPerson !== undefined && typeof value.usPerson !== 'boolean') invalid('identity.usPerson', 'identity.usPerson must be true or false.');
  return { citizenships, permanentResidencies, usPerson: value.usPerson ?? isUsPerson(citizenships, permanentResidencies) };
}

function caseRefOf(body: Record<string, unknown>): KycCaseRef {
  const hasCaseId = body.caseId !== undefined;
  const hasReference = body.reference !== undefined;
  if (hasCaseId === hasReference) invalid('caseId', 'Give exactly one of caseId and reference.');
  return hasCaseId ? { kind: 'caseId', caseId: identifier(body.caseId, 'caseId') } : { kind: 'providerRef', providerRef: identifier(body.reference, 'reference') };
}

/** Validates a parsed sandbox webhook body (shape documented on SandboxKycProvider). */
function sandboxWebhookUpdate(body: unknown): ProviderWebhookUpdate {
  if (!isRecord(body)) invalid('$', 'The sandbox webhook body must be a JSON object.');
  const providerEventId = identifier(body.id, 'id');
  const caseRef = caseRefOf(body);
  const status = body.status;
  if (typeof status !== 'string' || !(REPORTED_STATUSES as readonly string[]).includes(status)) {
    invalid('status', `status must be one of ${REPORTED_STATUSES.join(', ')}.`);
  }
  const update: ProviderWebhookUpdate = { providerEventId, caseRef, status: status as ProviderWebhookUpdate['status'] };
  if (status === 'verified') {
    if (body.identity === undefined) invalid('identity', 'A verified status must state the identity.');
    update.identity = identityOf(body.identity);
  } else if (body.identity !== undefined) {
    invalid('identity', 'identity is only given with status verified.');
  }
  if (body.reason !== undefined) {
    if (typeof body.reason !== 'string' || body.reason.length > MAX_REASON_LENGTH) invalid('reason', `reason must be a string of at most ${MAX_REASON_LENGTH} characters.`);
    update.reason = body.reason;
  }
  return update;
}
