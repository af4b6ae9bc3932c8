/**
 * `rg inspect` as a user runs it: JSON on stdout for a DICOM series folder and a DICOM-SEG with
 * --reference; unreadable input exits non-zero with a one-line reason naming the file.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { writeDicomSeg } from '../../activities/imaging/dicom-write/seg';
import { dicomSeriesReference, writeDicomSeries } from '../../activities/imaging/dicom-write/series';
import { SEGMENTS, SERIES_OPTIONS, syntheticImage, syntheticMask } from '../fixtures/dicom-seg/synthetic-case';
import { spawnRg } from '../support/processes';
import { tempDir } from '../support/temporal';

test('rg inspect prints JSON for a DICOM series and a DICOM-SEG; bad input exits 1 with one line', async () => {
  const dir = tempDir('inspect-cli');
  const image = syntheticImage();
  mkdirSync(join(dir, 'ct'));
  for (const file of writeDicomSeries(image, SERIES_OPTIONS)) writeFileSync(join(dir, 'ct', file.name), file.bytes);
  writeFileSync(join(dir, 'seg.dcm'), writeDicomSeg(syntheticMask(), dicomSeriesReference(image, SERIES_OPTIONS), SEGMENTS));
  writeFileSync(join(dir, 'broken.dcm'), Buffer.concat([Buffer.alloc(128), Buffer.from('DICM'), Buffer.from([2, 0, 0x10, 0, 0x55, 0x49, 200, 0])]));

  const series = spawnRg(['inspect', join(dir, 'ct')]);
  assert.equal(await series.exited, 0, series.output());
  const imageReport = JSON.parse(series.output());
  assert.deepEqual([imageReport.kind, imageReport.format, imageReport.size], ['image', 'dicom', [32, 24, 10]], 'series report');
  for (const key of ['spacing', 'origin', 'direction', 'min', 'max', 'mean']) assert.ok(key in imageReport, `series report has ${key}`);

  const seg = spawnRg(['inspect', join(dir, 'seg.dcm'), '--reference', join(dir, 'ct')]);
  assert.equal(await seg.exited, 0, seg.output());
  const maskReport = JSON.parse(seg.output());
  assert.deepEqual([maskReport.kind, maskReport.format], ['mask', 'dicom-seg'], 'SEG report');
  assert.deepEqual(maskReport.labels, { '0': 6840, '1': 185, '2': 615, '3': 40 }, 'voxel counts per label');

  for (const [path, reason] of [
    [join(dir, 'broken.dcm'), /broken\.dcm: DICOM parsing failed/],
    [join(dir, 'absent'), /absent: no such file or folder/],
    [join(__dirname, '..', 'fixtures', 'dicom-seg', 'README.md'), /README\.md: not a DICOM, NIfTI or NRRD file/],
  ] as const) {
    const bad = spawnRg(['inspect', path]);
    assert.equal(await bad.exited, 1, `${path}: exit code 1 (${bad.output()})`);
    const lines = bad.output().trim().split('\n');
    assert.equal(lines.length, 1, `one line: ${bad.output()}`);
    assert.match(lines[0], /^rg: /, 'prefixed by rg:');
    assert.match(lines[0], reason, 'names the file and the problem');
  }
});
