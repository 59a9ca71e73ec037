import { CommandBus } from '@nestjs/cqrs';
import type { Actor } from '@app/auth';
import {
  CommandMeta, DecideApplicationCommand, GrantLicenseCommand, IssueCredentialCommand, RegisterModelCommand, SubmitApplicationCommand,
} from '@app/commands';
import type { ManualClock } from '@app/config';
import { DomainError, ModelDescription, PartnerApplication } from '@app/domain';

/**
 * The demo world of ARCHITECTURE.md's June 2026 timeline, as far as the product models it today:
 * the catalogue, three partners at different stages, and their licenses. Every step carries an
 * idempotency key, so seeding twice appends nothing the second time.
 */
const MODELS: ModelDescription[] = [
  { modelId: 'mythos-5', provider: 'Frontier Labs', name: 'Mythos 5', version: '2026-06-09', family: 'mythos', classification: '4E091', openWeights: false },
  { modelId: 'fable-5', provider: 'Frontier Labs', name: 'Fable 5', version: '2026-06-09', family: 'fable', classification: '4E091', openWeights: false },
  { modelId: 'mythos-preview', provider: 'Frontier Labs', name: 'Mythos Preview', version: '2026-03-01', family: 'mythos', classification: '4E091', openWeights: false },
  { modelId: 'gpt-5.6', provider: 'Other Vendor', name: 'GPT-5.6', version: '2026-06-26', family: 'gpt', classification: '4E091', openWeights: false },
];

const PARTNERS: (PartnerApplication & { verdict: 'approve' | 'reject' | null; licenses: string[] })[] = [
  {
    partnerId: 'p-northwind', legalName: 'Northwind Grid Operations LLC', registrationNumber: 'US-DE-7712093', countryOfIncorporation: 'US',
    addresses: ['500 Transmission Way, Wilmington, DE, US'], beneficialOwners: [{ name: 'Maria Chen', nationality: 'US', ownershipPercent: 70 }],
    intendedUse: 'Anomaly triage for a regional power grid (critical infrastructure)', requestedModels: ['mythos-preview', 'mythos-5'],
    verdict: 'approve', licenses: ['mythos-preview', 'mythos-5'],
  },
  {
    partnerId: 'p-acme', legalName: 'Acme Robotics Inc.', registrationNumber: 'US-CA-C4411229', countryOfIncorporation: 'US',
    addresses: ['1 Market St, San Francisco, CA, US'], beneficialOwners: [{ name: 'Jane Roe', nationality: 'US', ownershipPercent: 60 }],
    intendedUse: 'Code review assistants', requestedModels: ['mythos-5', 'fable-5'],
    verdict: 'approve', licenses: ['mythos-5'],
  },
  {
    partnerId: 'p-globex', legalName: 'Globex Analytics GmbH', registrationNumber: 'DE-HRB-220415', countryOfIncorporation: 'DE',
    addresses: ['Friedrichstrasse 10, Berlin, DE'], beneficialOwners: [{ name: 'Hans Weber', nationality: 'DE', ownershipPercent: 100 }],
    intendedUse: 'Document summarisation', requestedModels: ['fable-5'],
    verdict: null, licenses: [],
  },
];

const SEEDER: Actor = { id: 'demo-seed', role: 'admin', partnerId: null };

export interface SeedReport {
  steps: number;
  skipped: number;
  credentials: { partnerId: string; credential: string }[];
}

export async function seedJune2026(commands: CommandBus, clock: ManualClock, log: (line: string) => void): Promise<SeedReport> {
  const report: SeedReport = { steps: 0, skipped: 0, credentials: [] };
  const meta = (key: string, actor: Actor = SEEDER): CommandMeta => ({ actor, correlationId: `seed-${key}`, causationId: null, idempotencyKey: `demo-june-2026:${key}` });
  const total = MODELS.length + PARTNERS.reduce((n, p) => n + 2 + (p.verdict ? 1 : 0) + p.licenses.length, 0);
  const step = async (label: string, run: () => Promise<{ duplicate: boolean }>) => {
    let duplicate = true;
    try {
      duplicate = (await run()).duplicate;
    } catch (error) {
      // A world seeded by hand before may already hold this fact under another key.
      if (!(error instanceof DomainError && error.kind === 'conflict')) throw error;
    }
    report.steps++;
    if (duplicate) report.skipped++;
    log(`[${report.steps}/${total}] ${label}${duplicate ? ' (already there)' : ''}`);
  };

  clock.set('2026-06-01T09:00:00Z');
  for (const model of MODELS) await step(`model ${model.modelId}`, () => commands.execute(new RegisterModelCommand(model, meta(`model:${model.modelId}`))));

  clock.set('2026-06-05T10:00:00Z');
  for (const { verdict, licenses, ...application } of PARTNERS) {
    const partnerAdmin: Actor = { id: `admin@${application.partnerId}`, role: 'partner_admin', partnerId: application.partnerId };
    await step(`application ${application.partnerId}`, () =>
      commands.execute(new SubmitApplicationCommand(application, meta(`apply:${application.partnerId}`, partnerAdmin))),
    );
    if (verdict) {
      const reviewer: Actor = { id: 'demo-reviewer', role: 'reviewer', partnerId: null };
      await step(`${verdict} ${application.partnerId}`, () =>
        commands.execute(new DecideApplicationCommand(application.partnerId, verdict, 'KYB documents verified (demo)', meta(`decide:${application.partnerId}`, reviewer))),
      );
    }
    for (const modelId of licenses) {
      const officer: Actor = { id: 'demo-compliance', role: 'compliance_officer', partnerId: null };
      await step(`license ${application.partnerId} ${modelId}`, () =>
        commands.execute(
          new GrantLicenseCommand(
            { licenseId: `lic-demo-${application.partnerId}-${modelId}`, partnerId: application.partnerId, modelId, validFrom: '2026-06-09T00:00:00.000Z', validUntil: '2027-06-09T00:00:00.000Z', allowedDestinations: null, requireEndUserIdentification: false, monthlyTokenQuota: null, rateLimitPerMinute: null },
            meta(`license:${application.partnerId}:${modelId}`, officer),
          ),
        ),
      );
    }
    await step(`credential ${application.partnerId}`, async () => {
      const issued = await commands.execute(new IssueCredentialCommand(application.partnerId, `cred-demo-${application.partnerId}`, 'demo', meta(`credential:${application.partnerId}`, partnerAdmin)));
      if (issued.secret) report.credentials.push({ partnerId: application.partnerId, credential: issued.secret });
      return issued;
    });
  }
  return report;
}
