/**
 * `rg inspect` logic: the JSON report of each kind of input (DICOM series folder and file, NRRD
 * image, NIfTI label map, DICOM-SEG with and without reference, RTSTRUCT with reference), and the
 * typed errors for inputs it cannot read.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { CorruptImageError, InvalidMaskError, MissingInputError } from '../../activities/errors';
import { writeDicomSeg } from '../../activities/imaging/dicom-write/seg';
import { dicomSeriesReference, writeDicomSeries } from '../../activities/imaging/dicom-write/series';
import { inspectPath } from '../../activities/imaging/inspect';
import { readLabelMap } from '../../activities/imaging/masks/label-map';
import { encodeNifti } from '../../activities/imaging/nifti';
import { encodeNrrd } from '../../activities/imaging/nrrd';
import { tempDir } from '../support/temporal';
import { SEGMENTS, SERIES_OPTIONS, syntheticImage, syntheticMask } from '../fixtures/dicom-seg/synthetic-case';

const image = syntheticImage();
const mask = syntheticMask();

/** Every input kind written once into a temporary folder. */
function writeInputs() {
  const dir = tempDir('inspect');
  mkdirSync(join(dir, 'ct'));
  for (const file of writeDicomSeries(image, SERIES_OPTIONS)) writeFileSync(join(dir, 'ct', file.name), file.bytes);
  writeFileSync(join(dir, 'ct', 'notes.txt'), 'not DICOM: ignored');
  writeFileSync(join(dir, 'seg.dcm'), writeDicomSeg(mask, dicomSeriesReference(image, SERIES_OPTIONS), SEGMENTS));
  writeFileSync(join(dir, 'image.nrrd'), encodeNrrd(image));
  writeFileSync(join(dir, 'mask.nii.gz'), encodeNifti(mask, { gzip: true }));
  writeFileSync(join(dir, 'garbage.bin'), 'hello, not an image');
  return dir;
}

function assertGeometry(report: { size: number[]; spacing: number[]; origin: number[]; direction: number[] }, what: string) {
  assert.deepEqual(report.size, image.size, `${what}: size`);
  for (const key of ['spacing', 'origin', 'direction'] as const) {
    report[key].forEach((v, i) => assert.ok(Math.abs(v - image[key][i]) <= 1e-6, `${what}: ${key}[${i}] ${v} vs ${image[key][i]}`));
  }
}

const imageMin = Math.min(...image.data);
const imageMax = Math.max(...image.data);
const imageMean = image.data.reduce((a, b) => a + b, 0) / image.data.length;
const MASK_COUNTS = { '0': 6840, '1': 185, '2': 615, '3': 40 };

