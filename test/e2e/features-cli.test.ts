/**
 * `rg features` as a PyRadiomics user runs it: a params YAML, an image and a mask in, every
 * feature out, equal to the PyRadiomics baseline of the same configuration.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tableFromIPC } from 'apache-arrow';
import { readBaselineColumn, REFERENCE_DIR } from '../support/pyradiomics-reference';
import { decodeVolume } from '../../activities/imaging/read-volume';
import { withRightHandedSlices } from '../../activities/imaging/volume';
import { dicomSeriesReference, writeDicomSeries } from '../../activities/imaging/dicom-write/series';
import { CODES, writeDicomSeg } from '../../activities/imaging/dicom-write/seg';
import { spawnRg } from '../support/processes';
import { CT_DIR, DIAGNOSTICS_CSV, FEATURES_CSV, describeRow, matches, readRows } from '../support/ibsi-ct-reference';
import { tempDir } from '../support/temporal';

const IMAGE = join(REFERENCE_DIR, 'data', 'brain1_image.nrrd');
const MASK = join(REFERENCE_DIR, 'data', 'brain1_label.nrrd');
const CLASSES = ['firstorder', 'glcm', 'glrlm', 'glszm', 'gldm', 'ngtdm'];

/** Every original_* brain1 baseline value of the texture and first-order classes, to 1e-6 relative; returns how many. */
function assertBrain1Baseline(features: Record<string, number>, where: string): number {
  let compared = 0;
  for (const featureClass of CLASSES) {
    for (const [name, text] of readBaselineColumn(featureClass, 'brain1')) {
      if (!name.startsWith('original_')) continue;
      const expected = Number(text);
      const actual = features[name];
      assert.ok(name in features, `${name} is computed`);
      const error = Math.abs(expected) < 1e-12 ? Math.abs(actual) : Math.abs(actual / expected - 1);
      assert.ok(error <= 1e-6, `${name}: ${actual}${where} vs PyRadiomics ${expected}`);
      compared++;
    }
  }
  return compared;
}

test('rg features with the baseline params reproduces every PyRadiomics brain1 feature', async () => {
  const dir = tempDir('features');
  const params = join(dir, 'params.yaml');
  // The settings of the `brain1` baseline column (see its diagnostics_Configuration_Settings row).
  writeFileSync(params, 'setting:\n  binWidth: 25\n  voxelArrayShift: 2000\n  label: 1\n  interpolator:\n  padDistance: 5\n');
  const run = spawnRg(['features', '--image', IMAGE, '--mask', MASK, '--params', params]);
  assert.equal(await run.exited, 0, run.output());
  const features = JSON.parse(run.output()) as Record<string, number>;

  const compared = assertBrain1Baseline(features, '');
  assert.equal(compared, 18 + 24 + 16 + 16 + 14 + 5);

  const out = join(dir, 'brain1.arrow');
  const toArrow = spawnRg(['features', '--image', IMAGE, '--mask', MASK, '--params', params, '--out', out]);
  assert.equal(await toArrow.exited, 0, toArrow.output());
  const table = tableFromIPC(readFileSync(out));
  assert.equal(table.numRows, 1);
  assert.equal(table.getChild('original_glcm_Contrast')!.get(0), features.original_glcm_Contrast);
  assert.match(table.getChild('mask_sha256')!.get(0), /^[0-9a-f]{64}$/);
});

test('rg features: bad input exits non-zero with a one-line reason naming the file', async () => {
  const absent = spawnRg(['features', '--image', IMAGE, '--mask', MASK, '--label', '7']);
  assert.equal(await absent.exited, 1);
  assert.match(absent.output(), /brain1_label\.nrrd: label 7 is absent from the mask \(labels present: 0, 1\)/);
  const notAnImage = spawnRg(['features', '--image', join(REFERENCE_DIR, 'README.md'), '--mask', MASK]);
  assert.equal(await notAnImage.exited, 1);
  assert.match(notAnImage.output(), /README\.md: unrecognized image format/);
});

