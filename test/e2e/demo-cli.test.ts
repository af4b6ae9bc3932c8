/**
 * The quick start as a user runs it: `rg demo` on an embedded Temporal server writes the four
 * outputs, one feature row per patient, and the same seed twice gives byte-identical feature files.
 * The demo's images are DICOM series + DICOM-SEG by default; `--source tcia` serves them from the
 * local NBIA server and `--source nrrd` writes NRRD files: all three give the same feature values.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tableFromIPC } from 'apache-arrow';
import { RunManifest } from '../../activities/run/schemas';
import { spawnRg } from '../support/processes';
import { tempDir } from '../support/temporal';

const OUTPUTS = ['features.arrow', 'features.parquet', 'run-manifest.json', 'report.html'];

async function demo(out: string, ...extra: string[]): Promise<string> {
  const run = spawnRg(['demo', '--patients', '6', '--centers', '2', '--seed', '7', '--out', out, ...extra]);
  const code = await run.exited;
  assert.equal(code, 0, run.output());
  return run.output();
}

test('rg demo writes the four outputs, and the same seed twice gives identical feature files', async () => {
  const dir = tempDir('demo');
  const [a, b] = [join(dir, 'a'), join(dir, 'b')];
  const printed = await demo(a);
  await demo(b);

  for (const name of OUTPUTS) assert.ok(existsSync(join(a, name)), `${name} written`);
  assert.match(printed, /report\.html/, 'prints where the outputs are');

  const table = tableFromIPC(readFileSync(join(a, 'features.arrow')));
  assert.equal(table.numRows, 12, 'one row per patient (2 centers × 6)');
  const features = table.schema.fields.map((f) => f.name).filter((n) => n.startsWith('original_'));
  assert.ok(features.length >= 10, `${features.length} feature columns`);
  for (const name of features) {
    const column = table.getChild(name)!;
    for (let i = 0; i < table.numRows; i++) assert.ok(Number.isFinite(column.get(i)), `${name} row ${i} is a number`);
  }
  const manifest = RunManifest.parse(JSON.parse(readFileSync(join(a, 'run-manifest.json'), 'utf8')));
  assert.equal(manifest.summary.done, 12);
  for (const kind of ['clinical', 'expression'] as const) {
    const join = manifest.omics?.[kind]?.join;
    assert.equal(join?.patientsMatched, 12, `${kind} table joined with every patient: ${JSON.stringify(manifest.omics?.[kind])}`);
    assert.deepEqual(join?.unmatchedFeaturePatients, [], `${kind}: no imaged patient missing`);
  }
  // A MAF lists only patients with a kept variant: every imaged patient is matched or listed as absent.
  const maf = manifest.omics?.mutations?.join;
  assert.equal((maf?.patientsMatched ?? 0) + (maf?.unmatchedFeaturePatients.length ?? 0), 12, JSON.stringify(maf));
  assert.match(readFileSync(join(a, 'report.html'), 'utf8'), /Omics join/, 'the report shows the omics join');

  for (const name of ['features.arrow', 'features.parquet']) {
    assert.deepEqual(readFileSync(join(a, name)), readFileSync(join(b, name)), `${name} byte-identical across runs`);
  }
  rmSync(dir, { recursive: true, force: true });
});

test('rg demo --source tcia and --source nrrd give the feature values of the DICOM demo', async () => {
  const dir = tempDir('demo-sources');
  const values = async (source: string) => {
    const out = join(dir, source);
    const printed = await demo(out, '--source', source, '--patients', '2');
    if (source === 'tcia') assert.match(printed, /TCIA collection SYNTHETIC-RG at http:\/\/127\.0\.0\.1:\d+/, 'says where it serves');
    const table = tableFromIPC(readFileSync(join(out, 'features.arrow')));
    const names = table.schema.fields.map((f) => f.name).filter((n) => n.startsWith('original_'));
    return names.map((n) => Array.from(table.getChild(n)!.toArray() as Float64Array));
  };
  const [dicom, tcia, nrrd] = [await values('dicom'), await values('tcia'), await values('nrrd')];
  assert.equal(dicom[0].length, 4, 'one row per patient (2 centers × 2)');
  assert.deepEqual(tcia, dicom, 'TCIA download gives the same features as the DICOM folders');
  assert.deepEqual(nrrd, dicom, 'NRRD files give the same features as DICOM');
  assert.ok(existsSync(join(dir, 'tcia', 'sources', 'tcia')), 'the TCIA series were downloaded into the output store');
  rmSync(dir, { recursive: true, force: true });
});
