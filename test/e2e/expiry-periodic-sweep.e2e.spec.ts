import { Role } from '@app/auth';
import { ManualClock } from '@app/config';
import { JobQueues, QUEUES } from '@app/jobs';
import { onboardEntitledPartner } from '../support/entitled-partner';
import { eventually, startTestSystem, TestSystem } from '../support/test-system';

const T0 = Date.parse('2026-06-01T00:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();
const DAY = 86_400_000;

/**
 * Timers lost while the worker keeps running (Redis failed over without them, or flushed): the periodic
 * sweep still ends the windows, so neither a license nor a KYC verification outlives its window until
 * the next restart.
 */
describe('expiry: the periodic sweep catches windows whose timers were lost', () => {
  const clock = new ManualClock(new Date(T0));
  let system: TestSystem;
  let queues: JobQueues;

  beforeAll(async () => {
    system = await startTestSystem({ clock, env: { KYC_VALIDITY_DAYS: '1', EXPIRY_SWEEP_INTERVAL_MS: '1000' } });
    queues = new JobQueues(system.config.redis, system.config.jobs);
  }, 60_000);
  afterAll(async () => {
    await queues.close();
    await system.close();
  });

  it('expires a license and a KYC verification after their timers were removed from Redis', async () => {
    const partner = await onboardEntitledPartner(system, { partnerId: 'p-sweep', models: ['basic-1', 'basic-2'], licensed: ['basic-1'] });
    const granted = await system.adminApi.post('/v1/licenses', { partnerId: 'p-sweep', modelId: 'basic-2', validFrom: at(0), validUntil: at(DAY / 2) }, partner.officer);
    expect(granted.body.status).toBe('active');
    const licenseId = granted.body.licenseId as string;

    // Both timers exist, and then they are lost.
    const expiry = queues.queue(QUEUES.expiry);
    const timers = await eventually(async () => {
      const delayed = await expiry.getDelayed();
      const license = delayed.find((job) => job.data.licenseId === licenseId);
      const kyc = delayed.find((job) => job.name === 'expiry.kyc' && job.data.partnerId === 'p-sweep');
      return license && kyc && [license, kyc];
    });
    for (const timer of timers) await timer.remove();

    clock.set(at(2 * DAY));
    const officer = system.token(Role.ComplianceOfficer, { sub: 'sweep-watcher' });
    await eventually(async () => {
      const view = (await system.adminApi.get('/v1/partners/p-sweep', officer)).body;
      return (
        view.licenses.find((l: { licenseId: string }) => l.licenseId === licenseId)?.status === 'expired' &&
        view.kycCases.every((k: { status: string }) => k.status === 'expired')
      );
    }, 15_000);
    const swept = (await expiry.getCompleted()).filter((job) => job.id!.endsWith('|sweep')).map((job) => job.name).sort();
    expect(swept).toEqual(['expiry.kyc', 'expiry.license']);
    // With its KYB expired the partner's checks deny.
    const check = await system.entitlements.post('/v1/check', { credential: partner.credential, model: 'basic-1', minPosition: (await system.db.pool.query("SELECT max(global_position)::text AS p FROM events")).rows[0].p }, system.token(Role.Service));
    expect(check.body).toMatchObject({ allow: false, reasons: expect.arrayContaining(['KYC_NOT_VERIFIED']) });
  }, 60_000);
});
