import type { INestApplication } from '@nestjs/common';
import { Role } from '@app/auth';
import { ManualClock } from '@app/config';
import { listen } from '@app/http';
import { JobQueues, QUEUES } from '@app/jobs';
import { createWorker } from '../../apps/worker/src/main';
import { eventually, startTestSystem, TestSystem } from '../support/test-system';

const T0 = Date.parse('2026-06-01T00:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const partnerId = 'p-expiring';

/**
 * Windows end by delayed job while the worker runs, and by the start-up sweep for whatever ended
 * while it was down. The clock is a ManualClock shared by every app, as in the June 2026 replay.
 */
describe('expiry at the end of a window: delayed jobs and the start-up sweep', () => {
  const clock = new ManualClock(new Date(T0));
  let system: TestSystem;
  let queues: JobQueues;
  const officer = () => system.token(Role.ComplianceOfficer, { sub: 'olga-officer' });
  const partner = async () => (await system.adminApi.get(`/v1/partners/${partnerId}`, officer())).body;
  const licenseStatus = async (licenseId: string) => (await partner()).licenses.find((l: { licenseId: string }) => l.licenseId === licenseId)?.status;
  const grantLicense = async (validUntil: string) => {
    const granted = await system.adminApi.post('/v1/licenses', { partnerId, modelId: 'basic-1', validFrom: at(0), validUntil }, officer());
    expect(granted.body).toMatchObject({ status: 'active' });
    return granted.body.licenseId as string;
  };

  beforeAll(async () => {
    system = await startTestSystem({ clock, env: { KYC_VALIDITY_DAYS: '1' } });
    queues = new JobQueues(system.config.redis, system.config.jobs);
    const admin = system.token(Role.Admin, { sub: 'ada-admin' });
    const registered = await system.adminApi.post(
      '/v1/models',
      { modelId: 'basic-1', provider: 'Frontier Labs', name: 'basic-1', version: '1', family: 'basic', classification: 'EAR99', openWeights: false },
      admin,
    );
    expect(registered.status).toBe(201);
    const application = {
      legalName: 'Expiring Things Ltd', registrationNumber: 'EXP-1', countryOfIncorporation: 'GB', addresses: [], beneficialOwners: [],
      intendedUse: 'testing windows', requestedModels: ['basic-1'],
    };
    expect((await system.partnerApi.post('/v1/application', application, system.token(Role.PartnerAdmin, { partnerId }))).status).toBe(201);
    await system.prepareForApproval(partnerId);
    const approved = await system.adminApi.post(`/v1/applications/${partnerId}/approve`, { reason: 'ok' }, system.token(Role.Reviewer));
    expect(approved.body).toMatchObject({ status: 'approved' });
  });
  afterAll(async () => {
    await queues.close();
    await system.close();
  });

  it('expires a license by the delayed job set when it was granted, and only once its end has come', async () => {
    const validUntil = at(1500);
    const licenseId = await grantLicense(validUntil);
    const timer = await eventually(async () => (await queues.queue(QUEUES.expiry).getDelayed()).find((job) => job.data.licenseId === licenseId));
    expect(timer.name).toBe('expiry.license');
    // The partner view is a read model: it shows the license once its projection has caught up, and active.
    expect(await eventually(() => licenseStatus(licenseId))).toBe('active');
    clock.set(at(2000));
    await eventually(async () => (await licenseStatus(licenseId)) === 'expired', 10_000);
    await eventually(async () => (await timer.getState()) === 'completed');
    const expired = await system.db.pool.query("SELECT metadata FROM events WHERE type = 'LicenseExpired' AND data->>'licenseId' = $1", [licenseId]);
    expect(expired.rows).toHaveLength(1);
    expect(expired.rows[0].metadata).toMatchObject({ actorId: 'expiry-worker', occurredAt: at(2000) });
  });

  it('expires nothing when a timer fires before the end (an amended window keeps the license)', async () => {
    const licenseId = await grantLicense(at(HOUR));
    const amended = await system.adminApi.post(`/v1/licenses/${licenseId}/amend`, { validFrom: at(0), validUntil: at(2 * HOUR), reason: 'extended' }, officer());
    expect(amended.status).toBe(200);
    // Both timers exist; the stale one is fired at once (as if Redis's clock ran ahead).
    const timers = await eventually(async () => {
      const delayed = (await queues.queue(QUEUES.expiry).getDelayed()).filter((job) => job.data.licenseId === licenseId);
      return delayed.length === 2 && delayed;
    });
    clock.set(at(HOUR + 1000));
    const first = timers.find((job) => job.data.validUntil === at(HOUR))!;
    await first.promote();
    await eventually(async () => (await first.getState()) === 'completed');
    expect(await eventually(() => licenseStatus(licenseId))).toBe('active');
    expect((await queues.queue(QUEUES.expiry).getJob(first.id!))!.returnvalue).toEqual({ expired: false });
  });

  it('expires, at start-up, every window that ended while the worker was down', async () => {
    clock.set(at(HOUR + 1000));
    const licenseId = await grantLicense(at(3 * HOUR));
    const approval = await system.adminApi.post(
      '/v1/government-approvals',
      { partnerId, models: ['basic-1'], authority: 'BIS', reference: 'BIS-1', conditions: '', validFrom: at(0), validUntil: at(3 * HOUR) },
      officer(),
    );
    expect(approval.status).toBe(201);
    const directive = await system.adminApi.post(
      '/v1/directives',
      {
        authority: 'BIS', reference: 'IFR-X', title: 'Temporary embargo', issuedAt: at(0), effectiveAt: at(0), expiresAt: at(3 * HOUR),
        scope: { modelIds: ['basic-1'], families: [] }, restrictions: { forbiddenDestinations: ['KP'] }, exemptWithGovernmentApproval: false,
      },
      officer(),
    );
    expect(directive.status).toBe(201);
    // Their timers are set (hours away) before the worker goes down.
    await eventually(async () => (await queues.queue(QUEUES.expiry).getDelayed()).filter((job) => job.data.validUntil === at(3 * HOUR) || job.data.expiresAt === at(3 * HOUR)).length === 3);

    const worker = system.apps[3];
    await worker.close();
    clock.set(at(2 * DAY));
    const restarted: INestApplication = await createWorker(system.config, clock);
    system.apps[3] = restarted;
    await listen(restarted, 0, '127.0.0.1');

    await eventually(async () => {
      const view = await partner();
      return (
        view.licenses.find((l: { licenseId: string }) => l.licenseId === licenseId)?.status === 'expired' &&
        view.governmentApprovals.every((a: { status: string }) => a.status === 'expired') &&
        view.kycCases.every((k: { status: string }) => k.status === 'expired')
      );
    }, 15_000);
    await eventually(async () => (await system.adminApi.get('/v1/directives', officer())).body.directives.every((d: { status: string }) => d.status === 'expired'));
    const counts = await system.db.pool.query(
      "SELECT type, count(*)::int AS n FROM events WHERE type IN ('LicenseExpired', 'GovernmentApprovalExpired', 'DirectiveExpired', 'KycExpired') GROUP BY type ORDER BY type",
    );
    // The sweep, not the hours-away timers, did it: two licenses, the approval, the directive and the KYB.
    const swept = (await queues.queue(QUEUES.expiry).getCompleted()).filter((job) => job.id!.endsWith('|sweep'));
    expect(swept.map((job) => job.name).sort()).toEqual(['expiry.directive', 'expiry.government-approval', 'expiry.kyc', 'expiry.license', 'expiry.license']);
    // The first test's license expired earlier; everything else exactly once.
    expect(counts.rows).toEqual([
      { type: 'DirectiveExpired', n: 1 },
      { type: 'GovernmentApprovalExpired', n: 1 },
      { type: 'KycExpired', n: 1 },
      { type: 'LicenseExpired', n: 3 },
    ]);
  });
});
