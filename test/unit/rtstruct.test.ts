/**
 * RTSTRUCT rasterization: pydicom's rtstruct.dcm on a grid around its contours, a synthetic
 * structure set (a square with a square hole, on an oblique grid) counted exactly by the even-odd
 * rule, and the typed errors (absent ROI listing the names, off-slice contours, no closed contours).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { GeometryMismatchError, InvalidMaskError } from '../../activities/errors';
import { rectangle, rtStruct } from '../support/rtstruct-bytes';
import { readRtStruct } from '../../activities/imaging/masks/rtstruct-read';
import type { Grid } from '../../activities/imaging/masks/grid';
import type { Mat3 } from '../../activities/imaging/volume';

const PYDICOM_RTSTRUCT = join(__dirname, '..', 'fixtures', 'dicom-seg', 'pydicom-rtstruct.dcm');

function count(data: Uint8Array): number {
  return data.reduce((sum, v) => sum + v, 0);
}

/** An oblique grid: 30° about z, non-unit spacing. */
const OBLIQUE: Grid = {
  size: [20, 18, 6],
  spacing: [0.8, 1.1, 2.5],
  origin: [12.5, -40, 100],
  direction: [Math.cos(Math.PI / 6), -Math.sin(Math.PI / 6), 0, Math.sin(Math.PI / 6), Math.cos(Math.PI / 6), 0, 0, 0, 1] as Mat3,
};

describe('RTSTRUCT → mask', () => {
  test('pydicom rtstruct.dcm (implicit VR, no meta): ROI "patient" on a 10 mm grid around its contours', () => {
    // Voxel centers at −205, −195, ..., 205 (x) and −155, ..., 155 (y): inside ±200 × ±150 are
    // 40 × 30 centers on each of the 3 contour planes z = −200, −190, −180.
    const grid: Grid = { size: [42, 32, 3], spacing: [10, 10, 10], origin: [-205, -155, -200], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] };
    const read = readRtStruct(readFileSync(PYDICOM_RTSTRUCT), 'pydicom-rtstruct.dcm', grid, 'patient');
    assert.equal(read.roiNumber, 1, 'ROI number');
    assert.equal(read.contours, 3, 'three closed contours');
    assert.equal(count(read.mask.data), 3 * 40 * 30, 'voxels inside');
    const at = (i: number, j: number, k: number) => read.mask.data[i + 42 * (j + 32 * k)];
    assert.equal(at(1, 1, 0), 1, 'corner voxel (−195, −145) inside');
    assert.equal(at(0, 1, 0), 0, 'voxel at x = −205 outside');
    assert.equal(at(41, 31, 2), 0, 'voxel at (205, 155) outside');
  });

  test('pydicom rtstruct.dcm: an absent ROI lists the names present; a POINT-only ROI has no closed contours', () => {
    const grid: Grid = { size: [4, 4, 3], spacing: [100, 100, 10], origin: [-150, -150, -200], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] };
    const bytes = readFileSync(PYDICOM_RTSTRUCT);
    assert.throws(
      () => readRtStruct(bytes, 'pydicom-rtstruct.dcm', grid, 'GTV'),
      (error: unknown) => error instanceof InvalidMaskError && error.message === 'pydicom-rtstruct.dcm: ROI "GTV" is absent from the structure set (ROIs present: "patient", "Isocenter 1", "Isocenter 2")',
      'InvalidMaskError with the names present',
    );
    assert.throws(() => readRtStruct(bytes, 'pydicom-rtstruct.dcm', grid, 'isocenter 1'), /ROI "Isocenter 1" has no CLOSED_PLANAR contours/, 'POINT ROI');
  });

  test('a square with a square hole on an oblique grid: exact voxel count by the even-odd rule', () => {
    // Outer square: voxel centers i = 3..12, j = 4..13 (10 × 10); hole: i = 6..9, j = 7..10 (4 × 4).
    const outer = [2.5, 3.5, 12.5, 13.5];
    const hole = [5.5, 6.5, 9.5, 10.5];
    const bytes = rtStruct({
      Lung: [rectangle(OBLIQUE, [0.5, 0.5, 3.5, 3.5], 0)],
      GTV: [rectangle(OBLIQUE, outer, 2), rectangle(OBLIQUE, hole, 2), rectangle(OBLIQUE, outer, 3), rectangle(OBLIQUE, hole, 3)],
    });
    const read = readRtStruct(bytes, 'mem://rs.dcm', OBLIQUE, 'GTV');
    assert.equal(count(read.mask.data), 2 * (100 - 16), 'two slices of 100 − 16 voxels');
    const at = (i: number, j: number, k: number) => read.mask.data[i + 20 * (j + 18 * k)];
    assert.equal(at(3, 4, 2), 1, 'outer corner voxel inside');
    assert.equal(at(7, 8, 2), 0, 'voxel in the hole outside');
    assert.equal(at(5, 8, 3), 1, 'voxel between hole and outer edge inside');
    assert.equal(at(7, 8, 1), 0, 'slice without contours empty');
    assert.deepEqual(read.mask.size, OBLIQUE.size, 'mask on the reference grid');
    assert.equal(count(readRtStruct(bytes, 'mem://rs.dcm', OBLIQUE, 'lung').mask.data), 9, 'ROI by name, ignoring case');
  });

  test('a contour between slices or outside the grid: GeometryMismatchError', () => {
    const between = rtStruct({ GTV: [rectangle(OBLIQUE, [2.5, 3.5, 12.5, 13.5], 2.5)] });
    assert.throws(
      () => readRtStruct(between, 'mem://rs.dcm', OBLIQUE, 'GTV'),
      (error: unknown) => error instanceof GeometryMismatchError && /0\.500 slices from the nearest slice/.test(error.message),
      'between slices',
    );
    const outside = rtStruct({ GTV: [rectangle(OBLIQUE, [2.5, 3.5, 12.5, 13.5], 9)] });
    assert.throws(() => readRtStruct(outside, 'mem://rs.dcm', OBLIQUE, 'GTV'), /outside the reference grid \(slice 9\)/, 'outside');
    const near = rtStruct({ GTV: [rectangle(OBLIQUE, [2.5, 3.5, 12.5, 13.5], 2.2)] });
    assert.equal(count(readRtStruct(near, 'mem://rs.dcm', OBLIQUE, 'GTV').mask.data), 100, 'within the default tolerance (0.25 slice)');
  });
});
