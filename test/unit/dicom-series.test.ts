/**
 * Series assembly on synthetic DICOM files built in the test (test/support/dicom-bytes.ts):
 * order, geometry, rescale and pixel types, and every series check with its typed error.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CorruptImageError, InvalidSeriesError } from '../../activities/errors';
import { isDicom, readDicomSeries, readDicomSeriesSync, type DicomInputFile } from '../../activities/imaging/dicom';
import { makeTestSlice, type TestSlice } from '../support/dicom-bytes';

/** Unit row/column cosines of an oblique plane (rotated about z then tilted about x). */
const ROW: [number, number, number] = [Math.cos(0.3), Math.sin(0.3), 0];
const COL: [number, number, number] = [-Math.sin(0.3) * Math.cos(0.2), Math.cos(0.3) * Math.cos(0.2), Math.sin(0.2)];
const NORMAL: [number, number, number] = [
  ROW[1] * COL[2] - ROW[2] * COL[1],
  ROW[2] * COL[0] - ROW[0] * COL[2],
  ROW[0] * COL[1] - ROW[1] * COL[0],
];
const ORIGIN: [number, number, number] = [-10, 20, 30];
const STEP = 2.5;

/** Position of slice k of the oblique stack. */
function at(k: number, step = STEP): [number, number, number] {
  return [0, 1, 2].map((axis) => ORIGIN[axis] + NORMAL[axis] * step * k) as [number, number, number];
}

/** Slice k of an oblique stack as a file whose voxels all hold `k * 10`. */
function slice(k: number, extra: TestSlice = {}): DicomInputFile {
  return {
    uri: `mem://series/slice-${k}.dcm`,
    bytes: makeTestSlice({ position: at(k), orientation: [...ROW, ...COL], sliceThickness: 7, fill: k * 10, instanceNumber: 100 - k, ...extra }),
  };
}

/** Shuffle deterministically (a fixed permutation). */
function shuffled<T>(items: T[]): T[] {
  return items.map((item, i) => ({ item, key: (i * 7 + 3) % items.length })).sort((a, b) => a.key - b.key).map((x) => x.item);
}

/** Assert that a promise rejects with `type` and a message matching every pattern. */
async function rejectsWith(promise: Promise<unknown>, type: new (...args: never[]) => Error, patterns: RegExp[]): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof type, `expected ${type.name}, got ${String(error)}`);
    for (const pattern of patterns) assert.match((error as Error).message, pattern, `message mentions ${pattern}`);
    return true;
  });
}

