import { Role } from '@app/auth';
import { ManualClock } from '@app/config';
import type { DemoReport } from '../../apps/cli/src/demo/june-2026';
import { eventually, seedJune2026Into, startTestSystem, TestSystem } from '../support/test-system';

/**
 * ARCHITECTURE.md's June 2026 timeline replayed through the HTTP APIs with the clock set by the
 * test: the catalogue, the lists, four partners (one whose beneficial owner is on the SDN list),
 * four-eyes licenses, the June 12 directive, the June 26 relief for approved partners.
 */
describe('the June 2026 timeline, end to end', () => {
  const clock = new ManualClock(new Date('2026-06-01T00:00:00Z'));
  let system: TestSystem;
  let report: DemoReport;
  let reviewer: string;
  let service: string;
  const credentialOf = (partnerId: string) => report.credentials.find((c) => c.partnerId === partnerId)!.credential;

  beforeAll(async () => {
    system = await startTestSystem({ clock });
    reviewer = system.token(Role.Reviewer, { sub: 'auditing-reviewer' });
    service = system.token(Role.Service, { sub: 'gateway' });
    report = await seedJune2026Into(system, clock);
  }, 120_000);
  afterAll(() => system.close());

  const check = async (at: string, partnerId: string, model: string, userId?: string) => {
    clock.set(at);
    const answer = await system.entitlements.post('/v1/check', { credential: credentialOf(partnerId), model, userId }, service);
    expect(answer.status).toBe(200);
    return answer.body as { allow: boolean; reasons: string[]; licenseId: string | null };
  };

  it('records every partner in the state the timeline leaves it in', async () => {
    const get = async (path: string) => (await system.adminApi.get(path, reviewer)).body;
    const northwind = await get('/v1/partners/p-northwind');
    expect(northwind).toMatchObject({ status: 'approved' });
    expect(northwind.kycCases.map((k: { status: string }) => k.status)).toEqual(['verified', 'verified', 'verified']);
    expect(northwind.licenses.map((l: { modelId: string; status: string }) => [l.modelId, l.status]).sort()).toEqual([['mythos-5', 'active'], ['mythos-preview', 'active']]);
    expect(northwind.governmentApprovals).toEqual([expect.objectContaining({ models: ['mythos-5'], status: 'granted' })]);
    expect((await get('/v1/partners/p-acme')).status).toBe('approved');
    expect((await get('/v1/partners/p-globex')).status).toBe('submitted');

    // The SDN-listed beneficial owner: blocked, with the evidence a reviewer needs.
    const eastgate = await get('/v1/partners/p-eastgate');
    expect(eastgate.status).toBe('submitted');
    const hit = eastgate.screenings.find((s: { subject: { kind: string } }) => s.subject.kind === 'beneficial_owner');
    expect(hit).toMatchObject({ band: 'block', status: 'blocked', subject: { name: 'Safwan Al-Akhras' } });
    const evidence = (await get(`/v1/screenings/${hit.screeningId}`)).evidence;
    expect(evidence.candidates[0]).toMatchObject({ matchedName: expect.stringMatching(/AKHRAS/i) });
    expect(evidence.listVersion).toMatch(/^[0-9a-f]{64}$/);
    const refused = await system.adminApi.post('/v1/applications/p-eastgate/approve', { reason: 'try' }, reviewer);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('PARTNER.SCREENING_UNRESOLVED');

    const licenses = (await get('/v1/licenses?partnerId=p-acme')).licenses;
    expect(licenses.every((l: { proposedBy: string; approvedBy: string }) => l.proposedBy === 'demo-officer-1' && l.approvedBy === 'demo-officer-2')).toBe(true);
    const directives = (await get('/v1/directives')).directives;
    expect(directives.map((d: { reference: string; status: string }) => [d.reference, d.status]).sort()).toEqual([
      ['BIS-2026-0612-FM', 'lifted'],
      ['BIS-2026-0626-F5', 'issued'],
      ['BIS-2026-0626-G56', 'issued'],
      ['BIS-2026-0626-M5', 'issued'],
    ]);
    const timeline = (await get('/v1/partners/p-acme/timeline')).events;
    const types = timeline.map((e: { type: string }) => e.type);
    expect(types[0]).toBe('ApplicationSubmitted');
    expect(types).toEqual(expect.arrayContaining(['ScreeningRecorded', 'KycCaseOpened', 'KycVerified', 'UserEnrolled', 'LicenseProposed', 'LicenseGranted', 'CredentialIssued']));
    expect(timeline.find((e: { type: string }) => e.type === 'ApplicationApproved')).toMatchObject({
      actorId: 'demo-reviewer', actorRole: 'reviewer', occurredAt: '2026-06-08T15:00:00.000Z', streamId: 'partner-p-acme',
    });
    const positions = timeline.map((e: { position: string }) => Number(e.position));
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
  });

  it('June 11: licensed users of any nationality may use mythos-5', async () => {
    expect(await check('2026-06-11T10:00:00Z', 'p-acme', 'mythos-5', 'acme-ines')).toMatchObject({ allow: true, reasons: [] });
    expect(await check('2026-06-11T10:00:00Z', 'p-northwind', 'mythos-5', 'nw-lukas')).toMatchObject({ allow: true });
  });

  it('June 13: the directive blocks foreign nationals only; US persons keep access', async () => {
    expect(await check('2026-06-13T10:00:00Z', 'p-acme', 'mythos-5', 'acme-ines')).toMatchObject({ allow: false, reasons: ['DIRECTIVE_FOREIGN_NATIONAL'] });
    expect(await check('2026-06-13T10:00:00Z', 'p-acme', 'mythos-5', 'acme-sam')).toMatchObject({ allow: true });
    expect(await check('2026-06-13T10:00:00Z', 'p-northwind', 'mythos-5', 'nw-lukas')).toMatchObject({ allow: false, reasons: ['DIRECTIVE_FOREIGN_NATIONAL'] });
    expect((await check('2026-06-13T10:00:00Z', 'p-acme', 'mythos-5')).reasons).toEqual(['USER_UNKNOWN']);
    // mythos-preview is outside the directive: critical-infrastructure work goes on.
    expect(await check('2026-06-13T10:00:00Z', 'p-northwind', 'mythos-preview', 'nw-lukas')).toMatchObject({ allow: true });
  });

  it('June 27: the trusted partner with a government approval is allowed again; fable-5 stays restricted', async () => {
    expect(await check('2026-06-27T10:00:00Z', 'p-northwind', 'mythos-5', 'nw-lukas')).toMatchObject({ allow: true });
    const acme = await check('2026-06-27T10:00:00Z', 'p-acme', 'mythos-5', 'acme-ines');
    expect(acme.allow).toBe(false);
    expect(acme.reasons).toEqual(expect.arrayContaining(['DIRECTIVE_FOREIGN_NATIONAL', 'GOVERNMENT_APPROVAL_REQUIRED']));
    expect(await check('2026-06-27T10:00:00Z', 'p-acme', 'fable-5', 'acme-ines')).toMatchObject({ allow: false, reasons: ['DIRECTIVE_FOREIGN_NATIONAL'] });
    expect(await check('2026-06-27T10:00:00Z', 'p-acme', 'fable-5', 'acme-sam')).toMatchObject({ allow: true });
  });

  it('the partner with the SDN-listed owner is never allowed, and a confirmed hit stays on record', async () => {
    clock.set('2026-06-27T10:00:00Z');
    const denied = await system.entitlements.post('/v1/check', { partnerId: 'p-eastgate', model: 'mythos-5' }, service);
    expect(denied.body.allow).toBe(false);
    expect(denied.body.reasons).toEqual(expect.arrayContaining(['PARTNER_NOT_APPROVED', 'SCREENING_HIT']));
    const queue = (await system.adminApi.get('/v1/screenings?partnerId=p-eastgate&status=blocked', reviewer)).body;
    const confirmed = await system.adminApi.post(`/v1/screenings/${queue.screenings[0].screeningId}/confirm`, { reason: 'Same person: DOB and nationality match' }, reviewer);
    expect(confirmed.status).toBe(200);
    const rejected = await system.adminApi.post('/v1/applications/p-eastgate/reject', { reason: 'Beneficial owner on the SDN list' }, reviewer);
    expect(rejected.status).toBe(200);
  });

  it('explain with at= answers from the events up to that instant, with the trace of every rule', async () => {
    clock.set('2026-11-21T00:00:00Z');
    const auditor = system.token(Role.Auditor, { sub: 'auditor-1' });
    const explain = async (at: string) =>
      (await system.entitlements.get(`/v1/entitlements/explain?partnerId=p-acme&model=mythos-5&userId=acme-ines&at=${encodeURIComponent(at)}`, auditor)).body;
    const june11 = await explain('2026-06-11T10:00:00Z');
    const june13 = await explain('2026-06-13T10:00:00Z');
    const june27 = await explain('2026-06-27T10:00:00Z');
    expect(june11).toMatchObject({ allow: true, asOf: true, at: '2026-06-11T10:00:00.000Z' });
    expect(june13).toMatchObject({ allow: false, reasons: ['DIRECTIVE_FOREIGN_NATIONAL'] });
    expect(june27.reasons).toEqual(expect.arrayContaining(['DIRECTIVE_FOREIGN_NATIONAL', 'GOVERNMENT_APPROVAL_REQUIRED']));
    // Before June 9 the license did not exist yet: the as-of state is built from the events of then.
    const june6 = await explain('2026-06-06T00:00:00Z');
    expect(june6.reasons).toEqual(expect.arrayContaining(['PARTNER_NOT_APPROVED', 'NO_LICENSE']));
    expect(Number(june6.position)).toBeLessThan(Number(june27.position));
    expect(june13.trace.map((t: { rule: string }) => t.rule)).toEqual(expect.arrayContaining(['credential', 'partner', 'kyc', 'screening', 'model', 'license', 'directive']));
    expect(june13.trace.find((t: { outcome: string }) => t.outcome === 'fail')).toMatchObject({ rule: 'directive', reasons: ['DIRECTIVE_FOREIGN_NATIONAL'] });
    // Only compliance officers and auditors may ask.
    expect((await system.entitlements.get('/v1/entitlements/explain?partnerId=p-acme&model=mythos-5', service)).status).toBe(403);
    expect((await system.entitlements.get('/v1/entitlements/explain?partnerId=p-acme&model=mythos-5&at=yesterday', auditor)).status).toBe(400);
  });

  it('every check is in the decision log, queryable by partner, outcome, reason and time', async () => {
    const auditor = system.token(Role.Auditor, { sub: 'auditor-1' });
    const query = async (q: string) => (await system.adminApi.get(`/v1/decisions?${q}`, auditor)).body;
    await eventually(async () => (await query('partnerId=p-acme&reason=DIRECTIVE_FOREIGN_NATIONAL')).total === 3);
    const denied = await query('partnerId=p-acme&outcome=deny&reason=GOVERNMENT_APPROVAL_REQUIRED');
    expect(denied.decisions[0]).toMatchObject({ partnerId: 'p-acme', model: 'mythos-5', userId: 'acme-ines', allow: false });
    const june13 = await query('partnerId=p-acme&from=2026-06-13T00:00:00Z&to=2026-06-14T00:00:00Z');
    expect(june13.total).toBe(3);
    expect((await query('outcome=maybe')).decisions).toBeUndefined();
  });

  it('replaying the whole timeline again changes nothing', async () => {
    const count = async () => (await system.db.pool.query('SELECT count(*)::int AS n FROM events')).rows[0].n;
    const before = await count();
    const again = await seedJune2026Into(system, clock);
    expect(again.steps).toBe(report.steps);
    expect(again.credentials).toEqual([]);
    expect(await count()).toBe(before);
  }, 60_000);
});
