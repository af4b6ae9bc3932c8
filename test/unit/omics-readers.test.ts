import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidTableError } from '../../activities/errors';
import { readClinical } from '../../activities/omics/clinical';
import { readExpression } from '../../activities/omics/expression';
import { joinWithFeatures } from '../../activities/omics/join';
import { geneStatus, readMutations, SILENT_VARIANT_CLASSIFICATIONS } from '../../activities/omics/mutations';
import { featureRow, readNumericMatrix } from '../../activities/omics/numeric-matrix';
import { sampleIdNormalizer } from '../../activities/omics/sample-ids';
import { generateConsortium } from '../../activities/sources/synthetic/consortium';
import { clinicalTsv, expressionTsv, mutationsTsv } from '../../activities/sources/synthetic/writer';

/** Assert an InvalidTableError whose message names the file, the line and the column. */
function assertTableError(fn: () => unknown, file: string, line: number | undefined, column: string | undefined, what: RegExp): void {
  assert.throws(
    fn,
    (error: unknown) => {
      assert.ok(error instanceof InvalidTableError, `expected InvalidTableError, got ${String(error)}`);
      const e = error as InvalidTableError & { line?: number; column?: string };
      assert.ok(e.message.startsWith(file), `message names the file: ${e.message}`);
      if (line !== undefined) assert.ok(e.message.includes(`line ${line}`) && e.line === line, `message names line ${line}: ${e.message}`);
      if (column !== undefined) assert.ok(e.message.includes(`column "${column}"`) && e.column === column, `names column ${column}: ${e.message}`);
      assert.match(e.message, what, `message says what is wrong: ${e.message}`);
      assert.equal(e.type, 'InvalidTableError', 'typed error name');
      return true;
    },
    `expected an InvalidTableError about ${what}`,
  );
}

const consortium = generateConsortium({ centers: 2, patientsPerCenter: 6, size: [8, 8, 4], genes: 40, moduleSize: 5, seed: 3 });

describe('synthetic consortium files read back', () => {
  it('mutations: driver and passengers, silent variants excluded by default', () => {
    const m = readMutations(mutationsTsv(consortium.mutations), 'mutations.maf.tsv');
    const status = geneStatus(m, 'RGMUT1');
    for (const patient of consortium.patients) {
      const p = m.patients.indexOf(patient.patientId);
      if (patient.truth.mutated) assert.equal(status[p], 1, `${patient.patientId} carries the driver`);
      else if (p >= 0) assert.equal(status[p], 0, `${patient.patientId} has no driver`);
    }
    const silent = consortium.mutations.filter((r) => SILENT_VARIANT_CLASSIFICATIONS.includes(r.Variant_Classification)).length;
    assert.equal(m.report.rowsRead, consortium.mutations.length, 'every row read');
    assert.equal(m.report.rowsKept, consortium.mutations.length - silent, 'silent rows left out');
    assert.equal(m.report.rowsExcludedByClassification.Silent ?? 0, silent, 'silent rows counted');
    const all = readMutations(mutationsTsv(consortium.mutations), 'mutations.maf.tsv', { keepSilent: true });
    assert.equal(all.report.rowsKept, consortium.mutations.length, 'keepSilent keeps every row');
  });

  it('expression: counts, CPM, log2(CPM + 1)', () => {
    const text = expressionTsv(consortium);
    const counts = readExpression(text, 'expression.tsv');
    assert.deepEqual(counts.samples, consortium.expression.sampleIds, 'sample ids');
    assert.deepEqual(Array.from(featureRow(counts, 0)), consortium.expression.counts[0], 'first gene counts');
    const cpm = readExpression(text, 'expression.tsv', { scale: 'cpm' });
    let total = 0;
    for (let g = 0; g < cpm.features.length; g++) total += cpm.values[g * cpm.samples.length];
    assert.ok(Math.abs(total - 1e6) < 1e-6, `CPM column sums to 1e6 (${total})`);
    const logCpm = readExpression(text, 'expression.tsv', { scale: 'cpm', log2: true });
    assert.ok(Math.abs(logCpm.values[0] - Math.log2(cpm.values[0] + 1)) < 1e-12, 'log2(CPM + 1)');
  });

  it('clinical: time, event, center, covariates', () => {
    const c = readClinical(clinicalTsv(consortium), 'clinical.tsv', { numericCovariates: ['age', 'stage'] });
    assert.equal(c.records.length, consortium.patients.length, 'one record per patient');
    const first = consortium.patients[0].truth;
    assert.deepEqual(
      { id: c.records[0].patientId, center: c.records[0].center, time: c.records[0].time, event: c.records[0].event, age: c.records[0].numeric.age },
      { id: first.patientId, center: first.centerId, time: first.survival.timeDays, event: first.survival.event, age: first.age },
      'first record',
    );
  });
});