describe('inspectPath', () => {
  const dir = writeInputs();

  test('DICOM series folder and single DICOM file: image with rescaled statistics and the series', async () => {
    const report = await inspectPath(join(dir, 'ct'));
    assert.equal(report.kind, 'image', 'kind');
    assert.equal(report.format, 'dicom', 'format');
    assertGeometry(report, 'series');
    assert.deepEqual([report.min, report.max], [imageMin, imageMax], 'min/max');
    assert.ok(Math.abs(report.mean - imageMean) < 1e-9, `mean ${report.mean}`);
    assert.equal(report.series?.files, 10, 'files read (notes.txt ignored)');
    assert.equal(report.series?.modality, 'CT', 'modality');
    assert.equal(report.labels, undefined, 'no label counts for an image');
    const single = await inspectPath(join(dir, 'ct', 'slice-0001.dcm'));
    assert.deepEqual(single.size, [32, 24, 1], 'one slice');
  });

  test('NRRD image and NIfTI label map: kind told by content', async () => {
    const nrrd = await inspectPath(join(dir, 'image.nrrd'));
    assert.deepEqual([nrrd.kind, nrrd.format], ['image', 'nrrd'], 'NRRD image');
    assertGeometry(nrrd, 'nrrd');
    const nifti = await inspectPath(join(dir, 'mask.nii.gz'));
    assert.deepEqual([nifti.kind, nifti.format], ['mask', 'nifti'], 'NIfTI mask');
    assert.deepEqual(nifti.labels, MASK_COUNTS, 'voxel counts per label');
  });

  test('DICOM-SEG: on the reference grid, or on the grid its frames span', async () => {
    const onReference = await inspectPath(join(dir, 'seg.dcm'), { reference: join(dir, 'ct') });
    assert.deepEqual([onReference.kind, onReference.format], ['mask', 'dicom-seg'], 'kind and format');
    assertGeometry(onReference, 'seg on reference');
    assert.deepEqual(onReference.labels, MASK_COUNTS, 'voxel counts per label');
    assert.deepEqual(onReference.segments?.map((s) => [s.label, s.name]), [[1, 'tumor core'], [2, 'edema'], [3, 'satellite']], 'segments');
    assert.equal(onReference.max, 3, 'max label');
    const alone = await inspectPath(join(dir, 'seg.dcm'));
    assert.deepEqual(alone.size, [32, 24, 5], 'slices 2..6 only');
    assert.deepEqual(alone.labels, { ...MASK_COUNTS, '0': 5 * 32 * 24 - 840 }, 'same labelled voxels (840), background of 5 slices');
  });

  test('RTSTRUCT needs --reference; unreadable inputs are typed errors naming the file', async () => {
    const rtstruct = join(__dirname, '..', 'fixtures', 'dicom-seg', 'pydicom-rtstruct.dcm');
    await assert.rejects(inspectPath(rtstruct), (e: unknown) => e instanceof MissingInputError && /needs --reference IMAGE/.test(e.message), 'no reference');
    const grid = { data: new Int16Array(42 * 32 * 3), size: [42, 32, 3], spacing: [10, 10, 10], origin: [-205, -155, -200], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] } as const;
    writeFileSync(join(dir, 'grid.nrrd'), encodeNrrd({ ...grid, size: [...grid.size], spacing: [...grid.spacing], origin: [...grid.origin], direction: [...grid.direction] }));
    const report = await inspectPath(rtstruct, { reference: join(dir, 'grid.nrrd') });
    assert.deepEqual([report.kind, report.format], ['mask', 'rtstruct'], 'kind and format');
    assert.deepEqual(report.rois, [{ label: 1, name: 'patient', voxels: 3600 }], 'the closed ROI rasterized');
    assert.deepEqual(report.labels, { '0': 42 * 32 * 3 - 3600, '1': 3600 }, 'label counts');
    await assert.rejects(inspectPath(join(dir, 'garbage.bin')), (e: unknown) => e instanceof CorruptImageError && /garbage\.bin: not a DICOM, NIfTI or NRRD file/.test(e.message), 'garbage');
    await assert.rejects(inspectPath(join(dir, 'absent.nrrd')), MissingInputError, 'absent');
  });
});

describe('readLabelMap (NIfTI/NRRD label maps)', () => {
  const floatMask = (value: number) => ({ ...mask, data: Float32Array.from(mask.data, (v) => (v === 3 ? value : v)) });

  test('whole-number float labels become Int32Array; integer maps keep their array', () => {
    const read = readLabelMap(encodeNifti(floatMask(3)), 'mem://mask.nii');
    assert.ok(read.data instanceof Int32Array, 'Int32Array');
    assert.deepEqual([...read.data], [...mask.data], 'same labels');
    assert.ok(readLabelMap(encodeNrrd(mask), 'mem://mask.nrrd').data instanceof Uint8Array, 'uint8 kept');
  });

  test('fractional or negative values are an InvalidMaskError naming the file and voxel', () => {
    for (const bad of [0.5, -1]) {
      assert.throws(
        () => readLabelMap(encodeNifti(floatMask(bad)), 'mem://bad.nii'),
        (e: unknown) => e instanceof InvalidMaskError && new RegExp(`mem://bad\\.nii: not a label map \\(voxel \\d+ holds ${bad}`).test(e.message),
        `value ${bad}`,
      );
    }
  });
});
