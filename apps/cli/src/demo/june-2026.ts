import type { Role } from '@app/auth';
import { DemoClient, expectDone, waitFor } from './http-client';

/**
 * The June 2026 timeline of ARCHITECTURE.md, driven through the public APIs exactly as the people
 * involved would: the catalogue, the restricted-party lists, four partners (one trusted critical-
 * infrastructure operator, one ordinary licensee, one whose owner is on the SDN list, one still in
 * review), their users, licenses (four eyes), the June 12 directive and the June 26 relief for
 * partners holding a government approval. Every step carries an Idempotency-Key, so running it
 * twice changes nothing. `at` is called with the timeline's date before each step (tests move a
 * clock with it; the CLI seed records the facts at the real time and the dates inside them).
 */
export interface DemoTarget {
  adminApi: string;
  partnerApi: string;
  token: (role: Role, options?: { sub?: string; partnerId?: string }) => string;
  at?: (isoTime: string) => void;
  /** Which list files to import; default: all found in the server's configured directory. */
  lists?: ('ofacSdn' | 'ofacAlt' | 'ofacAdd' | 'bisDpl' | 'csl')[];
  listsDirectory?: string;
  log?: (line: string) => void;
}

export interface DemoReport {
  steps: number;
  credentials: { partnerId: string; credential: string }[];
  licenses: Record<string, string>;
}

const MODELS = [
  { modelId: 'mythos-5', provider: 'Frontier Labs', name: 'Mythos 5', version: '2026-06-09', family: 'mythos', classification: '4E091', openWeights: false },
  { modelId: 'fable-5', provider: 'Frontier Labs', name: 'Fable 5', version: '2026-06-09', family: 'fable', classification: '4E091', openWeights: false },
  { modelId: 'mythos-preview', provider: 'Frontier Labs', name: 'Mythos Preview', version: '2026-03-01', family: 'mythos-preview', classification: '4E091', openWeights: false },
  { modelId: 'gpt-5.6', provider: 'Other Vendor', name: 'GPT-5.6', version: '2026-06-26', family: 'gpt', classification: '4E091', openWeights: false },
];

interface DemoPartner {
  partnerId: string;
  application: Record<string, unknown>;
  users: { userId: string; name: string; citizenships: { country: string; from?: string }[] }[];
  approve: boolean;
  /** What screening the organisation and owners is expected to find. */
  screening: 'clear' | 'blocked';
  licenses: string[];
  governmentApproval: string[] | null;
}

export const DEMO_PARTNERS: DemoPartner[] = [
  {
    partnerId: 'p-northwind',
    application: {
      legalName: 'Northwind Grid Operations LLC', registrationNumber: 'US-DE-7712093', countryOfIncorporation: 'US',
      addresses: ['500 Transmission Way, Wilmington, DE, US'], beneficialOwners: [{ name: 'Maria Chen', nationality: 'US', ownershipPercent: 70 }],
      intendedUse: 'Anomaly triage for a regional power grid (critical infrastructure)', requestedModels: ['mythos-preview', 'mythos-5'],
    },
    users: [
      { userId: 'nw-ana', name: 'Ana Ruiz', citizenships: [{ country: 'US', from: '1990-04-02' }] },
      { userId: 'nw-lukas', name: 'Lukas Brandt', citizenships: [{ country: 'DE', from: '1985-01-01' }] },
    ],
    approve: true,
    screening: 'clear',
    licenses: ['mythos-preview', 'mythos-5'],
    governmentApproval: ['mythos-5'],
  },
  {
    partnerId: 'p-acme',
    application: {
      legalName: 'Acme Robotics Inc.', registrationNumber: 'US-CA-C4411229', countryOfIncorporation: 'US',
      addresses: ['1 Market St, San Francisco, CA, US'], beneficialOwners: [{ name: 'Jane Roe', nationality: 'US', ownershipPercent: 60 }],
      intendedUse: 'Code review assistants', requestedModels: ['mythos-5', 'fable-5'],
    },
    users: [
      { userId: 'acme-sam', name: 'Sam Okafor', citizenships: [{ country: 'US', from: '1992-07-14' }] },
      { userId: 'acme-ines', name: 'Ines Moreau', citizenships: [{ country: 'FR', from: '1994-02-11' }] },
    ],
    approve: true,
    screening: 'clear',
    licenses: ['mythos-5', 'fable-5'],
    governmentApproval: null,
  },
  {
    partnerId: 'p-eastgate',
    application: {
      legalName: 'Eastgate Trading FZE', registrationNumber: 'AE-DMCC-99120', countryOfIncorporation: 'AE',
      addresses: ['Unit 4, Cluster X, Dubai, AE'], beneficialOwners: [{ name: 'Safwan Al-Akhras', nationality: 'SY', ownershipPercent: 51 }],
      intendedUse: 'Customer support automation', requestedModels: ['mythos-5'],
    },
    users: [],
    approve: false,
    screening: 'blocked',
    licenses: [],
    governmentApproval: null,
  },
  {
    partnerId: 'p-globex',
    application: {
      legalName: 'Globex Analytics GmbH', registrationNumber: 'DE-HRB-220415', countryOfIncorporation: 'DE',
      addresses: ['Friedrichstrasse 10, Berlin, DE'], beneficialOwners: [{ name: 'Hans Weber', nationality: 'DE', ownershipPercent: 100 }],
      intendedUse: 'Document summarisation', requestedModels: ['fable-5'],
    },
    users: [],
    approve: false,
    screening: 'clear',
    licenses: [],
    governmentApproval: null,
  },
];