test('rg features --convention ibsi on the IBSI digital phantom gives IBSI tags and consensus values', async () => {
  const phantom = join(__dirname, '..', '..', '..', 'shared', 'reference', 'ibsi', 'digital_phantom');
  const dir = tempDir('features-ibsi');
  const params = join(dir, 'params.yaml');
  // Fixed bin size 1 from the ROI minimum leaves the phantom's grey levels as they are.
  writeFileSync(params, 'setting:\n  binWidth: 1\n');
  const run = spawnRg([
    'features', '--image', join(phantom, 'phantom.nii.gz'), '--mask', join(phantom, 'mask.nii.gz'),
    '--params', params, '--convention', 'ibsi',
  ]);
  assert.equal(await run.exited, 0, run.output());
  const features = JSON.parse(run.output()) as Record<string, number>;
  const threeDigits = (v: number) => Number(v.toPrecision(3));
  // Consensus values of ibsi1_reference_values_digital_phantom.csv (tolerance 0: equal to 3 digits).
  assert.equal(threeDigits(features.stat_mean), 2.15);
  assert.equal(threeDigits(features.cm_contrast_3D_avg), 5.32);
  assert.equal(threeDigits(features.szm_sze_3D), 0.255);
  assert.ok(Math.abs(features.morph_volume - 556) <= 4, `morph_volume ${features.morph_volume}`);

  // Settings the IBSI path does not apply are refused, not ignored.
  writeFileSync(params, 'setting:\n  binWidth: 1\n  resampledPixelSpacing: [2, 2, 2]\n');
  const refused = spawnRg([
    'features', '--image', join(phantom, 'phantom.nii.gz'), '--mask', join(phantom, 'mask.nii.gz'),
    '--params', params, '--convention', 'ibsi',
  ]);
  assert.equal(await refused.exited, 1);
  assert.match(refused.output(), /params\.yaml: setting\.resampledPixelSpacing not applied with --convention ibsi from a PyRadiomics params file; give an IBSI settings file/);
});

test('rg features --maps writes one voxel-based map per feature, on the ROI box ± kernel radius', async () => {
  const dir = tempDir('maps');
  const params = join(dir, 'params.yaml');
  writeFileSync(params, 'featureClass:\n  firstorder: [Mean]\n  glcm: [Contrast]\n');
  const breastImage = join(REFERENCE_DIR, 'data', 'breast1_image.nrrd');
  const breastMask = join(REFERENCE_DIR, 'data', 'breast1_label.nrrd');
  const run = spawnRg(['features', '--image', breastImage, '--mask', breastMask, '--params', params, '--maps', join(dir, 'maps'), '--kernel-radius', '1']);
  assert.equal(await run.exited, 0, run.output());
  assert.match(run.output(), /Wrote 2 feature maps/);
  const mean = decodeVolume(readFileSync(join(dir, 'maps', 'original_firstorder_Mean.nrrd')), 'mean');
  // breast1's ROI box is 9×12×3 (README of the reference data), grown by the kernel radius on each side.
  assert.deepEqual(mean.size, [11, 14, 5]);
  assert.ok(Array.from(mean.data).some((v) => v > 0), 'the map holds values');
});

test('rg features on brain1 as a DICOM series + DICOM-SEG gives the same PyRadiomics baseline values', async () => {
  const dir = tempDir('features-dicom');
  // brain1's grid is left-handed (direction diag(1, -1, 1)); DICOM slices run along the normal.
  const image = withRightHandedSlices(decodeVolume(readFileSync(IMAGE), IMAGE));
  const mask = withRightHandedSlices(decodeVolume(readFileSync(MASK), MASK));
  const series = join(dir, 'brain1-mr');
  mkdirSync(series);
  const options = { patientId: 'brain1', modality: 'MR' as const };
  for (const file of writeDicomSeries(image, options)) writeFileSync(join(series, file.name), file.bytes);
  const segPath = join(dir, 'brain1-seg.dcm');
  const segment = { label: 1, name: 'tumor', category: CODES.morphologicallyAlteredStructure, type: CODES.neoplasm };
  writeFileSync(segPath, writeDicomSeg(mask, dicomSeriesReference(image, options), [segment]));
  const params = join(dir, 'params.yaml');
  writeFileSync(params, 'setting:\n  binWidth: 25\n  voxelArrayShift: 2000\n  label: 1\n  interpolator:\n  padDistance: 5\n');

  const run = spawnRg(['features', '--image', series, '--mask', segPath, '--params', params]);
  assert.equal(await run.exited, 0, run.output());
  const features = JSON.parse(run.output()) as Record<string, number>;
  const compared = assertBrain1Baseline(features, ' from DICOM');
  assert.equal(compared, 93, 'every non-shape brain1 baseline feature compared');
});

test('rg features --convention ibsi with an IBSI settings file reproduces the IBSI CT phantom (configurations A and D)', async () => {
  const phantom = join(CT_DIR, 'ct_phantom');
  const references = [...readRows(FEATURES_CSV), ...readRows(DIAGNOSTICS_CSV)];
  for (const configuration of ['A', 'D']) {
    const settings = join(__dirname, '..', 'fixtures', 'ibsi-ct', `config-${configuration}.yaml`);
    const run = spawnRg(['features', '--image', join(phantom, 'phantom.nii.gz'), '--mask', join(phantom, 'mask.nii.gz'), '--convention', 'ibsi', '--params', settings]);
    assert.equal(await run.exited, 0, run.output());
    const computed = JSON.parse(run.output()) as Record<string, number>;
    const rows = references.filter((row) => row.data === `config_${configuration}` && Number.isFinite(row.value));
    assert.ok(rows.length > 200, `config ${configuration}: ${rows.length} reference rows with values`);
    for (const row of rows) assert.ok(matches(computed[row.tag], row), `config ${configuration}: ${describeRow(row, computed[row.tag])}`);
  }
});
