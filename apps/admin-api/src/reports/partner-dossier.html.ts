import type { DirectiveRecord, DossierChange, DossierRecord, PartnerDossier } from './partner-dossier';

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text made safe for HTML element content and quoted attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

// Inline and self-contained: the page is printed or archived as one file, with nothing fetched.
const STYLE = `
  body { font: 11pt/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; color: #111; margin: 2rem; }
  h1 { font-size: 18pt; margin-bottom: 0; } h2 { font-size: 14pt; border-bottom: 1px solid #999; margin-top: 2rem; }
  h3 { font-size: 12pt; margin-bottom: .3rem; }
  .meta { color: #444; } .status { font-weight: 600; text-transform: uppercase; font-size: 9pt; }
  table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: 9pt; }
  th, td { border: 1px solid #bbb; padding: 3px 5px; text-align: left; vertical-align: top; }
  th { background: #eee; } table.fields th { width: 12rem; }
  pre { white-space: pre-wrap; word-break: break-word; font-size: 8pt; margin: 0; }
  section.record { break-inside: avoid; }
  @media print {
    body { margin: 0; font-size: 9pt; }
    h2 { break-after: avoid; } thead { display: table-header-group; } tr { break-inside: avoid; }
    @page { size: A4; margin: 15mm; }
  }
`;

function json(value: unknown): string {
  return `<pre>${escapeHtml(JSON.stringify(value, null, 2))}</pre>`;
}

function isPlain(value: unknown): boolean {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

/** An object's fields as rows: plain values and lists of them as text, anything deeper as JSON. */
function fieldsTable(fields: Record<string, unknown>): string {
  const rows = Object.entries(fields).map(([name, value]) => {
    const shown = isPlain(value) ? escapeHtml(value) : Array.isArray(value) && value.every(isPlain) ? escapeHtml(value.join(', ')) : json(value);
    return `<tr><th>${escapeHtml(name)}</th><td>${shown}</td></tr>`;
  });
  return `<table class="fields"><tbody>${rows.join('')}</tbody></table>`;
}

function changesTable(changes: DossierChange[]): string {
  if (changes.length === 0) return '<p>None recorded.</p>';
  const rows = changes
    .map(
      (c) =>
        `<tr><td>${escapeHtml(c.position)}</td><td>${escapeHtml(c.occurredAt)}</td><td>${escapeHtml(c.type)}</td>` +
        `<td>${escapeHtml(c.actorId)}<br><small>${escapeHtml(c.actorRole)}</small></td><td>${json(c.data)}</td></tr>`,
    )
    .join('\n');
  return `<table><thead><tr><th>position</th><th>occurred at (UTC)</th><th>event</th><th>actor</th><th>data</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function recordSection(record: DossierRecord, extra = ''): string {
  return `<section class="record"><h3>${escapeHtml(record.id)} <span class="status">${escapeHtml(record.status)}</span></h3>${extra}
    ${fieldsTable(record.details)}
    ${changesTable(record.history)}</section>`;
}

function recordsSection(title: string, records: DossierRecord[]): string {
  return `<h2>${escapeHtml(title)}</h2>${records.length ? records.map((r) => recordSection(r)).join('\n') : '<p>None recorded.</p>'}`;
}

function directivesSection(directives: DirectiveRecord[]): string {
  const body = directives.length
    ? directives.map((d) => recordSection(d, `<p>Covered licensed models or families: ${escapeHtml(d.coveredLicensedTargets.join(', '))}</p>`)).join('\n')
    : '<p>No directive covered a model the partner was licensed for.</p>';
  return `<h2>Directives that applied</h2>${body}`;
}

/** The dossier as one printable HTML page: every value escaped, no script, no external asset. */
export function renderPartnerDossierHtml(dossier: PartnerDossier): string {
  const title = `Partner dossier: ${dossier.legalName ?? dossier.partnerId}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body>
<h1>${escapeHtml(title)}</h1>
<p class="meta">Partner ${escapeHtml(dossier.partnerId)} · status <span class="status">${escapeHtml(dossier.status)}</span> ·
complete up to event position ${escapeHtml(dossier.position)} · generated ${escapeHtml(dossier.generatedAt)}</p>
<h2>Application</h2>${dossier.application.current ? fieldsTable(dossier.application.current) : '<p>None recorded.</p>'}
${changesTable(dossier.application.history)}
<h2>Review and status decisions</h2>${changesTable(dossier.decisions)}
${recordsSection('KYC evidence', dossier.kycCases)}
${recordsSection('Screening evidence', dossier.screenings)}
${recordsSection('Government approvals', dossier.governmentApprovals)}
${recordsSection('Licenses', dossier.licenses)}
${directivesSection(dossier.directives)}
${recordsSection('End users', dossier.endUsers)}
${recordsSection('API credentials', dossier.credentials)}
<h2>Every change</h2>${changesTable(dossier.changes)}
</body></html>
`;
}
