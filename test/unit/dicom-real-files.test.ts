/**
 * Real DICOM files nobody here wrote (pydicom's and pydicom-data's test files, MIT; see
 * test/fixtures/dicom/files/LICENSE-*) read with the values and geometry pydicom + numpy report
 * (test/fixtures/dicom/expected.json, made by make-expected.py), and lossless encodings of one image
 * decode to identical voxels.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { decodeDicomFile, isDicom, readDicomSeries, readDicomSeriesSync, needsWasmCodecs } from '../../activities/imaging/dicom';
import { CorruptImageError } from '../../activities/errors';
import type { VoxelArray } from '../../activities/imaging/volume';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'dicom');

interface Expected {
  transferSyntaxUid: string;
  size: [number, number, number];
  arrayType: string;
  origin: number[];
  spacing: number[];
  direction: number[];
  min: number;
  max: number;
  sum: number;
  sha256: string;
  samples: [number, number][];
  photometricInterpretation: string;
}
const expected = JSON.parse(readFileSync(path.join(FIXTURES, 'expected.json'), 'utf8')) as {
  bad: string[];
  losslessGroups: string[][];
  files: Record<string, Expected>;
};

function fixture(name: string): { uri: string; bytes: Uint8Array } {
  return { uri: `fixtures/dicom/${name}`, bytes: new Uint8Array(readFileSync(path.join(FIXTURES, 'files', name))) };
}

/** sha256 of the values as float64 little endian, as make-expected.py hashes them. */
function valuesHash(data: VoxelArray): string {
  return createHash('sha256').update(new Uint8Array(Float64Array.from(data).buffer)).digest('hex');
}

function assertClose(actual: readonly number[], wanted: readonly number[], tolerance: number, what: string): void {
  assert.equal(actual.length, wanted.length, `${what}: length`);
  actual.forEach((value, i) => assert.ok(Math.abs(value - wanted[i]) <= tolerance, `${what}[${i}]: ${value} vs ${wanted[i]}`));
}

describe('real DICOM files read as pydicom reads them', () => {
  for (const [name, want] of Object.entries(expected.files)) {
    test(`${name} (${want.transferSyntaxUid})`, async () => {
      const file = fixture(name);
      assert.ok(isDicom(file.bytes), `${name} is recognised as DICOM`);
      const volume = await readDicomSeries([file]);
      assert.deepEqual(volume.size, want.size, 'size');
      assert.equal(volume.data.constructor.name, want.arrayType, 'array type');
      assert.equal(volume.data.length, want.size[0] * want.size[1] * want.size[2], 'voxel count');
      assertClose(volume.origin, want.origin, 1e-6, 'origin');
      assertClose(volume.spacing, want.spacing, 1e-6, 'spacing');
      assertClose(volume.direction, want.direction, 1e-6, 'direction');
      let min = Infinity;
      let max = -Infinity;
      let sum = 0;
      for (const value of volume.data) {
        if (value < min) min = value;
        if (value > max) max = value;
        sum += value;
      }
      assert.equal(min, want.min, 'min');
      assert.equal(max, want.max, 'max');
      assert.ok(Math.abs(sum - want.sum) <= 1e-9 * Math.max(1, Math.abs(want.sum)), `sum ${sum} vs ${want.sum}`);
      for (const [index, value] of want.samples) assert.equal(volume.data[index], value, `voxel ${index}`);
      assert.equal(valuesHash(volume.data), want.sha256, 'sha256 of all values');
      assert.equal(volume.meta.photometricInterpretation, want.photometricInterpretation, 'photometric interpretation');
      assert.deepEqual(volume.meta.transferSyntaxUids, [want.transferSyntaxUid], 'transfer syntax');
    });
  }
});

describe('lossless encodings of one image decode to identical voxels', () => {
  for (const group of expected.losslessGroups) {
    test(group.join(' = '), async () => {
      const [reference, ...others] = await Promise.all(group.map((name) => readDicomSeries([fixture(name)])));
      for (const [i, other] of others.entries()) {
        assert.deepEqual(other.size, reference.size, `${group[i + 1]} size`);
        assert.deepEqual(Array.from(other.data), Array.from(reference.data), `${group[i + 1]} voxels equal ${group[0]}`);
        assert.deepEqual(other.origin, reference.origin, `${group[i + 1]} origin`);
      }
    });
  }
});

describe('decoding paths', () => {
  test('native, deflated, RLE and JPEG lossless files read synchronously without the wasm codecs', () => {
    const names = Object.keys(expected.files).filter((name) => !needsWasmCodecs(expected.files[name].transferSyntaxUid));
    assert.ok(names.length >= 10, `${names.length} files need no wasm`);
    for (const name of names) {
      const volume = readDicomSeriesSync([fixture(name)]);
      assert.equal(valuesHash(volume.data), expected.files[name].sha256, `${name} values`);
    }
  });

  test('decodeDicomFile gives stored values and per-frame geometry', async () => {
    const file = await decodeDicomFile(fixture('eCT_Supplemental.dcm').bytes, 'eCT_Supplemental.dcm');
    assert.equal(file.frames.length, 2, 'two frames');
    assert.deepEqual(file.frames.map((frame) => frame.position?.[2]), [-159, -149], 'per-frame positions from PlanePositionSequence');
    assert.equal(file.frames[0].rescaleIntercept, -1024, 'intercept from PixelValueTransformationSequence');
    assert.equal(file.values.constructor.name, 'Uint16Array', 'stored values are unsigned 16-bit');
  });

  test('a truncated file is a CorruptImageError naming the file', async () => {
    const file = fixture('MR_truncated.dcm');
    await assert.rejects(readDicomSeries([file]), (error: unknown) => {
      assert.ok(error instanceof CorruptImageError, `CorruptImageError, got ${String(error)}`);
      assert.match(error.message, /MR_truncated\.dcm/, 'names the file');
      assert.equal(error.uri, file.uri, 'uri');
      return true;
    });
  });
});