describe('series assembly', () => {
  test('shuffled oblique slices are sorted along the normal; spacing from positions, not SliceThickness', async () => {
    const files = shuffled([0, 1, 2, 3, 4, 5].map((k) => slice(k)));
    const volume = await readDicomSeries(files);
    assert.deepEqual(volume.size, [3, 4, 6], 'size');
    assert.ok(Math.abs(volume.spacing[2] - STEP) < 1e-9, `z spacing ${volume.spacing[2]}`);
    assert.deepEqual(volume.spacing.slice(0, 2), [0.75, 0.5], 'x = PixelSpacing[1], y = PixelSpacing[0]');
    volume.origin.forEach((v, i) => assert.ok(Math.abs(v - ORIGIN[i]) < 1e-9, `origin[${i}]`));
    const columns = [ROW, COL, NORMAL];
    for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) {
      assert.ok(Math.abs(volume.direction[r * 3 + c] - columns[c][r]) < 1e-9, `direction[${r},${c}]`);
    }
    const perSlice = Array.from({ length: 6 }, (_, k) => volume.data[k * 12]);
    assert.deepEqual(perSlice, [0, 10, 20, 30, 40, 50], 'slices in position order');
    assert.deepEqual(volume.meta.slices.map((s) => s.uri), [0, 1, 2, 3, 4, 5].map((k) => `mem://series/slice-${k}.dcm`), 'slice files in order');
    assert.equal(volume.data.constructor.name, 'Int16Array', 'no rescale keeps the stored type');
  });

  test('slices listed in reverse come out in the same order (sorting does not follow the file list)', () => {
    const forward = readDicomSeriesSync([0, 1, 2].map((k) => slice(k)));
    const backward = readDicomSeriesSync([2, 1, 0].map((k) => slice(k)));
    assert.deepEqual(Array.from(backward.data), Array.from(forward.data), 'same voxels');
    assert.deepEqual(backward.origin, forward.origin, 'same origin');
  });

  test('a missing slice is an InvalidSeriesError naming the file before the gap and the missing position', async () => {
    const files = [0, 1, 2, 4, 5].map((k) => slice(k));
    const missing = at(3).map((v) => String(Math.round(v * 1e4) / 1e4)).join('\\\\');
    await rejectsWith(readDicomSeries(files), InvalidSeriesError, [/missing slice/, /slice-2\.dcm/, new RegExp(missing.replace(/\./g, '\\.'))]);
  });

  test('non-uniform spacing beyond 1% is refused; within tolerance it is accepted', async () => {
    const wobbly = [0, 1, 2, 3].map((k) => slice(k, { position: at(k === 2 ? 2.1 : k) }));
    await rejectsWith(readDicomSeries(wobbly), InvalidSeriesError, [/non-uniform slice spacing/, /slice-1\.dcm/]);
    const slight = [0, 1, 2, 3].map((k) => slice(k, { position: at(k === 2 ? 2.002 : k) }));
    const volume = await readDicomSeries(slight);
    assert.equal(volume.size[2], 4, 'accepted');
    await rejectsWith(readDicomSeries(slight, { spacingTolerance: 0.0001 }), InvalidSeriesError, [/non-uniform/]);
  });

  test('duplicate positions are refused', async () => {
    const files = [slice(0), slice(1), { ...slice(1), uri: 'mem://series/copy.dcm' }];
    await rejectsWith(readDicomSeries(files), InvalidSeriesError, [/duplicate slice position/, /copy\.dcm/]);
  });

  test('mixed orientation is refused, naming the file', async () => {
    const files = [slice(0), slice(1), slice(2, { orientation: [1, 0, 0, 0, 1, 0] })];
    await rejectsWith(readDicomSeries(files), InvalidSeriesError, [/mixed orientation/, /slice-2\.dcm/]);
  });

  test('mixed sizes are refused, naming both sizes', async () => {
    const files = [slice(0), slice(1, { rows: 5 })];
    await rejectsWith(readDicomSeries(files), InvalidSeriesError, [/mixed sizes/, /3x4/, /3x5/, /slice-1\.dcm/]);
  });

  test('mixed pixel spacing is refused', async () => {
    const files = [slice(0), slice(1, { pixelSpacing: [0.5, 0.8] })];
    await rejectsWith(readDicomSeries(files), InvalidSeriesError, [/mixed pixel spacing/, /slice-1\.dcm/]);
  });

  test('several series: an error listing the SeriesInstanceUIDs, unless one is chosen', async () => {
    const files = [slice(0), slice(1), slice(2, { seriesInstanceUid: '1.2.3.999' }), slice(3, { seriesInstanceUid: '1.2.3.999' })];
    await rejectsWith(readDicomSeries(files), InvalidSeriesError, [/2 series/, /1\.2\.3\.100 \(2 files\)/, /1\.2\.3\.999 \(2 files\)/]);
    const chosen = await readDicomSeries(files, { seriesInstanceUid: '1.2.3.999' });
    assert.deepEqual(Array.from(new Set(chosen.data)), [20, 30], 'only the chosen series');
    assert.equal(chosen.meta.seriesInstanceUid, '1.2.3.999', 'meta names the series');
    await rejectsWith(readDicomSeries(files, { seriesInstanceUid: '9.9' }), InvalidSeriesError, [/series 9\.9 not found/, /1\.2\.3\.100/]);
  });
});