const FOREIGN_NATIONALS = { allowedNationalities: ['US'], allowPermanentResidents: true };

export const DEMO_DIRECTIVES = {
  june12: {
    authority: 'US Department of Commerce, BIS', reference: 'BIS-2026-0612-FM', title: 'No access to frontier models by foreign nationals',
    issuedAt: '2026-06-12T00:00:00Z', effectiveAt: '2026-06-12T00:00:00Z', expiresAt: null,
    scope: { modelIds: ['mythos-5', 'fable-5'], families: [] },
    restrictions: { foreignNationals: FOREIGN_NATIONALS, forbiddenDestinations: [] },
    exemptWithGovernmentApproval: false,
  },
  june26Mythos: {
    authority: 'US Department of Commerce, BIS', reference: 'BIS-2026-0626-M5', title: 'mythos-5: trusted partners with government approval exempt',
    issuedAt: '2026-06-26T00:00:00Z', effectiveAt: '2026-06-26T00:00:00Z', expiresAt: null,
    scope: { modelIds: ['mythos-5'], families: [] },
    restrictions: { foreignNationals: FOREIGN_NATIONALS, forbiddenDestinations: [] },
    exemptWithGovernmentApproval: true,
  },
  june26Gpt: {
    authority: 'US Department of Commerce, BIS', reference: 'BIS-2026-0626-G56', title: 'gpt-5.6: trusted partners with government approval only',
    issuedAt: '2026-06-26T00:00:00Z', effectiveAt: '2026-06-26T00:00:00Z', expiresAt: null,
    scope: { modelIds: ['gpt-5.6'], families: [] },
    restrictions: { foreignNationals: { allowedNationalities: [], allowPermanentResidents: false }, forbiddenDestinations: [] },
    exemptWithGovernmentApproval: true,
  },
};

