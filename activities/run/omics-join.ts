/**
 * The omics side of a cohort run: the clinical, expression and mutation tables named in the run
 * settings are read (validated), joined with the feature table by patient id, and the join report
 * — matched, unmatched and duplicated identifiers — goes into the run manifest and the report.
 * No row is dropped silently: unmatched patients are listed. A malformed table does not sink the
 * run: its typed error is recorded instead of a report.
 */
import { RadiogenomicsError } from '../errors';
import type { BlobStore } from '../storage/blob-store';
import { sha256Hex } from '../hash';
import { readClinical } from '../omics/clinical';
import { readExpression } from '../omics/expression';
import { readMutations } from '../omics/mutations';
import { joinWithFeatures } from '../omics/join';
import type { SampleIdRule } from '../omics/sample-ids';
import type { OmicsInputs, OmicsJoinRecord, OmicsJoinSummary } from './schemas';

type TableKind = 'clinical' | 'expression' | 'mutations';

/** Read each omics table and join it with the feature rows; one record per table. */
export async function joinOmicsTables(
  store: BlobStore,
  featureRows: readonly { patient_id: string }[],
  inputs: OmicsInputs,
): Promise<OmicsJoinSummary> {
  const summary: OmicsJoinSummary = {};
  const tables: [TableKind, string | undefined][] = [
    ['clinical', inputs.clinicalUri],
    ['expression', inputs.expressionUri],
    ['mutations', inputs.mutationsUri],
  ];
  for (const [kind, uri] of tables) {
    if (uri) summary[kind] = await joinOne(store, featureRows, kind, uri, inputs.sampleIdRule);
  }
  return summary;
}

/** Read one table, list its patients, join; a typed table error is recorded, not thrown. */
async function joinOne(
  store: BlobStore,
  featureRows: readonly { patient_id: string }[],
  kind: TableKind,
  uri: string,
  sampleIdRule: SampleIdRule,
): Promise<OmicsJoinRecord> {
  let sha256: string | undefined;
  try {
    const bytes = await store.get(uri);
    sha256 = sha256Hex(bytes);
    const patients = patientsOf(kind, bytes.toString('utf8'), uri, sampleIdRule);
    return { uri, sha256, patients: patients.length, join: joinWithFeatures(featureRows, patients, uri).report };
  } catch (err) {
    if (err instanceof RadiogenomicsError) return { uri, sha256, error: { type: err.type, message: err.message } };
    throw err;
  }
}

/** The patient ids a table holds, after validating the whole table. */
function patientsOf(kind: TableKind, text: string, uri: string, sampleIdRule: SampleIdRule): string[] {
  if (kind === 'clinical') return readClinical(text, uri, { sampleIdRule }).records.map((r) => r.patientId);
  if (kind === 'expression') return readExpression(text, uri, { sampleIdRule }).samples;
  return readMutations(text, uri, { sampleIdRule }).patients;
}
