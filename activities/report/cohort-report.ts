/**
 * The cohort report: one self-contained HTML page (no scripts, no external files) with the run
 * summary, per-center counts, the failed patients and their reasons, and per-center box plots of
 * a few headline features, so scanner (center) effects are visible at a glance.
 */
import type { Table } from 'apache-arrow';
import type { OmicsJoinSummary, PatientResult } from '../run/schemas';

export interface ReportInput {
  runId: string;
  patients: PatientResult[];
  table: Table;
  /** The omics tables joined with the features, when the run named some. */
  omics?: OmicsJoinSummary;
}

/** Features shown when present, in this order; otherwise the first few feature columns. */
const HEADLINE_FEATURES = [
  'original_firstorder_Mean',
  'original_firstorder_Entropy',
  'original_glcm_Contrast',
  'original_shape_VoxelVolume',
];

export function renderCohortReport({ runId, patients, table, omics }: ReportInput): string {
  const centers = [...new Set(patients.map((p) => p.center))].sort();
  const featureNames = table.schema.fields.map((f) => f.name).filter((n) => n.startsWith('original_'));
  const shown = HEADLINE_FEATURES.filter((f) => featureNames.includes(f));
  const features = shown.length ? shown : featureNames.slice(0, 4);
  const centerColumn = table.getChild('center');
  const valuesBy = (feature: string, center: string): number[] => {
    const column = table.getChild(feature);
    const out: number[] = [];
    for (let i = 0; i < table.numRows; i++) {
      const v = column?.get(i);
      if (centerColumn?.get(i) === center && typeof v === 'number' && Number.isFinite(v)) out.push(v);
    }
    return out;
  };
  const failed = patients.filter((p) => p.status === 'failed');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Radiogenomics run ${esc(runId)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem;color:#222}
table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:right}
th{background:#f4f4f4}td:first-child,th:first-child{text-align:left}.plots{display:flex;flex-wrap:wrap;gap:1rem}
figure{margin:0}figcaption{font-size:.85rem;font-family:monospace}
</style></head><body>
<h1>Cohort run <code>${esc(runId)}</code></h1>
<p>${patients.length} images of ${new Set(patients.map((p) => p.patientId)).size} patients from ${centers.length} centers:
<b>${patients.length - failed.length} done</b>, <b>${failed.length} failed</b>. ${table.numCols} columns in the feature table.</p>
<h2>Per center</h2>
<table><tr><th>center</th><th>images</th><th>done</th><th>failed</th></tr>
${centers
  .map((c) => {
    const of = patients.filter((p) => p.center === c);
    const ok = of.filter((p) => p.status === 'done').length;
    return `<tr><td>${esc(c)}</td><td>${of.length}</td><td>${ok}</td><td>${of.length - ok}</td></tr>`;
  })
  .join('\n')}
</table>
${failed.length ? failureTable(failed) : '<p>No patient failed.</p>'}
${omics ? omicsTable(omics) : ''}
<h2>Feature distributions by center</h2>
<div class="plots">
${features.map((f) => `<figure>${boxPlot(centers.map((c) => ({ label: c, values: valuesBy(f, c) })))}<figcaption>${esc(f)}</figcaption></figure>`).join('\n')}
</div>
</body></html>
`;
}

function failureTable(failed: PatientResult[]): string {
  const rows = failed
    .map(
      (p) =>
        `<tr><td>${esc(p.patientId)}</td><td>${esc(p.center)}</td><td>${esc(p.timepoint)}</td><td>${esc(p.error?.type ?? '')}</td><td style="text-align:left">${esc(p.error?.message ?? '')}</td></tr>`,
    )
    .join('\n');
  return `<h2>Failed</h2><table><tr><th>patient</th><th>center</th><th>timepoint</th><th>reason</th><th>message</th></tr>\n${rows}\n</table>`;
}

/** One line per omics table: matched patients, and who is missing on either side (never dropped silently). */
function omicsTable(omics: OmicsJoinSummary): string {
  const list = (ids: string[]) => (ids.length ? `${ids.length}: ${esc(ids.slice(0, 10).join(', '))}${ids.length > 10 ? ', …' : ''}` : '0');
  const rows = Object.entries(omics)
    .map(([kind, record]) => {
      if (!record) return '';
      if (record.error) return `<tr><td>${esc(kind)}</td><td colspan="4" style="text-align:left">${esc(record.error.type)}: ${esc(record.error.message)}</td></tr>`;
      const join = record.join!;
      return `<tr><td>${esc(kind)}</td><td>${join.patientsMatched}</td><td style="text-align:left">${list(join.unmatchedFeaturePatients)}</td><td style="text-align:left">${list(join.unmatchedOmicsPatients)}</td><td style="text-align:left">${list(join.duplicatedOmicsPatients)}</td></tr>`;
    })
    .join('\n');
  const mafNote = omics.mutations?.join?.unmatchedFeaturePatients.length
    ? '<p>A MAF lists only samples with at least one kept variant: imaged patients absent from it may be sequenced without a non-silent mutation.</p>'
    : '';
  return `<h2>Omics join</h2><table><tr><th>table</th><th>patients matched</th><th>imaged, not in table</th><th>in table, not imaged</th><th>duplicated in table</th></tr>\n${rows}\n</table>${mafNote}`;
}

interface Group {
  label: string;
  values: number[];
}

/** A vertical box plot (min, quartiles, max) per group, as inline SVG. */
export function boxPlot(groups: Group[], width = 320, height = 220): string {
  const all = groups.flatMap((g) => g.values);
  if (all.length === 0) return `<svg width="${width}" height="${height}"><text x="10" y="20">no values</text></svg>`;
  const lo = Math.min(...all);
  const hi = Math.max(...all);
  const pad = 30;
  const y = (v: number) => height - pad - ((v - lo) / (hi - lo || 1)) * (height - 2 * pad);
  const slot = (width - pad) / groups.length;
  const boxes = groups.map((g, i) => {
    const cx = pad + slot * (i + 0.5);
    const label = `<text x="${cx}" y="${height - 8}" text-anchor="middle" font-size="11">${esc(g.label)} (n=${g.values.length})</text>`;
    if (g.values.length === 0) return label;
    const [min, q1, med, q3, max] = [0, 0.25, 0.5, 0.75, 1].map((q) => quantile(g.values, q));
    const w = Math.min(40, slot * 0.6);
    return `${label}<line x1="${cx}" x2="${cx}" y1="${y(min)}" y2="${y(max)}" stroke="#555"/>
<rect x="${cx - w / 2}" y="${y(q3)}" width="${w}" height="${Math.max(1, y(q1) - y(q3))}" fill="#9cc3e6" stroke="#555"/>
<line x1="${cx - w / 2}" x2="${cx + w / 2}" y1="${y(med)}" y2="${y(med)}" stroke="#000" stroke-width="2"/>`;
  });
  const axis = `<text x="2" y="${pad - 8}" font-size="10">${fmt(hi)}</text><text x="2" y="${height - pad + 12}" font-size="10">${fmt(lo)}</text>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${axis}${boxes.join('\n')}</svg>`;
}

/** Linear-interpolated quantile (numpy's default). */
function quantile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const below = Math.floor(pos);
  const above = Math.min(below + 1, s.length - 1);
  return s[below] + (s[above] - s[below]) * (pos - below);
}

function fmt(v: number): string {
  return Math.abs(v) >= 1000 || (Math.abs(v) < 0.01 && v !== 0) ? v.toExponential(2) : v.toFixed(2);
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
