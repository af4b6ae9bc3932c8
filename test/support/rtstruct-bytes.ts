/**
 * Minimal RT Structure Sets for tests: ROIs given as name → CLOSED_PLANAR contours, and rectangles
 * drawn in voxel indices of a grid.
 */
import { element, sequence, writePart10, type DicomItem } from '../../activities/imaging/dicom-write/writer';
import { RT_STRUCTURE_SET_STORAGE } from '../../activities/imaging/masks/rtstruct-read';
import type { Grid } from '../../activities/imaging/masks/grid';

/** LPS point of the continuous index (i, j, k) of a grid. */
export function pointAt(grid: Grid, i: number, j: number, k: number): number[] {
  const idx = [i * grid.spacing[0], j * grid.spacing[1], k * grid.spacing[2]];
  return [0, 1, 2].map((r) => grid.origin[r] + grid.direction[r * 3] * idx[0] + grid.direction[r * 3 + 1] * idx[1] + grid.direction[r * 3 + 2] * idx[2]);
}

/** A rectangle (in voxel indices) on slice k as ContourData. */
export function rectangle(grid: Grid, [i0, j0, i1, j1]: number[], k: number): number[] {
  return [pointAt(grid, i0, j0, k), pointAt(grid, i1, j0, k), pointAt(grid, i1, j1, k), pointAt(grid, i0, j1, k)].flat();
}

/** A minimal RT Structure Set with ROIs given as name → contours (ContourData each). */
export function rtStruct(rois: Record<string, number[][]>): Uint8Array {
  const names = Object.keys(rois);
  const contourItem = (data: number[]): DicomItem => [
    element(0x30060042, 'CS', 'CLOSED_PLANAR'), // ContourGeometricType
    element(0x30060046, 'IS', data.length / 3), // NumberOfContourPoints
    element(0x30060050, 'DS', data), // ContourData
  ];
  return writePart10(
    [
      element(0x00080016, 'UI', RT_STRUCTURE_SET_STORAGE),
      element(0x00080018, 'UI', '2.25.42'),
      element(0x00080060, 'CS', 'RTSTRUCT'),
      sequence(0x30060020, names.map((name, n) => [element(0x30060022, 'IS', n + 1), element(0x30060024, 'UI', '2.25.7'), element(0x30060026, 'LO', name)])),
      sequence(0x30060039, names.map((name, n) => [element(0x30060084, 'IS', n + 1), sequence(0x30060040, rois[name].map(contourItem))])),
    ],
    RT_STRUCTURE_SET_STORAGE,
    '2.25.42',
  );
}