describe('expression options', () => {
  const tsv = 'gene\tS1\tS2\nA\t10\t0\nB\t30\t5\nA\t5\t5\n';
  it('duplicate genes are rejected by default, summed on request', () => {
    assertTableError(() => readExpression(tsv, 'e.tsv'), 'e.tsv', 4, 'gene', /duplicate feature id A/);
    const summed = readExpression(tsv, 'e.tsv', { duplicateGenes: 'sum' });
    assert.deepEqual(summed.features, ['A', 'B'], 'genes once');
    assert.deepEqual(Array.from(summed.values), [15, 5, 30, 5], 'A summed');
  });
  it('TPM with gene lengths', () => {
    const m = readExpression('gene\tS1\nA\t10\nB\t30\n', 'e.tsv', { scale: 'tpm', geneLengths: { A: 1000, B: 3000 } });
    assert.deepEqual(Array.from(m.values), [5e5, 5e5], 'equal rates per kb');
    assert.throws(() => readExpression('gene\tS1\nA\t10\n', 'e.tsv', { scale: 'tpm' }), /geneLengths/, 'TPM without lengths');
  });
  it('GCT 1.2', () => {
    const gct = '#1.2\n2\t2\nName\tDescription\tTCGA-AB-1234-01A-11R\tTCGA-AB-5678-01A-11R\nA\tna\t1\t2\nB\tna\t3\t4\n';
    const m = readExpression(gct, 'e.gct', { format: 'gct', sampleIdRule: { kind: 'tcga' } });
    assert.deepEqual(m.samples, ['TCGA-AB-1234', 'TCGA-AB-5678'], 'TCGA patients');
    assert.deepEqual(m.rawSamples, ['TCGA-AB-1234-01A-11R', 'TCGA-AB-5678-01A-11R'], 'raw barcodes kept');
    assert.deepEqual(Array.from(m.values), [1, 2, 3, 4], 'values');
    assertTableError(() => readExpression(gct.replace('2\t2', '3\t2'), 'e.gct', { format: 'gct' }), 'e.gct', 2, undefined, /3/);
  });
  it('negative counts are refused when scaling', () => {
    assertTableError(() => readExpression('gene\tS1\tS2\nA\t1\t-2\n', 'e.tsv', { scale: 'cpm' }), 'e.tsv', 2, 'S2', /negative count/);
  });
});

describe('sample identifiers', () => {
  it('TCGA barcode → first 12 characters; identity; regex', () => {
    assert.equal(sampleIdNormalizer({ kind: 'tcga' })('TCGA-05-4244-01A-01R-1107-07'), 'TCGA-05-4244', 'tcga');
    assert.equal(sampleIdNormalizer({ kind: 'tcga' })('not-a-barcode'), undefined, 'tcga mismatch');
    assert.equal(sampleIdNormalizer({ kind: 'identity' })(' P1 '), 'P1', 'identity trims');
    assert.equal(sampleIdNormalizer({ kind: 'regex', pattern: '^(P\\d+)_' })('P17_tumor'), 'P17', 'regex group');
  });
  it('two samples of one patient are a duplicate sample id', () => {
    const tsv = 'gene\tTCGA-AB-1234-01A\tTCGA-AB-1234-11A\nA\t1\t2\n';
    assertTableError(() => readExpression(tsv, 'e.tsv', { sampleIdRule: { kind: 'tcga' } }), 'e.tsv', 1, 'TCGA-AB-1234-11A', /duplicate sample id/);
  });
});

