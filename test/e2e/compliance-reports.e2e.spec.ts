import { Role } from '@app/auth';
import { ManualClock } from '@app/config';
import type { DemoReport } from '../../apps/cli/src/demo/june-2026';
import { seedJune2026Into, startTestSystem, TestSystem } from '../support/test-system';

/** A whole CSV text as records (RFC 4180: quoted fields may hold commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') record.push(field), (field = '');
    else if (char === '\n') record.push(field), records.push(record), (record = []), (field = '');
    else if (char !== '\r') field += char;
  }
  return records;
}

const PAGE_TAGS = new Set(['html', 'head', 'meta', 'title', 'style', 'body', 'h1', 'h2', 'h3', 'p', 'span', 'small', 'br', 'pre', 'section', 'table', 'thead', 'tbody', 'tr', 'th', 'td']);
const HOSTILE_NAME = '<script>alert("x")</script> & Sons\' "Trading"';

/**
 * The compliance reports against the June 2026 world: a partner's dossier (JSON and printable HTML),
 * who could use a model at an instant (rebuilt from the events of then; JSON and CSV), and who may ask.
 */
describe('compliance reports', () => {
  const clock = new ManualClock(new Date('2026-06-01T00:00:00Z'));
  let system: TestSystem;
  let report: DemoReport;
  let auditor: string;
  let officer: string;

  beforeAll(async () => {
    system = await startTestSystem({ clock });
    auditor = system.token(Role.Auditor, { sub: 'auditor-reports' });
    officer = system.token(Role.ComplianceOfficer, { sub: 'officer-reports' });
    report = await seedJune2026Into(system, clock);
    clock.set('2026-07-01T09:00:00Z');
    const hostile = system.token(Role.PartnerAdmin, { sub: 'admin@p-hostile', partnerId: 'p-hostile' });
    const applied = await system.partnerApi.post(
      '/v1/application',
      {
        legalName: HOSTILE_NAME, registrationNumber: 'US-DE-<b>1</b>', countryOfIncorporation: 'US', addresses: ['1 <img src=x onerror=alert(1)> St'],
        beneficialOwners: [{ name: 'Eve "Mallory" <O\'Neil>', nationality: 'US', ownershipPercent: 100 }],
        intendedUse: 'Testing </style><script>alert(2)</script>', requestedModels: ['mythos-5'],
      },
      hostile,
    );
    expect(applied.status).toBe(201);
  }, 180_000);
  afterAll(() => system.close());

  const modelUsers = async (model: string, at: string, token = auditor) => {
    const answer = await system.adminApi.get(`/v1/reports/model-users?model=${model}&at=${encodeURIComponent(at)}`, token);
    expect(answer.status).toBe(200);
    return answer.body;
  };
  const summary = (body: { partners: { partnerId: string; anyEndUser: boolean; usersWhoCould: { userId: string }[]; governmentApprovalId: string | null }[] }) =>
    body.partners.map((p) => [p.partnerId, p.usersWhoCould.map((u) => u.userId), p.anyEndUser, p.governmentApprovalId]);

  describe('who could use a model at an instant', () => {
    it('June 6: nobody (no license granted yet)', async () => {
      const body = await modelUsers('mythos-5', '2026-06-06T00:00:00Z');
      expect(body).toMatchObject({ model: { modelId: 'mythos-5', status: 'available' }, at: '2026-06-06T00:00:00.000Z', partners: [], partnersWhoCouldNot: [] });
      expect(body.meaning).toMatch(/same decision function/);
    });

    it('June 11: both licensees, every enrolled user, no directive in force', async () => {
      const body = await modelUsers('mythos-5', '2026-06-11T10:00:00Z');
      expect(summary(body)).toEqual([
        ['p-acme', ['acme-ines', 'acme-sam'], expect.any(Boolean), null],
        ['p-northwind', ['nw-ana', 'nw-lukas'], expect.any(Boolean), null],
      ]);
      const acme = body.partners[0];
      expect(acme.licenseId).toBe(report.licenses['p-acme:mythos-5']);
      expect(acme.license).toMatchObject({ modelId: 'mythos-5', validFrom: '2026-06-09T00:00:00.000Z', validUntil: '2027-06-09T00:00:00.000Z' });
      expect(acme.directivesInForce).toEqual([]);
    });

    it('June 13: the directive leaves US persons only, and says so', async () => {
      const body = await modelUsers('mythos-5', '2026-06-13T10:00:00Z');
      expect(summary(body)).toEqual([
        ['p-acme', ['acme-sam'], false, null],
        ['p-northwind', ['nw-ana'], false, null],
      ]);
      expect(body.partners[0].usersWhoCould[0]).toMatchObject({ userId: 'acme-sam', citizenships: ['US'] });
      expect(body.partners[0].directivesInForce).toEqual([
        expect.objectContaining({ reference: 'BIS-2026-0612-FM', endUsers: { allowedNationalities: ['US'], allowPermanentResidents: true }, exemptedByGovernmentApproval: null }),
      ]);
    });

    it('June 27: the partner with a government approval is exempt for every user; the other keeps its US persons', async () => {
      const body = await modelUsers('mythos-5', '2026-06-27T10:00:00Z');
      const approval = (await system.adminApi.get('/v1/partners/p-northwind', auditor)).body.governmentApprovals[0].approvalId;
      expect(summary(body)).toEqual([
        ['p-acme', ['acme-sam'], false, null],
        ['p-northwind', ['nw-ana', 'nw-lukas'], expect.any(Boolean), approval],
      ]);
      expect(body.partners[1].directivesInForce).toEqual([expect.objectContaining({ reference: 'BIS-2026-0626-M5', exemptedByGovernmentApproval: approval })]);
      // fable-5 has no relief: acme's US person only; mythos-preview is outside every directive.
      expect(summary(await modelUsers('fable-5', '2026-06-27T10:00:00Z'))).toEqual([['p-acme', ['acme-sam'], false, null]]);
      expect(summary(await modelUsers('mythos-preview', '2026-06-27T10:00:00Z'))).toEqual([['p-northwind', ['nw-ana', 'nw-lukas'], expect.any(Boolean), null]]);
      expect((await modelUsers('gpt-5.6', '2026-06-27T10:00:00Z')).partners).toEqual([]);
      // A model not in the catalogue then: nobody, and the answer says the model was unknown.
      expect(await modelUsers('mythos-9', '2026-06-27T10:00:00Z')).toMatchObject({ model: null, partners: [], partnersWhoCouldNot: [] });
    });

    it('agrees with explain for every partner and user it lists', async () => {
      const at = '2026-06-13T10:00:00Z';
      const body = await modelUsers('mythos-5', at);
      for (const partner of body.partners) {
        for (const user of ['acme-sam', 'acme-ines', 'nw-ana', 'nw-lukas'].filter((u) => u.startsWith(partner.partnerId === 'p-acme' ? 'acme' : 'nw'))) {
          const explain = await system.entitlements.get(`/v1/entitlements/explain?partnerId=${partner.partnerId}&model=mythos-5&userId=${user}&clientIp=8.8.8.8&at=${encodeURIComponent(at)}`, auditor);
          expect(explain.body.allow).toBe(partner.usersWhoCould.some((u: { userId: string }) => u.userId === user));
        }
      }
    });

    it('answers about the past from the events of then: a later revocation changes later answers only', async () => {
      clock.set('2026-07-01T10:00:00Z');
      const revoked = await system.adminApi.post(`/v1/licenses/${report.licenses['p-acme:fable-5']}/revoke`, { reason: 'Audit finding' }, officer);
      expect(revoked.status).toBe(200);
      expect(summary(await modelUsers('fable-5', '2026-06-27T10:00:00Z'))).toEqual([['p-acme', ['acme-sam'], false, null]]);
      const after = await modelUsers('fable-5', '2026-07-01T11:00:00Z');
      expect(after.partners).toEqual([]);
      expect(after.partnersWhoCouldNot).toEqual([{ partnerId: 'p-acme', licenseId: report.licenses['p-acme:fable-5'], reasons: expect.arrayContaining(['LICENSE_REVOKED']) }]);
    });

    it('as CSV: a header row, one row per partner, quoted where needed, as a named attachment', async () => {
      const answer = await system.adminApi.get(`/v1/reports/model-users?model=mythos-5&at=2026-06-27T10:00:00Z&format=csv`, officer);
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toMatch(/^text\/csv/);
      expect(answer.headers.get('content-disposition')).toBe('attachment; filename="model-users-mythos-5-20260627T100000Z.csv"');
      const [header, ...rows] = parseCsv(answer.body);
      expect(header).toEqual(expect.arrayContaining(['partnerId', 'licenseId', 'governmentApprovalId', 'directivesInForce', 'endUserNationalitiesAllowed', 'usersWhoCould']));
      const column = (name: string) => header.indexOf(name);
      expect(rows.map((r) => [r[column('partnerId')], r[column('usersWhoCould')], r[column('endUserNationalitiesAllowed')]])).toEqual([
        ['p-acme', 'acme-sam', 'BIS-2026-0626-M5: US (and permanent residents)'],
        ['p-northwind', 'nw-ana nw-lukas', 'any'],
      ]);
      expect(rows[1][column('directivesInForce')]).toBe('BIS-2026-0626-M5 (exempt)');
    });

    it('refuses a missing or malformed model, instant or format, naming the field', async () => {
      const fields = async (query: string) => {
        const answer = await system.adminApi.get(`/v1/reports/model-users?${query}`, auditor);
        expect(answer.status).toBe(400);
        return answer.body.fields.map((f: { field: string }) => f.field);
      };
      expect(await fields('at=2026-06-13T10:00:00Z')).toEqual(['model']);
      expect(await fields('model=mythos-5')).toEqual(['at']);
      expect(await fields('model=mythos-5&at=yesterday')).toEqual(['at']);
      expect(await fields(`model=${encodeURIComponent('mythos 5')}&at=2026-06-13T10:00:00Z`)).toEqual(['model']);
      expect(await fields('model=mythos-5&at=2026-06-13T10:00:00Z&format=xml')).toEqual(['format']);
    });
  });

  describe('the partner dossier', () => {
    it('gathers application, evidence, approvals, licenses, directives and every change with actor and time', async () => {
      const answer = await system.adminApi.get('/v1/reports/partners/p-northwind/dossier', auditor);
      expect(answer.status).toBe(200);
      const dossier = answer.body;
      expect(dossier).toMatchObject({ partnerId: 'p-northwind', status: 'approved', application: { current: { partnerId: 'p-northwind', countryOfIncorporation: 'US' } } });
      expect(dossier.decisions.map((d: { type: string }) => d.type)).toContain('ApplicationApproved');
      expect(dossier.decisions.find((d: { type: string }) => d.type === 'ApplicationApproved')).toMatchObject({ actorId: 'demo-reviewer', actorRole: 'reviewer', occurredAt: '2026-06-08T15:00:00.000Z' });
      expect(dossier.kycCases.map((k: { status: string }) => k.status)).toEqual(['verified', 'verified', 'verified']);
      expect(dossier.kycCases[0].details.evidence).toMatchObject({ provider: 'sandbox' });
      expect(dossier.screenings.length).toBeGreaterThan(0);
      expect(dossier.screenings[0].details.evidence.listVersion).toMatch(/^[0-9a-f]{64}$/);
      expect(dossier.governmentApprovals).toEqual([expect.objectContaining({ status: 'granted', details: expect.objectContaining({ models: ['mythos-5'], reference: 'BIS-LIC-2026-p-northwind' }) })]);
      const mythos = dossier.licenses.find((l: { id: string }) => l.id === report.licenses['p-northwind:mythos-5']);
      expect(mythos).toMatchObject({ status: 'active', details: { modelId: 'mythos-5', validFrom: '2026-06-09T00:00:00.000Z' } });
      expect(mythos.history.map((h: { type: string; actorId: string }) => [h.type, h.actorId])).toEqual([
        ['LicenseProposed', 'demo-officer-1'],
        ['LicenseGranted', 'demo-officer-2'],
      ]);
      expect(dossier.directives.map((d: { details: { reference: string }; status: string; coveredLicensedTargets: string[] }) => [d.details.reference, d.status, d.coveredLicensedTargets])).toEqual([
        ['BIS-2026-0612-FM', 'lifted', ['mythos-5']],
        ['BIS-2026-0626-M5', 'issued', ['mythos-5']],
      ]);
      // Every change, in log order, each with its actor and time; the same events the timeline shows.
      const timeline = (await system.adminApi.get('/v1/partners/p-northwind/timeline', auditor)).body.events;
      expect(dossier.changes.map((c: { position: string }) => c.position)).toEqual(timeline.map((e: { position: string }) => e.position));
      for (const change of dossier.changes) expect(change).toMatchObject({ actorId: expect.any(String), actorRole: expect.any(String), occurredAt: expect.stringMatching(/^2026-/) });
      expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
      // Credentials appear as issued (label, prefix), never by their hash.
      expect(dossier.credentials.length).toBeGreaterThan(0);
      expect(dossier.credentials[0].details).toEqual(expect.objectContaining({ label: expect.any(String), prefix: expect.any(String) }));
      expect(JSON.stringify(dossier)).not.toMatch(/secretHash/);
    });

    it('as a printable, self-contained HTML page with every value escaped', async () => {
      for (const path of ['/v1/reports/partners/p-hostile/dossier.html', '/v1/reports/partners/p-hostile/dossier?format=html']) {
        const answer = await system.adminApi.get(path, officer);
        expect(answer.status).toBe(200);
        expect(answer.headers.get('content-type')).toBe('text/html; charset=utf-8');
        const html: string = answer.body;
        expect(html).toMatch(/^<!doctype html>/);
        expect(html).toContain('@media print');
        expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Sons&#39; &quot;Trading&quot;');
        // Only the page's own markup: no tag from the data, no script, nothing fetched from elsewhere.
        const tags = new Set([...html.matchAll(/<([a-zA-Z][a-zA-Z0-9]*)/g)].map((m) => m[1].toLowerCase()));
        expect([...tags].filter((tag) => !PAGE_TAGS.has(tag))).toEqual([]);
        expect(html).toContain('1 &lt;img src=x onerror=alert(1)&gt; St');
        expect(html.match(/<\/style>/g)).toHaveLength(1);
      }
      const demo = await system.adminApi.get('/v1/reports/partners/p-acme/dossier.html', auditor);
      expect(demo.body).toContain('Directives that applied');
      expect(demo.body).toContain('BIS-2026-0626-F5');
      expect(demo.body).not.toContain('BIS-2026-0626-G56');
    });

    it('404 for an unknown partner, 400 for a malformed id', async () => {
      const unknown = await system.adminApi.get('/v1/reports/partners/p-nobody/dossier', auditor);
      expect(unknown.status).toBe(404);
      expect(unknown.body.code).toBe('PARTNER.NOT_FOUND');
      expect((await system.adminApi.get('/v1/reports/partners/p-nobody/dossier.html', auditor)).status).toBe(404);
      const malformed = await system.adminApi.get(`/v1/reports/partners/${encodeURIComponent('p nobody')}/dossier`, auditor);
      expect(malformed.status).toBe(400);
      expect(malformed.body.fields[0].field).toBe('partnerId');
    });
  });

  it('only compliance officers, auditors and admins may read reports; no token is a 401', async () => {
    const paths = ['/v1/reports/partners/p-acme/dossier', '/v1/reports/partners/p-acme/dossier.html', '/v1/reports/model-users?model=mythos-5&at=2026-06-13T10:00:00Z'];
    for (const path of paths) {
      expect((await system.adminApi.get(path)).status).toBe(401);
      for (const role of [Role.Reviewer, Role.Service, Role.PartnerAdmin, Role.PartnerMember]) {
        // A partner may not read even its own dossier here: this is the regulator-facing record.
        expect((await system.adminApi.get(path, system.token(role, { sub: `someone-${role}`, partnerId: 'p-acme' }))).status).toBe(403);
      }
      for (const role of [Role.ComplianceOfficer, Role.Auditor, Role.Admin]) {
        expect((await system.adminApi.get(path, system.token(role, { sub: `staff-${role}` }))).status).toBe(200);
      }
    }
  });
});
