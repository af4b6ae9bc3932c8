/**
 * The DICOM writer: element encoding (padding, group length, sequences) and the series writer,
 * whose output read back by readDicomSeries gives the same voxels and geometry.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvalidSettingsError } from '../../activities/errors';
import { getSequenceItems, getString, getNumber, parseDicomBytes } from '../../activities/imaging/dicom/dataset';
import { readDicomSeries } from '../../activities/imaging/dicom/series';
import { dicomSeriesReference, writeDicomSeries, type DicomSeriesOptions } from '../../activities/imaging/dicom-write/series';
import { element, encodeElement, formatNumberString, sequence, writePart10 } from '../../activities/imaging/dicom-write/writer';
import type { Mat3, Volume, VoxelArray } from '../../activities/imaging/volume';

/** An oblique direction: 20° about z then 10° about x (right-handed, orthonormal). */
function obliqueDirection(): Mat3 {
  const [a, b] = [(20 * Math.PI) / 180, (10 * Math.PI) / 180];
  const rz = [Math.cos(a), -Math.sin(a), 0, Math.sin(a), Math.cos(a), 0, 0, 0, 1];
  const rx = [1, 0, 0, 0, Math.cos(b), -Math.sin(b), 0, Math.sin(b), Math.cos(b)];
  const m = new Array(9).fill(0);
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) for (let k = 0; k < 3; k++) m[r * 3 + c] += rz[r * 3 + k] * rx[k * 3 + c];
  return m as Mat3;
}

function syntheticVolume<T extends VoxelArray>(data: T, fill: (i: number) => number): Volume<T> {
  for (let i = 0; i < data.length; i++) data[i] = fill(i);
  return { data, size: [32, 24, 10], spacing: [0.7, 0.85, 2.5], origin: [-120.25, 33.5, -410.75], direction: obliqueDirection() };
}

const N = 32 * 24 * 10;

/** Write the volume as a series and read it back with the project's DICOM reader. */
async function roundTrip(volume: Volume, options: DicomSeriesOptions) {
  const files = writeDicomSeries(volume, options);
  assert.equal(files.length, volume.size[2], 'one file per slice');
  // Shuffle the files: the reader must sort them by position, not by name.
  const shuffled = files.map((f, i) => ({ uri: `mem://${f.name}`, bytes: f.bytes, order: (i * 7) % files.length })).sort((x, y) => x.order - y.order);
  return { files, read: await readDicomSeries(shuffled) };
}

function assertSameGeometry(actual: Volume, expected: Volume): void {
  assert.deepEqual(actual.size, expected.size, 'size');
  for (const key of ['spacing', 'origin', 'direction'] as const) {
    actual[key].forEach((v, i) => assert.ok(Math.abs(v - expected[key][i]) <= 1e-6, `${key}[${i}]: ${v} vs ${expected[key][i]}`));
  }
}

function assertSameVoxels(actual: Volume, expected: Volume): void {
  assert.equal(actual.data.length, expected.data.length, 'voxel count');
  for (let i = 0; i < expected.data.length; i++) {
    if (actual.data[i] !== expected.data[i]) assert.fail(`voxel ${i}: ${actual.data[i]} vs ${expected.data[i]}`);
  }
}

describe('DICOM element encoding', () => {
  test('UI values are padded with NUL, text with a space, and lengths are even', () => {
    const ui = encodeElement(element(0x00080016, 'UI', '1.2.3'));
    assert.deepEqual([...ui.subarray(0, 8)], [0x08, 0x00, 0x16, 0x00, 0x55, 0x49, 6, 0], 'tag, VR "UI", length 6');
    assert.equal(ui[13], 0, 'UI padded with NUL');
    const lo = encodeElement(element(0x00100020, 'LO', 'abc'));
    assert.equal(lo[6], 4, 'LO length 4');
    assert.equal(lo[11], 0x20, 'LO padded with a space');
    const ob = encodeElement(element(0x7fe00010, 'OB', new Uint8Array([1, 2, 3])));
    assert.equal(ob.length, 12 + 4, 'OB: 12-byte header (reserved bytes, 32-bit length), value padded to 4');
  });

  test('DS values fit 16 characters and keep 1e-13 precision', () => {
    for (const n of [0.1, -1234.5, Math.PI, -0.9396926207859084, 1e-7, 123456789.123456]) {
      const text = formatNumberString(n);
      assert.ok(text.length <= 16, `${text} fits 16 characters`);
      assert.ok(Math.abs(Number(text) - n) <= 1e-13 * Math.max(1, Math.abs(n)), `${text} ≈ ${n}`);
    }
    assert.equal(formatNumberString(-0), '0', 'negative zero written as 0');
  });

  test('a file with the meta group length and defined/undefined-length sequences parses back', () => {
    const code = (value: string) => [element(0x00080100, 'SH', value), element(0x00080102, 'SH', 'DCM')];
    const bytes = writePart10(
      [
        element(0x00080016, 'UI', '1.2.840.10008.5.1.4.1.1.7'),
        element(0x00080018, 'UI', '2.25.1'),
        sequence(0x00081032, [code('A'), code('BB')]),
        sequence(0x0040a170, [code('CCC')], true),
        element(0x00280010, 'US', 3),
      ],
      '1.2.840.10008.5.1.4.1.1.7',
      '2.25.1',
    );
    assert.equal(Buffer.from(bytes.subarray(128, 132)).toString('latin1'), 'DICM', 'DICM prefix');
    const ds = parseDicomBytes(bytes, 'mem://test.dcm');
    const groupLength = ds.raw.uint32('x00020000');
    const metaEnd = 132 + 12 + groupLength!;
    assert.equal(bytes[metaEnd], 0x08, 'the group length points at the first element after the meta group');
    assert.deepEqual(getSequenceItems(ds, 'x00081032').map((item) => getString(item, 'x00080100')), ['A', 'BB'], 'defined-length items');
    assert.deepEqual(getSequenceItems(ds, 'x0040a170').map((item) => getString(item, 'x00080100')), ['CCC'], 'undefined-length items');
    assert.equal(getNumber(ds, 'x00280010'), 3, 'element after the sequences');
  });
});

