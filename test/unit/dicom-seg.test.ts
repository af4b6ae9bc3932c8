/**
 * DICOM-SEG: our writer and reader round trip; the SEG bytes highdicom/pydicom/dcmtk/dciodvfy
 * accepted (test/fixtures/dicom-seg/validation.txt) are still what the writer writes; SEGs written
 * by highdicom are read into the same labels; overlaps and off-grid frames fail with typed errors.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { CorruptImageError, GeometryMismatchError, InvalidMaskError } from '../../activities/errors';
import { CODES, writeDicomSeg } from '../../activities/imaging/dicom-write/seg';
import { dicomSeriesReference, writeDicomSeries } from '../../activities/imaging/dicom-write/series';
import { readDicomSeg } from '../../activities/imaging/masks/seg-read';
import type { Volume } from '../../activities/imaging/volume';
import { SEGMENTS, SERIES_OPTIONS, syntheticImage, syntheticMask } from '../fixtures/dicom-seg/synthetic-case';

const FIXTURES = join(__dirname, '..', 'fixtures', 'dicom-seg');

function assertSameGeometry(actual: Volume, expected: Volume, what: string): void {
  assert.deepEqual(actual.size, expected.size, `${what}: size`);
  for (const key of ['spacing', 'origin', 'direction'] as const) {
    actual[key].forEach((v, i) => assert.ok(Math.abs(v - expected[key][i]) <= 1e-6, `${what}: ${key}[${i}] ${v} vs ${expected[key][i]}`));
  }
}

function assertSameLabels(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: voxel count`);
  for (let p = 0; p < expected.length; p++) {
    if (actual[p] !== expected[p]) assert.fail(`${what}: voxel ${p} is ${actual[p]}, expected ${expected[p]}`);
  }
}

const image = syntheticImage();
const mask = syntheticMask();
const reference = dicomSeriesReference(image, SERIES_OPTIONS);

describe('writeDicomSeg → readDicomSeg', () => {
  for (const fractional of [false, true]) {
    test(`${fractional ? 'FRACTIONAL' : 'BINARY'}: three labels come back identical on the reference grid`, () => {
      const bytes = writeDicomSeg(mask, reference, SEGMENTS, { fractional });
      const read = readDicomSeg(bytes, 'mem://seg.dcm', { reference: image });
      assert.equal(read.segmentationType, fractional ? 'FRACTIONAL' : 'BINARY', 'segmentation type');
      assert.deepEqual(read.segments.map((s) => [s.number, s.name, s.type]), [[1, 'tumor core', 'Neoplasm'], [2, 'edema', 'Edema'], [3, 'satellite', 'Neoplasm']], 'segments');
      assert.equal(read.referencedSeriesInstanceUid, reference.seriesInstanceUid, 'referenced series');
      assert.equal(read.frameOfReferenceUid, reference.frameOfReferenceUid, 'frame of reference');
      assertSameGeometry(read.mask, mask, 'SEG');
      assertSameLabels(read.mask.data, mask.data, 'SEG');
    });
  }

  test('without a reference the grid spans the frames (slices 2..6 of the image)', () => {
    const read = readDicomSeg(writeDicomSeg(mask, reference, SEGMENTS), 'mem://seg.dcm');
    const [nx, ny] = mask.size;
    const origin = [0, 1, 2].map((a) => mask.origin[a] + 2 * mask.spacing[2] * mask.direction[a * 3 + 2]);
    assertSameGeometry(read.mask, { ...mask, size: [nx, ny, 5], origin: origin as Volume['origin'] }, 'spanning grid');
    assertSameLabels(read.mask.data, mask.data.subarray(2 * nx * ny, 7 * nx * ny), 'spanning grid');
  });

  test('the bytes the third-party tools accepted (validation.txt) are what the writer writes today', () => {
    const recorded = readFileSync(join(FIXTURES, 'validation.txt'), 'utf8');
    assert.match(recorded, /ALL CHECKS PASSED: True/, 'the recorded third-party run passed');
    for (const [name, fractional] of [['ours-binary.dcm', false], ['ours-fractional.dcm', true]] as const) {
      const digest = createHash('sha256').update(writeDicomSeg(mask, reference, SEGMENTS, { fractional })).digest('hex');
      assert.ok(recorded.includes(`${name} sha256 ${digest}`), `${name}: sha256 ${digest} is the validated one (rerun validate-seg.py after changing the writer)`);
    }
  });

  test('deterministic: same inputs, same bytes', () => {
    const a = writeDicomSeg(mask, reference, SEGMENTS);
    const b = writeDicomSeg(mask, reference, SEGMENTS);
    assert.ok(Buffer.from(a).equals(b), 'identical bytes');
  });
});

describe('reading SEGs written by highdicom', () => {
  test('highdicom BINARY SEG (3 segments) → the same label map', () => {
    const read = readDicomSeg(readFileSync(join(FIXTURES, 'highdicom-binary.dcm')), 'highdicom-binary.dcm', { reference: image });
    assert.deepEqual(read.segments.map((s) => s.name), ['tumor core', 'edema', 'satellite'], 'segment labels');
    assertSameGeometry(read.mask, mask, 'highdicom SEG');
    assertSameLabels(read.mask.data, mask.data, 'highdicom SEG');
  });

  test('highdicom FRACTIONAL SEG: threshold 0.5 keeps the 0.8 region, 0.25 also the 0.3 region', () => {
    const bytes = readFileSync(join(FIXTURES, 'highdicom-fractional.dcm'));
    const half = readDicomSeg(bytes, 'highdicom-fractional.dcm', { reference: image });
    assertSameLabels(half.mask.data, mask.data.map((v) => (v === 2 ? 1 : 0)), 'threshold 0.5');
    const quarter = readDicomSeg(bytes, 'highdicom-fractional.dcm', { reference: image, threshold: 0.25 });
    assertSameLabels(quarter.mask.data, mask.data.map((v) => (v === 1 || v === 2 ? 1 : 0)), 'threshold 0.25');
  });
});

describe('DICOM-SEG failures', () => {
  const overlapping = () => {
    const a = new Float32Array(mask.data.length).map((_, p) => (mask.data[p] === 1 ? 1 : 0));
    const b = new Float32Array(mask.data.length).map((_, p) => (mask.data[p] !== 0 ? 1 : 0));
    return writeDicomSeg(mask, reference, [
      { ...SEGMENTS[0], fractions: { ...mask, data: a } },
      { ...SEGMENTS[1], fractions: { ...mask, data: b } },
    ], { fractional: true });
  };

  test('overlapping segments: InvalidMaskError by default, the higher segment on request', () => {
    assert.throws(
      () => readDicomSeg(overlapping(), 'mem://overlap.dcm', { reference: image }),
      (error: unknown) => error instanceof InvalidMaskError && /overlapping segments.*segments 1 and 2 \(185 voxels\)/.test(error.message),
      'InvalidMaskError naming the segments and the overlap',
    );
    const read = readDicomSeg(overlapping(), 'mem://overlap.dcm', { reference: image, overlap: 'higher-segment' });
    assertSameLabels(read.mask.data, mask.data.map((v) => (v !== 0 ? 2 : 0)), 'segment 2 covers every label, and wins where segment 1 overlaps it');
  });

  test('a reference grid the frames do not fall on: GeometryMismatchError', () => {
    const shifted = { ...image, origin: [image.origin[0] + 0.3, image.origin[1], image.origin[2]] as Volume['origin'] };
    assert.throws(() => readDicomSeg(writeDicomSeg(mask, reference, SEGMENTS), 'mem://seg.dcm', { reference: shifted }), GeometryMismatchError, 'off-grid');
  });

  test('a CT slice is not a SEG: CorruptImageError naming the file', () => {
    const ct = writeDicomSeries(image, SERIES_OPTIONS)[0].bytes;
    assert.throws(
      () => readDicomSeg(ct, 'mem://ct.dcm'),
      (error: unknown) => error instanceof CorruptImageError && /mem:\/\/ct\.dcm: not a DICOM Segmentation/.test(error.message),
      'CorruptImageError',
    );
  });

  test('segments the writer cannot describe are refused', () => {
    assert.throws(() => writeDicomSeg(mask, reference, [{ label: 1, name: 'x', category: CODES.tissue, type: CODES.neoplasm, algorithmType: 'AUTOMATIC' }]), /needs algorithmName/, 'algorithm name');
    assert.throws(() => writeDicomSeg(mask, { ...reference, sopInstanceUids: reference.sopInstanceUids.slice(1) }, SEGMENTS), /9 SOP instances for a mask of 10 slices/, 'reference size');
  });
});