export async function seedJune2026(target: DemoTarget): Promise<DemoReport> {
  const log = target.log ?? (() => undefined);
  const at = target.at ?? (() => undefined);
  const report: DemoReport = { steps: 0, credentials: [], licenses: {} };
  const staff = (role: Role, sub: string) => ({
    admin: new DemoClient(target.adminApi, () => target.token(role, { sub })),
  });
  const admin = staff('admin', 'demo-admin').admin;
  const reviewer = staff('reviewer', 'demo-reviewer').admin;
  const officer = staff('compliance_officer', 'demo-officer-1').admin;
  const secondOfficer = staff('compliance_officer', 'demo-officer-2').admin;
  const partnerClient = (partnerId: string) => new DemoClient(target.partnerApi, () => target.token('partner_admin', { sub: `admin@${partnerId}`, partnerId }));
  const step = async (label: string, run: () => Promise<{ status: number; body: any }>) => {
    const done = expectDone(label, await run());
    report.steps++;
    log(`[${report.steps}] ${label}`);
    return done.body;
  };
  const key = (name: string) => `demo-june-2026:${name}`;

  at('2026-06-01T09:00:00Z');
  for (const model of MODELS) await step(`model ${model.modelId}`, () => admin.post('/v1/models', model, key(`model:${model.modelId}`)));
  await step('restricted-party lists', () => officer.post('/v1/restricted-party-lists/import', { directory: target.listsDirectory, lists: target.lists }, key('lists')));

  at('2026-06-05T10:00:00Z');
  for (const partner of DEMO_PARTNERS) {
    const p = partnerClient(partner.partnerId);
    await step(`application ${partner.partnerId}`, () => p.post('/v1/application', partner.application, key(`apply:${partner.partnerId}`)));
    await step(`KYB ${partner.partnerId}`, () => p.post('/v1/kyc/organisation', {}, key(`kyb:${partner.partnerId}`)));
    for (const user of partner.users) {
      await step(`user ${user.userId}`, () => p.post('/v1/users', { userId: user.userId, name: user.name }, key(`user:${user.userId}`)));
      await step(`KYC ${user.userId}`, () => p.post(`/v1/kyc/users/${user.userId}`, { name: user.name, citizenships: user.citizenships }, key(`kyc:${user.userId}`)));
    }
  }

  at('2026-06-08T15:00:00Z');
  for (const partner of DEMO_PARTNERS) {
    const owners = (partner.application.beneficialOwners as unknown[]).length;
    await waitFor(`screening and KYB of ${partner.partnerId}`, async () => {
      const { body } = await reviewer.get(`/v1/partners/${partner.partnerId}`);
      const screened = (body?.screenings ?? []).filter((s: { subject: { kind: string } }) => s.subject.kind !== 'user');
      return screened.length >= 1 + owners && (body?.kycCases ?? []).some((k: { subjectKind: string; status: string }) => k.subjectKind === 'organisation' && k.status === 'verified');
    });
    if (!partner.approve) continue;
    // With the full SDN list a common name can come close to a listed one: the reviewer looks and clears it.
    const pending = await reviewer.get(`/v1/screenings?partnerId=${partner.partnerId}&status=needs_review`);
    for (const screening of pending.body?.screenings ?? []) {
      await step(`clear possible match ${screening.subject.name} ~ list entry (${partner.partnerId})`, () =>
        reviewer.post(`/v1/screenings/${screening.screeningId}/clear`, { reason: 'Different person: date of birth and nationality do not match the listed party' }, key(`clear:${screening.screeningId}`)),
      );
    }
    await waitFor(`cleared matches of ${partner.partnerId}`, async () => (await reviewer.get(`/v1/screenings?partnerId=${partner.partnerId}&status=needs_review`)).body?.total === 0);
    await step(`approve ${partner.partnerId}`, () => reviewer.post(`/v1/applications/${partner.partnerId}/approve`, { reason: 'KYB verified, screening clear' }, key(`approve:${partner.partnerId}`)));
  }

  at('2026-06-09T08:00:00Z');
  for (const partner of DEMO_PARTNERS) {
    for (const modelId of partner.licenses) {
      const proposal = await step(`license ${partner.partnerId} ${modelId} (proposed)`, () =>
        officer.post('/v1/licenses', { partnerId: partner.partnerId, modelId, validFrom: '2026-06-09T00:00:00Z', validUntil: '2027-06-09T00:00:00Z' }, key(`license:${partner.partnerId}:${modelId}`)),
      );
      const licenseId = proposal.licenseId as string;
      report.licenses[`${partner.partnerId}:${modelId}`] = licenseId;
      await step(`license ${partner.partnerId} ${modelId} (second officer)`, () => secondOfficer.post(`/v1/licenses/${licenseId}/approve`, {}, key(`license-approve:${licenseId}`)));
    }
    if (partner.approve) {
      const issued = await step(`credential ${partner.partnerId}`, () => partnerClient(partner.partnerId).post('/v1/credentials', { label: 'demo gateway' }, key(`credential:${partner.partnerId}`)));
      if (issued?.credential) report.credentials.push({ partnerId: partner.partnerId, credential: issued.credential });
    }
  }

  at('2026-06-12T06:00:00Z');
  const june12 = await step('directive: June 12, no foreign nationals (mythos-5, fable-5)', () => officer.post('/v1/directives', DEMO_DIRECTIVES.june12, key('directive:june12')));

  at('2026-06-26T09:00:00Z');
  for (const partner of DEMO_PARTNERS.filter((p) => p.governmentApproval)) {
    await step(`government approval ${partner.partnerId}`, () =>
      officer.post('/v1/government-approvals', {
        partnerId: partner.partnerId, models: partner.governmentApproval, authority: 'US Department of Commerce, BIS',
        reference: `BIS-LIC-2026-${partner.partnerId}`, conditions: 'Critical-infrastructure use only', validFrom: '2026-06-26T00:00:00Z', validUntil: '2027-06-26T00:00:00Z',
      }, key(`gov:${partner.partnerId}`)),
    );
  }
  // Relief for mythos-5 only: the June 12 directive is lifted for it, re-issued with the exemption.
  await step('directive: June 12 lifted (replaced for mythos-5)', () =>
    officer.post(`/v1/directives/${june12.directiveId}/lift`, { liftedAt: '2026-06-26T00:00:00Z', reason: 'Replaced by BIS-2026-0626-M5 and a fable-5-only order' }, key('directive:june12:lift')),
  );
  await step('directive: fable-5 stays restricted', () =>
    officer.post('/v1/directives', { ...DEMO_DIRECTIVES.june12, reference: 'BIS-2026-0626-F5', title: 'fable-5: no access by foreign nationals', effectiveAt: '2026-06-26T00:00:00Z', issuedAt: '2026-06-26T00:00:00Z', scope: { modelIds: ['fable-5'], families: [] } }, key('directive:june26:fable')),
  );
  await step('directive: June 26, mythos-5 for approved partners', () => officer.post('/v1/directives', DEMO_DIRECTIVES.june26Mythos, key('directive:june26:mythos')));
  await step('directive: June 26, gpt-5.6 gated', () => officer.post('/v1/directives', DEMO_DIRECTIVES.june26Gpt, key('directive:june26:gpt')));
  return report;
}