describe('writeDicomSeries → readDicomSeries', () => {
  test('int16 oblique volume with negative values: identical voxels and geometry (1e-6)', async () => {
    const volume = syntheticVolume(new Int16Array(N), (i) => ((i * 7919) % 4001) - 2000);
    const { files, read } = await roundTrip(volume, { patientId: 'RT-001', modality: 'CT' });
    assertSameGeometry(read, volume);
    assertSameVoxels(read, volume);
    const first = parseDicomBytes(files[0].bytes, 'mem://slice-0001.dcm');
    assert.equal(getNumber(first, 'x00280103'), 1, 'signed pixels');
    assert.equal(getString(first, 'x00281053'), '1', 'slope 1');
  });

  test('float32 CT-like values with one decimal: slope 0.1 reproduces every voxel exactly', async () => {
    const volume = syntheticVolume(new Float32Array(N), (i) => Math.fround((((i * 104729) % 30001) - 10240) / 10));
    const { files, read } = await roundTrip(volume, { patientId: 'RT-002', modality: 'CT' });
    assertSameGeometry(read, volume);
    assertSameVoxels(read, volume);
    const ds = parseDicomBytes(files[3].bytes, 'mem://slice-0004.dcm');
    assert.equal(getString(ds, 'x00281053'), '0.1', 'RescaleSlope');
  });

  test('unsigned values above 32767 are stored unsigned; int32 values beyond 16 bits use an intercept', async () => {
    const unsigned = syntheticVolume(new Uint16Array(N), (i) => (i * 31) % 65536);
    const a = await roundTrip(unsigned, { patientId: 'RT-003', modality: 'MR' });
    assertSameVoxels(a.read, unsigned);
    assert.equal(getNumber(parseDicomBytes(a.files[0].bytes, 'mem://a'), 'x00280103'), 0, 'PixelRepresentation 0');
    const wide = syntheticVolume(new Int32Array(N), (i) => 100000 + ((i * 13) % 60000));
    const b = await roundTrip(wide, { patientId: 'RT-004', modality: 'MR' });
    assertSameVoxels(b.read, wide);
    assert.equal(getString(parseDicomBytes(b.files[0].bytes, 'mem://b'), 'x00281052'), '100000', 'RescaleIntercept at the minimum');
  });

  test('values no 16-bit encoding represents exactly are refused with a clear error', () => {
    const noisy = syntheticVolume(new Float64Array(N), (i) => Math.sqrt(i + 2));
    assert.throws(
      () => writeDicomSeries(noisy, { patientId: 'X', modality: 'CT' }),
      (error: unknown) => error instanceof InvalidSettingsError && /cannot be stored exactly.*voxel 0/.test(error.message),
      'InvalidSettingsError naming the first voxel',
    );
    const ints = syntheticVolume(new Int16Array(N), (i) => i % 100);
    assert.throws(
      () => writeDicomSeries(ints, { patientId: 'X', modality: 'CT', rescale: { slope: 2, intercept: 0 } }),
      (error: unknown) => error instanceof InvalidSettingsError && /rescale: voxel 1 \(1\) would read back as 2/.test(error.message),
      'a given rescale that loses values is refused',
    );
  });

  test('a left-handed direction (third column = −normal) is refused', () => {
    const volume = syntheticVolume(new Int16Array(N), () => 0);
    volume.direction = [1, 0, 0, 0, 1, 0, 0, 0, -1];
    assert.throws(() => writeDicomSeries(volume, { patientId: 'X', modality: 'CT' }), /cross product of the first two/, 'refused');
  });

  test('deterministic: the same volume and options give identical bytes; UIDs are 2.25 and ≤ 64 characters', () => {
    const volume = syntheticVolume(new Int16Array(N), (i) => i % 1000);
    const first = writeDicomSeries(volume, { patientId: 'D-1', modality: 'CT' });
    const second = writeDicomSeries(volume, { patientId: 'D-1', modality: 'CT' });
    first.forEach((f, i) => assert.ok(Buffer.from(f.bytes).equals(second[i].bytes), `file ${f.name} identical`));
    const reference = dicomSeriesReference(volume, { patientId: 'D-1', modality: 'CT' });
    for (const uid of [reference.studyInstanceUid, reference.seriesInstanceUid, reference.frameOfReferenceUid, ...reference.sopInstanceUids]) {
      assert.match(uid, /^2\.25\.[1-9][0-9]*$/, 'UID form');
      assert.ok(uid.length <= 64, `${uid} ≤ 64 characters`);
    }
    assert.equal(new Set(reference.sopInstanceUids).size, volume.size[2], 'distinct SOP instance UIDs');
    const other = dicomSeriesReference(volume, { patientId: 'D-1', modality: 'CT', seed: 'another' });
    assert.notEqual(other.seriesInstanceUid, reference.seriesInstanceUid, 'another seed, another series');
    const ds = parseDicomBytes(first[4].bytes, 'mem://slice-0005.dcm');
    assert.equal(getString(ds, 'x00080018'), reference.sopInstanceUids[4], 'SOPInstanceUID of slice 5');
    assert.equal(getString(ds, 'x00020003'), reference.sopInstanceUids[4], 'MediaStorageSOPInstanceUID matches');
  });
});
