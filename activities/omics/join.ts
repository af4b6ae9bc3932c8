/**
 * Join the radiomic feature table (rows keyed by patient_id; a patient may have several rows, one per
 * timepoint × ROI) with a per-patient omics or clinical table. Every feature row comes back — matched or
 * not — and the report lists every identifier that did not meet its partner, for the run manifest.
 */
import { tableError } from './table-text';

export interface JoinReport {
  /** The omics/clinical table joined (file name). */
  source: string;
  featureRows: number;
  featureRowsMatched: number;
  /** Rows of the feature table whose patient has no omics entry (kept, with omicsIndex null). */
  featureRowsUnmatched: number;
  /** Distinct patients in both tables. */
  patientsMatched: number;
  /** Feature-table patients without an omics entry. */
  unmatchedFeaturePatients: string[];
  /** Omics patients without any feature row. */
  unmatchedOmicsPatients: string[];
  /** Patients with more than one feature row (expected with several timepoints or ROIs), with their counts. */
  duplicatedFeaturePatients: Record<string, number>;
  /** Patients that occur more than once in the omics table (the first is used when duplicates = 'first'). */
  duplicatedOmicsPatients: string[];
}

export interface JoinedRow<T> {
  feature: T;
  /** Index into the omics identifiers, or null when the patient has no omics entry. */
  omicsIndex: number | null;
}

export interface JoinResult<T> {
  rows: JoinedRow<T>[];
  report: JoinReport;
}

/**
 * Left join: one output row per feature row, in input order, with the index of its patient in `omicsPatients`.
 * Duplicated omics identifiers are an InvalidTableError unless duplicates = 'first' (then reported).
 */
export function joinWithFeatures<T extends { patient_id: string }>(
  featureRows: readonly T[],
  omicsPatients: readonly string[],
  source: string,
  options: { duplicates?: 'reject' | 'first' } = {},
): JoinResult<T> {
  const omicsIndex = new Map<string, number>();
  const duplicatedOmics = new Set<string>();
  omicsPatients.forEach((patient, i) => {
    if (omicsIndex.has(patient)) duplicatedOmics.add(patient);
    else omicsIndex.set(patient, i);
  });
  if (duplicatedOmics.size > 0 && (options.duplicates ?? 'reject') === 'reject') {
    throw tableError(source, undefined, 'patient_id', `duplicated patient ids: ${[...duplicatedOmics].join(', ')}`);
  }
  const featureCounts = new Map<string, number>();
  const rows = featureRows.map((feature) => {
    featureCounts.set(feature.patient_id, (featureCounts.get(feature.patient_id) ?? 0) + 1);
    return { feature, omicsIndex: omicsIndex.get(feature.patient_id) ?? null };
  });
  const featurePatients = [...featureCounts.keys()];
  const matchedRows = rows.filter((r) => r.omicsIndex !== null).length;
  return {
    rows,
    report: {
      source,
      featureRows: rows.length,
      featureRowsMatched: matchedRows,
      featureRowsUnmatched: rows.length - matchedRows,
      patientsMatched: featurePatients.filter((p) => omicsIndex.has(p)).length,
      unmatchedFeaturePatients: featurePatients.filter((p) => !omicsIndex.has(p)).sort(),
      unmatchedOmicsPatients: [...omicsIndex.keys()].filter((p) => !featureCounts.has(p)).sort(),
      duplicatedFeaturePatients: Object.fromEntries([...featureCounts].filter(([, n]) => n > 1).sort()),
      duplicatedOmicsPatients: [...duplicatedOmics].sort(),
    },
  };
}
