/**
 * readDicomSeries with lazily read files ({ uri, read }): the same volume as from bytes, each file
 * read twice (header, then pixels), and a file that changes between its reads is refused.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CorruptImageError } from '../../activities/errors';
import { readDicomSeries, type DicomInputFile } from '../../activities/imaging/dicom';
import { makeTestSlice } from '../support/dicom-bytes';

/** Slice k of an axial stack, voxels holding k * 10 + 1. */
function slice(k: number, fill = k * 10 + 1): DicomInputFile {
  return { uri: `mem://lazy/slice-${k}.dcm`, bytes: makeTestSlice({ position: [0, 0, 2 * k], orientation: [1, 0, 0, 0, 1, 0], fill }) };
}

describe('lazily read files', () => {
  test('give the same volume as bytes, each file read twice', async () => {
    const files = [3, 0, 2, 1, 4].map((k) => slice(k));
    const reads = new Map<string, number>();
    const lazy = files.map((file) => ({
      uri: file.uri,
      read: async () => {
        reads.set(file.uri, (reads.get(file.uri) ?? 0) + 1);
        return file.bytes;
      },
    }));
    const eager = await readDicomSeries(files);
    const fromLazy = await readDicomSeries(lazy);
    assert.deepEqual(Array.from(fromLazy.data), Array.from(eager.data), 'voxels');
    assert.deepEqual(fromLazy.size, eager.size, 'size');
    assert.deepEqual(fromLazy.origin, eager.origin, 'origin');
    assert.deepEqual(fromLazy.meta.slices, eager.meta.slices, 'slice order');
    assert.deepEqual([...reads.values()], [2, 2, 2, 2, 2], 'each file read twice');
  });

  test('a file whose header changes between the two reads is a CorruptImageError', async () => {
    const first = makeTestSlice({ position: [0, 0, 0], orientation: [1, 0, 0, 0, 1, 0], fill: 1 });
    const second = makeTestSlice({ position: [0, 0, 0], orientation: [1, 0, 0, 0, 1, 0], fill: 1, bitsStored: 12 });
    let calls = 0;
    const file = { uri: 'mem://lazy/changing.dcm', read: async () => (calls++ === 0 ? first : second) };
    await assert.rejects(readDicomSeries([file]), (error: unknown) => {
      assert.ok(error instanceof CorruptImageError, String(error));
      assert.match((error as Error).message, /changing\.dcm.*changed between its two reads/);
      return true;
    });
  });
});
