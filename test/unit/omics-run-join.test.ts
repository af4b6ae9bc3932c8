/**
 * The omics join of a cohort run: every table named in the settings is validated and joined with
 * the feature rows; the run manifest gets, per table, who matched, who is missing on either side and
 * who is duplicated — and a malformed table is recorded with its typed error instead of sinking the run.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateConsortium } from '../../activities/sources/synthetic/consortium';
import { clinicalTsv, expressionTsv, mutationsTsv } from '../../activities/sources/synthetic/writer';
import { joinOmicsTables } from '../../activities/run/omics-join';
import { OmicsInputs } from '../../activities/run/schemas';
import { MemoryStore } from '../support/memory-store';

const consortium = generateConsortium({ centers: 2, patientsPerCenter: 3, seed: 5, size: [16, 16, 8] });
const ids = consortium.patients.map((p) => p.patientId);

async function storeWithTables(clinical = clinicalTsv(consortium)) {
  const store = new MemoryStore();
  await store.put('mem://omics/clinical.tsv', Buffer.from(clinical));
  await store.put('mem://omics/expression.tsv', Buffer.from(expressionTsv(consortium)));
  await store.put('mem://omics/mutations.maf.tsv', Buffer.from(mutationsTsv(consortium.mutations)));
  return store;
}

const inputs = OmicsInputs.parse({
  clinicalUri: 'mem://omics/clinical.tsv',
  expressionUri: 'mem://omics/expression.tsv',
  mutationsUri: 'mem://omics/mutations.maf.tsv',
});

test('every table joins; unmatched and duplicated ids are listed, no row dropped', async () => {
  const store = await storeWithTables();
  // Feature rows: every patient but the first, the second twice (two timepoints), and one stranger.
  const rows = [...ids.slice(1), ids[1], 'X99-P0001'].map((patient_id) => ({ patient_id }));
  const summary = await joinOmicsTables(store, rows, inputs);
  for (const kind of ['clinical', 'expression'] as const) {
    const join = summary[kind]!.join!;
    assert.equal(summary[kind]!.patients, ids.length, `${kind}: every patient in the table`);
    assert.equal(join.featureRows, rows.length, `${kind}: every feature row kept`);
    assert.equal(join.patientsMatched, ids.length - 1, `${kind}: patients matched`);
    assert.deepEqual(join.unmatchedFeaturePatients, ['X99-P0001'], `${kind}: imaged but not in the table`);
    assert.deepEqual(join.unmatchedOmicsPatients, [ids[0]], `${kind}: in the table but not imaged`);
    assert.deepEqual(join.duplicatedFeaturePatients, { [ids[1]]: 2 }, `${kind}: several feature rows`);
    assert.match(summary[kind]!.sha256 ?? '', /^[0-9a-f]{64}$/, `${kind}: input hash recorded`);
  }
  assert.ok(summary.mutations?.join, 'mutations joined');
});

test('a malformed table is recorded with its typed error; the others still join', async () => {
  const lines = clinicalTsv(consortium).trim().split('\n');
  lines[3] = lines[3].replace(/\t[0-9.]+\t([01])$/, '\t-5\t$1'); // a negative survival time on line 4
  const store = await storeWithTables(`${lines.join('\n')}\n`);
  const summary = await joinOmicsTables(store, ids.map((patient_id) => ({ patient_id })), inputs);
  assert.equal(summary.clinical?.error?.type, 'InvalidTableError', JSON.stringify(summary.clinical));
  assert.match(summary.clinical!.error!.message, /clinical\.tsv, line 4, column "time_days"/, 'names file, line and column');
  assert.equal(summary.expression?.join?.patientsMatched, ids.length, 'expression still joined');
});
