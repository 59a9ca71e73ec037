import { copyFileSync, appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Role } from '@app/auth';
import { JobQueues, jobIdFor, jobRequest, QUEUES } from '@app/jobs';
import { eventually, SHARED_LISTS, startTestSystem, TestSystem } from '../support/test-system';
import { applicationBody } from '../support/application';

const application = (partnerId: string, legalName: string) =>
  applicationBody({ legalName, registrationNumber: `REG-${partnerId}`, intendedUse: 'Code review assistants' });

/** An SDN row of the consolidated list (CSL) naming an entity. */
const cslEntityRow = (entryId: string, name: string) =>
  `Specially Designated Nationals (SDN) - Treasury Department,${entryId},Entity,SDGT,${name},,"1 Harbour Rd, Limassol, CY",,,,,,,,,,,,,,http://bit.ly/1I7ipyR,,,,,,http://bit.ly/1MLgpye,\n`;

describe('jobs derived from events: screening, re-screening, KYC, and the queue board', () => {
  let system: TestSystem;
  let queues: JobQueues;
  const reviewer = () => system.token(Role.Reviewer, { sub: 'rita-reviewer' });
  const partnerAdmin = (partnerId: string) => system.token(Role.PartnerAdmin, { sub: `admin@${partnerId}`, partnerId });
  const partner = async (partnerId: string) => (await system.adminApi.get(`/v1/partners/${partnerId}`, reviewer())).body;
  const eventsOfType = async (type: string, partnerId: string) =>
    Number((await system.db.pool.query("SELECT count(*) FROM events WHERE type = $1 AND data->>'partnerId' = $2", [type, partnerId])).rows[0].count);

  beforeAll(async () => {
    system = await startTestSystem({ env: { KYC_AUTO_START_PROVIDER: 'sandbox', KYC_POLL_DELAY_MS: '200', JOB_ATTEMPTS: '3' } });
    queues = new JobQueues(system.config.redis, system.config.jobs);
  });
  afterAll(async () => {
    await queues.close();
    await system.close();
  });

  describe('the queue board under /admin/queues', () => {
    it('refuses a request without a valid bearer token with 401', async () => {
      for (const token of [undefined, 'not-a-jwt']) {
        const answer = await system.adminApi.get('/admin/queues/api/queues', token);
        expect(answer.status).toBe(401);
        expect(answer.body).toMatchObject({ statusCode: 401, code: 'HTTP_401' });
      }
      expect((await system.adminApi.get('/admin/queues')).status).toBe(401);
    });

    it.each([Role.Reviewer, Role.ComplianceOfficer, Role.Auditor, Role.Service])('refuses the %s role with 403', async (role) => {
      const answer = await system.adminApi.get('/admin/queues/api/queues', system.token(role));
      expect(answer.status).toBe(403);
      expect(answer.body).toMatchObject({ statusCode: 403, code: 'HTTP_403' });
    });

    it('refuses a partner admin with 403', async () => {
      expect((await system.adminApi.get('/admin/queues/api/queues', partnerAdmin('p-board'))).status).toBe(403);
    });

    it('shows an admin every queue, and the board page', async () => {
      const admin = system.token(Role.Admin, { sub: 'ada-admin' });
      const answer = await system.adminApi.get('/admin/queues/api/queues', admin);
      expect(answer.status).toBe(200);
      expect(answer.body.queues.map((q: { name: string }) => q.name).sort()).toEqual(Object.values(QUEUES).sort());
      const page = await system.adminApi.get('/admin/queues', admin);
      expect(page.status).toBe(200);
      expect(String(page.headers.get('content-type'))).toContain('text/html');
    });
  });

  it('retries a failing job with back-off and leaves it failed, visible on the board', async () => {
    await queues.enqueue([jobRequest(QUEUES.kyc, 'kyc.poll', { caseId: 'no-such-case', partnerId: 'p-none', attempt: 1 }, ['no-such-case'])], 2000);
    const job = (await queues.queue(QUEUES.kyc).getJob(jobIdFor('kyc.poll', 'no-such-case')))!;
    await eventually(async () => (await job.getState()) === 'failed', 15_000);
    const failed = (await queues.queue(QUEUES.kyc).getJob(job.id!))!;
    expect(failed.attemptsMade).toBe(3);
    expect(failed.failedReason).toMatch(/No such KYC case/);
    const admin = system.token(Role.Admin, { sub: 'ada-admin' });
    const board = await system.adminApi.get('/admin/queues/api/queues?activeQueue=kyc&status=failed&page=1&jobsPerPage=10', admin);
    const kyc = board.body.queues.find((q: { name: string }) => q.name === 'kyc');
    expect(kyc.counts.failed).toBe(1);
    expect(kyc.jobs.map((j: { id: string }) => j.id)).toEqual([job.id]);
  });

  it('screens an application after submission, once, through a job whose id is the event id', async () => {
    expect((await system.importLists(['csl'])).status).toBe(200);
    const submitted = await system.partnerApi.post('/v1/application', application('p-screened', 'Lumen Analytics GmbH'), partnerAdmin('p-screened'));
    expect(submitted.status).toBe(201);
    await eventually(async () => (await system.adminApi.get('/v1/screenings?partnerId=p-screened&status=clear', reviewer())).body.total === 2, 15_000);
    const { rows } = await system.db.pool.query("SELECT event_id FROM events WHERE type = 'ApplicationSubmitted' AND data->>'partnerId' = 'p-screened'");
    const job = await queues.queue(QUEUES.screening).getJob(jobIdFor('screening.subjects', rows[0].event_id));
    expect(job).toBeDefined();
    await eventually(async () => (await job!.getState()) === 'completed', 10_000);
    expect(await eventsOfType('ScreeningRecorded', 'p-screened')).toBe(2);
  });

  it('starts the organisation KYB with the configured provider and polls it until the provider decides', async () => {
    // The sandbox answers "pending" to a name containing PENDING and gives the outcome when polled.
    const submitted = await system.partnerApi.post('/v1/application', application('p-kyb', 'Pending Dynamics Ltd'), partnerAdmin('p-kyb'));
    expect(submitted.status).toBe(201);
    const verified = await eventually(async () => {
      const cases = (await partner('p-kyb')).kycCases as { caseId: string; subjectKind: string; status: string }[];
      return cases?.length === 1 && cases[0].status === 'verified' && cases[0];
    }, 20_000);
    expect(verified.subjectKind).toBe('organisation');
    const kycEvents = (await system.db.pool.query('SELECT type FROM events WHERE stream_id = $1 ORDER BY stream_version', [`kyc-${verified.caseId}`])).rows.map((r) => r.type);
    expect(kycEvents).toEqual(['KycCaseOpened', 'KycPending', 'KycVerified']);
    const poll = await queues.queue(QUEUES.kyc).getJob(jobIdFor('kyc.poll', verified.caseId));
    await eventually(async () => (await poll!.getState()) === 'completed', 10_000);
  });

  it('lands a failed KYB outcome from the provider too', async () => {
    expect((await system.partnerApi.post('/v1/application', application('p-kyb-fail', 'Pending Fail Works'), partnerAdmin('p-kyb-fail'))).status).toBe(201);
    await eventually(async () => (await partner('p-kyb-fail')).kycCases?.[0]?.status === 'failed', 20_000);
  });

  it('re-screens everyone on a new list: a new hit on an approved partner suspends it and enters the review queue', async () => {
    const partnerId = 'p-zephyr';
    expect((await system.partnerApi.post('/v1/application', application(partnerId, 'Zephyr Quantum Holdings'), partnerAdmin(partnerId))).status).toBe(201);
    await system.prepareForApproval(partnerId);
    // This file starts KYB on submission too: both organisation cases must have landed before the approval reads them.
    await eventually(async () => {
      const cases = (await partner(partnerId)).kycCases as { status: string }[];
      return cases.length === 2 && cases.every((c) => c.status === 'verified');
    });
    const approval = await system.adminApi.post(`/v1/applications/${partnerId}/approve`, { reason: 'all checks passed' }, reviewer());
    expect(approval.body).toMatchObject({ status: 'approved' });
    await eventually(async () => (await partner(partnerId)).status === 'approved');

    const directory = mkdtempSync(join(tmpdir(), 'lists-'));
    try {
      copyFileSync(join(SHARED_LISTS, 'csl-sample.csv'), join(directory, 'csl-sample.csv'));
      appendFileSync(join(directory, 'csl-sample.csv'), cslEntityRow('990001', 'ZEPHYR QUANTUM HOLDINGS'));
      const officer = system.token(Role.ComplianceOfficer, { sub: 'list-importer' });
      const imported = await system.adminApi.post('/v1/restricted-party-lists/import', { directory, lists: ['csl'] }, officer);
      expect(imported.status).toBe(200);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }

    const suspended = await eventually(async () => {
      const view = await partner(partnerId);
      return view.status === 'suspended' && view;
    }, 20_000);
    expect(suspended.statusReason).toMatch(/ZEPHYR|Zephyr/);
    const queue = await eventually(async () => {
      const answer = await system.adminApi.get(`/v1/screenings?partnerId=${partnerId}`, reviewer());
      return answer.body.total === 1 && answer.body;
    });
    expect(queue.screenings[0]).toMatchObject({ subject: { kind: 'organisation', name: 'Zephyr Quantum Holdings' }, status: 'blocked' });
    const { rows } = await system.db.pool.query("SELECT data FROM events WHERE type = 'PartnerSuspended' AND data->>'partnerId' = $1", [partnerId]);
    expect(rows).toHaveLength(1);
    expect(rows[0].data).toMatchObject({ cause: 'screening_hit', reference: queue.screenings[0].screeningId });
    // The owner (not on the new list) and the other partners stay as they were: nothing new recorded for them.
    expect(await eventsOfType('ScreeningRecorded', 'p-screened')).toBe(2);
    expect((await partner('p-screened')).status).toBe('submitted');
  });
});