describe('values: rescale, signedness and pixel types', () => {
  test('integer rescale gives the narrowest integer type holding every possible value', async () => {
    const ct = await readDicomSeries([0, 1].map((k) => slice(k, { bitsStored: 12, rescaleSlope: 1, rescaleIntercept: -1024, pixels: [-2048, 2047, 0, 5, 6, 7, 8, 9, 10, 11, 12, 13] })));
    assert.equal(ct.data.constructor.name, 'Int16Array', '12-bit signed - 1024 fits Int16');
    assert.deepEqual(Array.from(ct.data.slice(0, 3)), [-3072, 1023, -1024], 'rescaled');
    const wide = await readDicomSeries([slice(0, { rescaleSlope: 2, rescaleIntercept: -1024, fill: 30000 })]);
    assert.equal(wide.data.constructor.name, 'Int32Array', '16-bit signed × 2 needs Int32');
    assert.equal(wide.data[0], 58976, 'value');
  });

  test('non-integer rescale gives Float32 values', async () => {
    const volume = await readDicomSeries([slice(0, { rescaleSlope: 0.5, rescaleIntercept: 0.25, fill: 3 })]);
    assert.equal(volume.data.constructor.name, 'Float32Array', 'float output');
    assert.equal(volume.data[0], 1.75, 'value');
    assert.deepEqual(volume.meta.rescale, [{ slope: 0.5, intercept: 0.25 }], 'rescale reported');
  });

  test('signed values are sign-extended from BitsStored; unsigned high bits are cleared', async () => {
    const signed = await readDicomSeries([slice(0, { bitsStored: 12, pixels: new Array(12).fill(0x0fff) })]);
    assert.equal(signed.data[0], -1, '0x0fff in 12 signed bits is -1');
    const unsigned = await readDicomSeries([slice(0, { bitsStored: 12, pixelRepresentation: 0, pixels: new Array(12).fill(0xf123) })]);
    assert.equal(unsigned.data.constructor.name, 'Uint16Array', 'unsigned type');
    assert.equal(unsigned.data[0], 0x0123, 'bits above BitsStored cleared');
  });

  test('MONOCHROME1 is noted, not inverted', async () => {
    const volume = await readDicomSeries([slice(0, { photometricInterpretation: 'MONOCHROME1', fill: 7 })]);
    assert.equal(volume.meta.monochrome1, true, 'noted');
    assert.equal(volume.data[0], 7, 'values as stored');
  });

  test('a single 2D file is a volume with one slice; without SpacingBetweenSlices its z spacing is 1', async () => {
    const volume = await readDicomSeries([slice(0)]);
    assert.deepEqual(volume.size, [3, 4, 1], 'size');
    assert.equal(volume.spacing[2], 1, 'z spacing');
  });
});

describe('bad input is a typed error naming the file', () => {
  test('bytes that are not DICOM', async () => {
    const file = { uri: 'mem://bad/notes.txt', bytes: new Uint8Array(Buffer.from('hello, this is not an image at all'.repeat(10))) };
    assert.equal(isDicom(file.bytes), false, 'isDicom says no');
    await rejectsWith(readDicomSeries([file]), CorruptImageError, [/mem:\/\/bad\/notes\.txt/, /not a DICOM file/]);
  });

  test('a truncated file', async () => {
    const bytes = slice(0).bytes;
    const file = { uri: 'mem://bad/truncated.dcm', bytes: bytes.subarray(0, 300) };
    await rejectsWith(readDicomSeries([file]), CorruptImageError, [/mem:\/\/bad\/truncated\.dcm/]);
  });

  test('Pixel Data shorter than the image', async () => {
    const file = { uri: 'mem://bad/short.dcm', bytes: makeTestSlice({ pixelBytes: new Uint8Array(10) }) };
    await rejectsWith(readDicomSeries([file]), CorruptImageError, [/mem:\/\/bad\/short\.dcm/, /Pixel Data holds 10 bytes, expected 24/]);
  });

  test('no files at all', async () => {
    await rejectsWith(readDicomSeries([]), InvalidSeriesError, [/no DICOM files/]);
  });

  test('a headerless implicit-VR file is recognised and read', async () => {
    const bytes = makeTestSlice({ implicitWithoutMeta: true, fill: 9, position: [1, 2, 3] });
    assert.ok(isDicom(bytes), 'isDicom says yes');
    const volume = await readDicomSeries([{ uri: 'mem://raw.dcm', bytes }]);
    assert.equal(volume.data[0], 9, 'value');
    assert.deepEqual(volume.origin, [1, 2, 3], 'origin');
  });
});