describe('bad tables name file, line and column', () => {
  it('duplicate sample column', () => {
    assertTableError(() => readNumericMatrix('probe\tS1\tS1\ncg1\t0.1\t0.2\n', 'meth.tsv'), 'meth.tsv', 1, 'S1', /duplicate column/);
  });
  it('non-numeric cell', () => {
    assertTableError(() => readNumericMatrix('protein\tS1\tS2\nP1\t0.1\t0.2\nP2\t0.3\tabc\n', 'prot.tsv'), 'prot.tsv', 3, 'S2', /"abc" is not a number/);
  });
  it('missing values only where allowed', () => {
    assertTableError(() => readNumericMatrix('protein\tS1\nP1\tNA\n', 'prot.tsv'), 'prot.tsv', 2, 'S1', /not a number/);
    const m = readNumericMatrix('protein\tS1\nP1\tNA\n', 'prot.tsv', { allowMissing: true });
    assert.ok(Number.isNaN(m.values[0]), 'NA read as NaN');
  });
  it('ragged row', () => {
    assertTableError(() => readNumericMatrix('protein\tS1\tS2\nP1\t0.1\n', 'prot.tsv'), 'prot.tsv', 2, undefined, /2 cells where the header has 3/);
  });
  it('MAF without a required column', () => {
    assertTableError(
      () => readMutations('Hugo_Symbol\tTumor_Sample_Barcode\nTP53\tP1\n', 'm.maf'),
      'm.maf',
      1,
      'Variant_Classification',
      /required column is missing/,
    );
  });
  const clinical = 'patient_id\tcenter\tage\ttime_days\tevent\nP1\tC1\t60\t100\t1\nP2\tC1\t55\t200\t0\n';
  it('clinical: missing column, duplicate patient, NaN / negative time, bad event, non-numeric covariate', () => {
    assertTableError(() => readClinical(clinical.replace('event', 'status'), 'c.tsv'), 'c.tsv', 1, 'event', /required column/);
    assertTableError(() => readClinical(clinical.replace('P2', 'P1'), 'c.tsv'), 'c.tsv', 3, 'patient_id', /duplicate patient id P1 \(also line 2\)/);
    assertTableError(() => readClinical(clinical.replace('\t200\t', '\tNaN\t'), 'c.tsv'), 'c.tsv', 3, 'time_days', /not a number/);
    assertTableError(() => readClinical(clinical.replace('\t200\t', '\t\t'), 'c.tsv'), 'c.tsv', 3, 'time_days', /not a number/);
    assertTableError(() => readClinical(clinical.replace('\t200\t', '\t-5\t'), 'c.tsv'), 'c.tsv', 3, 'time_days', /negative survival time/);
    assertTableError(() => readClinical(clinical.replace('\t200\t0', '\t200\t2'), 'c.tsv'), 'c.tsv', 3, 'event', /not 0 or 1/);
    assertTableError(() => readClinical(clinical.replace('\t55\t', '\told\t'), 'c.tsv', { numericCovariates: ['age'] }), 'c.tsv', 3, 'age', /not a number/);
  });
  it('blank lines keep true line numbers', () => {
    assertTableError(() => readClinical(clinical.replace('\nP2', '\n\nP2').replace('\t200\t', '\t-1\t'), 'c.tsv'), 'c.tsv', 4, 'time_days', /negative/);
  });
});

describe('join with the feature table', () => {
  const features = [
    { patient_id: 'P1', roi: 1 },
    { patient_id: 'P1', roi: 2 },
    { patient_id: 'P2', roi: 1 },
    { patient_id: 'P9', roi: 1 },
  ];
  it('keeps every feature row and reports unmatched and duplicated ids', () => {
    const { rows, report } = joinWithFeatures(features, ['P1', 'P2', 'P3'], 'clinical.tsv');
    assert.equal(rows.length, 4, 'no row dropped');
    assert.deepEqual(rows.map((r) => r.omicsIndex), [0, 0, 1, null], 'indices');
    assert.deepEqual(
      report,
      {
        source: 'clinical.tsv',
        featureRows: 4,
        featureRowsMatched: 3,
        featureRowsUnmatched: 1,
        patientsMatched: 2,
        unmatchedFeaturePatients: ['P9'],
        unmatchedOmicsPatients: ['P3'],
        duplicatedFeaturePatients: { P1: 2 },
        duplicatedOmicsPatients: [],
      },
      'report',
    );
    assert.doesNotThrow(() => JSON.stringify(report), 'report is plain JSON for the run manifest');
  });
  it('duplicated omics ids are refused, or reported with the first used', () => {
    assertTableError(() => joinWithFeatures(features, ['P1', 'P1'], 'expr.tsv'), 'expr.tsv', undefined, 'patient_id', /duplicated patient ids: P1/);
    const { rows, report } = joinWithFeatures(features, ['P1', 'P1', 'P2'], 'expr.tsv', { duplicates: 'first' });
    assert.equal(rows[0].omicsIndex, 0, 'first occurrence used');
    assert.deepEqual(report.duplicatedOmicsPatients, ['P1'], 'reported');
  });
});
