/**
 * 2D shape features (activities/radiomics/shape2d.ts): against PyRadiomics' shape2D regression
 * baselines (brain1 and breast1 from shared/reference/pyradiomics; brain2, lung1 and lung2 from
 * pyradiomics-more, whose lung images are missing but whose masks are all shape2D needs), each on the
 * axial slice of the 3D label with the largest ROI area (see the READMEs of the reference data), and
 * against closed-form values on synthetic masks.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvalidMaskError } from '../../activities/errors';
import { IDENTITY_DIRECTION, type Vec3, type Volume } from '../../activities/imaging/volume';
import {
  SEGMENTS,
  SEGMENT_ROW,
  SQUARE_CORNERS,
  SQUARE_EDGES,
  SQUARE_EDGE_MIDPOINTS_X2,
} from '../../activities/radiomics/marching-squares-tables';
import * as shape2d from '../../activities/radiomics/shape2d';
import { readBaselineColumn, readReferenceVolume, REFERENCE_CASES } from '../support/pyradiomics-reference';

const RELATIVE_TOLERANCE = 1e-6;
const ABSOLUTE_TOLERANCE_NEAR_ZERO = 1e-9;

const SHAPE2D_FEATURES = [
  'Elongation',
  'MajorAxisLength',
  'MaximumDiameter',
  'MeshSurface',
  'MinorAxisLength',
  'Perimeter',
  'PerimeterSurfaceRatio',
  'PixelSurface',
  'Sphericity',
];

function assertClose(actual: number, expected: number, label: string, tolerance = RELATIVE_TOLERANCE): void {
  const ok =
    Math.abs(expected) < 1e-3
      ? Math.abs(actual - expected) <= ABSOLUTE_TOLERANCE_NEAR_ZERO
      : Math.abs(actual - expected) / Math.abs(expected) <= tolerance;
  assert.ok(ok, `${label}: computed ${actual}, expected ${expected}`);
}

/** Keep only slice z = k of a 3D label volume, as a volume with one slice or as the full volume. */
function axialSlice(volume: Volume, k: number, keepDepth: boolean): Volume {
  const [nx, ny, nz] = volume.size;
  const plane = nx * ny;
  if (!keepDepth) return { ...volume, data: volume.data.slice(k * plane, (k + 1) * plane), size: [nx, ny, 1] };
  const data = new Int32Array(plane * nz);
  data.set(volume.data.subarray(k * plane, (k + 1) * plane), k * plane);
  return { ...volume, data };
}

/** The axial slice with the most voxels of `label` (the first such slice) and that voxel count. */
function largestAxialSlice(volume: Volume, label: number): { slice: number; count: number } {
  const [nx, ny, nz] = volume.size;
  let best = { slice: -1, count: -1 };
  for (let k = 0; k < nz; k++) {
    let count = 0;
    for (let n = k * nx * ny; n < (k + 1) * nx * ny; n++) if (volume.data[n] === label) count++;
    if (count > best.count) best = { slice: k, count };
  }
  return best;
}

for (const name of Object.keys(REFERENCE_CASES)) {
  describe(`2D shape features of PyRadiomics case ${name} (largest axial slice)`, () => {
    const column = `${name}_shape2D`;
    const baseline = () => {
      const cells = readBaselineColumn('shape2D', column);
      const prefix = 'original_shape2D_';
      const features = [...cells].filter(([row]) => row.startsWith(prefix));
      return new Map(features.map(([row, cell]) => [row.slice(prefix.length), Number(cell)]));
    };
    let computed: { mask: Volume; uri: string; features: Record<string, number> } | undefined;
    const setup = () => {
      if (computed) return computed;
      const label = readReferenceVolume(`${name}_label`);
      const { slice } = largestAxialSlice(label.volume, 1);
      const mask = axialSlice(label.volume, slice, false);
      computed = { mask, uri: label.uri, features: shape2d.shape2DFeatures(mask, 1, { maskUri: label.uri }) };
      return computed;
    };

    test('the largest axial slice is the one the baseline used (centre-of-mass slice and pixel count)', () => {
      const label = readReferenceVolume(`${name}_label`);
      const { slice, count } = largestAxialSlice(label.volume, 1);
      const cells = readBaselineColumn('shape2D', column);
      const centre = (cells.get('diagnostics_Mask-corrected_CenterOfMassIndex') ?? '').replace(/[()]/g, '').split(',');
      assert.equal(Number(centre[2]), slice);
      assert.equal(Number(cells.get('diagnostics_Mask-corrected_VoxelNum')), count);
    });

    test('every baseline feature is computed, plus the deprecated SphericalDisproportion', () => {
      assert.deepEqual([...baseline().keys()].sort(), SHAPE2D_FEATURES);
      assert.deepEqual(Object.keys(setup().features).sort(), [...SHAPE2D_FEATURES, 'SphericalDisproportion'].sort());
      for (const value of Object.values(setup().features)) assert.ok(Number.isFinite(value));
    });

    test(`matches the baseline to ${RELATIVE_TOLERANCE} relative error`, () => {
      for (const [feature, expected] of baseline()) {
        assertClose(setup().features[feature], expected, `${name} ${feature}`);
      }
      const { SphericalDisproportion, Sphericity } = setup().features;
      assertClose(SphericalDisproportion, 1 / Sphericity, `${name} SphericalDisproportion`, 1e-15);
    });

    test('the same slice inside the full 3D volume gives identical values', () => {
      const label = readReferenceVolume(`${name}_label`);
      const mask = axialSlice(label.volume, largestAxialSlice(label.volume, 1).slice, true);
      assert.deepEqual(shape2d.shape2DFeatures(mask, 1), setup().features);
    });

    test('the whole 3D label is refused: it spans several axial slices', () => {
      const label = readReferenceVolume(`${name}_label`);
      assert.throws(
        () => shape2d.shape2DFeatures(label.volume, 1, { maskUri: label.uri }),
        (error: unknown) =>
          error instanceof InvalidMaskError &&
          error.message.startsWith(label.uri) &&
          /spans \d+ slices along z/.test(error.message),
      );
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Synthetic masks
// ---------------------------------------------------------------------------------------------

/** A label volume of `size` with label 1 where `inside(i, j, k)`. */
function maskVolume(size: Vec3, spacing: Vec3, inside: (i: number, j: number, k: number) => boolean): Volume {
  const data = new Uint8Array(size[0] * size[1] * size[2]);
  for (let k = 0, n = 0; k < size[2]; k++)
    for (let j = 0; j < size[1]; j++) for (let i = 0; i < size[0]; i++, n++) data[n] = inside(i, j, k) ? 1 : 0;
  return { data, size, spacing, origin: [0, 0, 0], direction: IDENTITY_DIRECTION };
}

/** Deterministic pseudo-random numbers in [0, 1) (a 32-bit LCG), so failures reproduce. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * Closed-form features of a w × h pixel rectangle with spacing (sw, sh). The contour runs half a
 * pixel outside the pixel centres with each corner cut by a segment between two edge midpoints:
 * the (w·sw) × (h·sh) box less four right triangles with legs sw/2 and sh/2. The farthest vertices
 * are the ends of those cuts at opposite corners. Pixel indices 0..m−1 have variance (m² − 1)/12.
 */
function rectangleFeatures(w: number, h: number, sw: number, sh: number): Record<string, number> {
  const A = sw * sh * (w * h - 0.5);
  const P = 2 * (w - 1) * sw + 2 * (h - 1) * sh + 4 * Math.hypot(sw / 2, sh / 2);
  const [minor, major] = [((w * w - 1) / 12) * sw * sw, ((h * h - 1) / 12) * sh * sh].sort((a, b) => a - b);
  return {
    Elongation: Math.sqrt(minor / major),
    MajorAxisLength: 4 * Math.sqrt(major),
    MaximumDiameter: Math.max(Math.hypot(w * sw, (h - 1) * sh), Math.hypot((w - 1) * sw, h * sh)),
    MeshSurface: A,
    MinorAxisLength: 4 * Math.sqrt(minor),
    Perimeter: P,
    PerimeterSurfaceRatio: P / A,
    PixelSurface: w * h * sw * sh,
    Sphericity: (2 * Math.sqrt(Math.PI * A)) / P,
    SphericalDisproportion: P / (2 * Math.sqrt(Math.PI * A)),
  };
}

function assertFeatures(actual: Record<string, number>, expected: Record<string, number>, label: string): void {
  assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort());
  for (const [feature, value] of Object.entries(expected)) {
    assertClose(actual[feature], value, `${label} ${feature}`, 1e-12);
  }
}

/** PyRadiomics' definition of MaximumDiameter: all pairs of contour vertices (O(n²)). */
function bruteForceDiameter(vertices: Int32Array, spacing: [number, number]): number {
  const p = Float64Array.from(vertices, (v, n) => (v / 2) * spacing[n % 2]);
  let best = 0;
  for (let a = 0; a < p.length; a += 2) {
    for (let b = 0; b < a; b += 2) {
      const [du, dv] = [p[a] - p[b], p[a + 1] - p[b + 1]];
      best = Math.max(best, du * du + dv * dv);
    }
  }
  return Math.sqrt(best);
}

/**
 * The area inside the contour, square by square: a square with one ROI corner holds 1/8 of a pixel,
 * two adjacent corners 1/2, two diagonal corners (cut apart) 1/4, three 7/8, four a whole pixel.
 */
function areaBySquares(roi: shape2d.PaddedSlice): number {
  const [rows, columns] = roi.size;
  let eighths = 0;
  for (let r = 0; r < rows - 1; r++) {
    for (let c = 0; c < columns - 1; c++) {
      const [p0, p1, p2, p3] = SQUARE_CORNERS.map(([du, dv]) => roi.inside[(r + du) * columns + c + dv]);
      const count = p0 + p1 + p2 + p3;
      const diagonal = count === 2 && p0 === p2;
      eighths += diagonal ? 2 : [0, 1, 4, 7, 8][count];
    }
  }
  return (eighths / 8) * roi.spacing[0] * roi.spacing[1];
}

describe('2D shape features of synthetic masks', () => {
  test('a 5 × 5 square, unit spacing: hand-checked values', () => {
    const square = (i: number, j: number) => i >= 1 && i <= 5 && j >= 1 && j <= 5;
    const f = shape2d.shape2DFeatures(maskVolume([7, 7, 1], [1, 1, 1], square), 1);
    assertClose(f.MeshSurface, 24.5, 'MeshSurface', 1e-15); // 25 pixels less four corner triangles of 1/8
    assertClose(f.PixelSurface, 25, 'PixelSurface', 1e-15);
    assertClose(f.Perimeter, 16 + 2 * Math.SQRT2, 'Perimeter', 1e-15); // four sides of 4, four cuts of √½
    assertClose(f.MaximumDiameter, Math.sqrt(41), 'MaximumDiameter', 1e-15); // (−½, 0) to (4½, 4)
    assertClose(f.MajorAxisLength, 4 * Math.sqrt(2), 'MajorAxisLength', 1e-15); // variance of 0..4 is 2
    assertClose(f.MinorAxisLength, 4 * Math.sqrt(2), 'MinorAxisLength', 1e-15);
    assertClose(f.Elongation, 1, 'Elongation', 1e-15);
    assertClose(f.Sphericity, (2 * Math.sqrt(24.5 * Math.PI)) / (16 + 2 * Math.SQRT2), 'Sphericity', 1e-15);
    assertFeatures(f, rectangleFeatures(5, 5, 1, 1), 'square');
  });

  test('a 4 × 3 rectangle with anisotropic spacing, in an axial slice away from slice 0', () => {
    const [sx, sy] = [0.7, 1.3];
    const mask = maskVolume([6, 5, 4], [sx, sy, 2.5], (i, j, k) => k === 2 && i >= 1 && i <= 4 && j >= 2 && j <= 4);
    assertFeatures(shape2d.shape2DFeatures(mask, 1), rectangleFeatures(4, 3, sx, sy), 'axial rectangle');
  });

  test('coronal and sagittal planes (force2Ddimension 1 and 2)', () => {
    const [sx, sy, sz] = [0.6, 0.9, 2.2];
    const coronal = maskVolume([6, 4, 5], [sx, sy, sz], (i, j, k) => j === 3 && i >= 0 && i <= 3 && k >= 1 && k <= 2);
    assertFeatures(
      shape2d.shape2DFeatures(coronal, 1, { force2Ddimension: 1 }),
      rectangleFeatures(4, 2, sx, sz),
      'coronal rectangle',
    );
    const sagittal = maskVolume([3, 6, 5], [sx, sy, sz], (i, j, k) => i === 1 && j >= 1 && j <= 5 && k >= 2 && k <= 4);
    assertFeatures(
      shape2d.shape2DFeatures(sagittal, 1, { force2Ddimension: 2 }),
      rectangleFeatures(5, 3, sy, sz),
      'sagittal rectangle',
    );
  });

  test('deprecated SphericalDisproportion can be left out', () => {
    const mask = maskVolume([4, 4, 1], [1, 1, 1], (i, j) => i + j < 4);
    const withoutDeprecated = shape2d.shape2DFeatures(mask, 1, { includeDeprecated: false });
    assert.deepEqual(Object.keys(withoutDeprecated).sort(), SHAPE2D_FEATURES);
    assert.deepEqual([...shape2d.DEPRECATED_SHAPE2D_FEATURES], ['SphericalDisproportion']);
  });

  test('an ROI spanning several slices is an InvalidMaskError naming the mask and the slice count', () => {
    const mask = maskVolume([4, 4, 5], [1, 1, 3], (i, j, k) => k >= 1 && k <= 3 && i === 1 && j >= 1);
    assert.throws(
      () => shape2d.shape2DFeatures(mask, 1, { maskUri: 'file:///m.nrrd' }),
      (error: unknown) =>
        error instanceof InvalidMaskError &&
        error.uri === 'file:///m.nrrd' &&
        /^file:\/\/\/m\.nrrd: label 1 spans 3 slices along z \(force2Ddimension 0\)/.test(error.message),
    );
    // The same ROI is a single sagittal slice (x = 1), but spans 3 coronal slices (y = 1..3).
    assert.doesNotThrow(() => shape2d.shape2DFeatures(mask, 1, { force2Ddimension: 2 }));
    assert.throws(
      () => shape2d.shape2DFeatures(mask, 1, { force2Ddimension: 1, maskUri: 'file:///m.nrrd' }),
      (error: unknown) => error instanceof InvalidMaskError && /spans 3 slices along y/.test(error.message),
    );
  });

  test('an absent label or a single pixel is an InvalidMaskError naming the mask', () => {
    const single = maskVolume([3, 3, 1], [1, 1, 1], (i, j) => i === 1 && j === 1);
    assert.throws(
      () => shape2d.shape2DFeatures(single, 2, { maskUri: 'file:///m.nrrd' }),
      (error: unknown) =>
        error instanceof InvalidMaskError && /file:\/\/\/m\.nrrd.*label 2 is absent/.test(error.message),
    );
    assert.throws(
      () => shape2d.shape2DFeatures(single, 1, { maskUri: 'file:///m.nrrd' }),
      (error: unknown) => error instanceof InvalidMaskError && /file:\/\/\/m\.nrrd.*single pixel/.test(error.message),
    );
  });

  test('a line of pixels: zero MinorAxisLength and Elongation, finite everything', () => {
    const f = shape2d.shape2DFeatures(maskVolume([5, 3, 1], [0.8, 1.1, 1], (_i, j) => j === 0), 1);
    for (const value of Object.values(f)) assert.ok(Number.isFinite(value));
    assert.equal(f.MinorAxisLength, 0);
    assert.equal(f.Elongation, 0);
    assertFeatures(f, rectangleFeatures(5, 1, 0.8, 1.1), 'line');
  });

  test('random ROIs: surface equals the square-by-square area, diameter the all-pairs search', () => {
    const next = random(20240612);
    for (let trial = 0; trial < 60; trial++) {
      const size: Vec3 = [1 + Math.floor(next() * 20), 1 + Math.floor(next() * 20), 1];
      const spacing: Vec3 = [0.3 + next() * 2, 0.3 + next() * 2, 1];
      const density = 0.1 + next() * 0.8;
      const mask = maskVolume(size, spacing, () => next() < density);
      let count = 0;
      for (const v of mask.data) count += v;
      if (count < 2) continue;
      const roi = shape2d.paddedSlice(mask, 1, 0);
      assert.deepEqual(roi.spacing, [spacing[1], spacing[0]]);
      const { surface, perimeter } = shape2d.contourPerimeterAndSurface(roi);
      assertClose(surface, areaBySquares(roi), `trial ${trial} MeshSurface`, 1e-12);
      assert.ok(perimeter > 0);
      const vertices = shape2d.contourVertices(roi);
      const expected = bruteForceDiameter(vertices, roi.spacing);
      assert.equal(shape2d.maximumDiameter(vertices, roi.spacing), expected, `trial ${trial}`);
    }
  });
});

describe('marching-squares tables', () => {
  test('edge midpoints lie halfway between the corners of each edge', () => {
    SQUARE_EDGES.forEach(([a, b], e) => {
      for (let axis = 0; axis < 2; axis++) {
        assert.equal(SQUARE_EDGE_MIDPOINTS_X2[2 * e + axis], SQUARE_CORNERS[a][axis] + SQUARE_CORNERS[b][axis]);
      }
    });
  });

  test('every square index cuts exactly its inside–outside edges, once each, with the ROI on the left', () => {
    for (let square = 0; square < 16; square++) {
      const inside = (corner: number) => (square >> corner) & 1;
      const crossed = SQUARE_EDGES.flatMap(([a, b], e) => (inside(a) !== inside(b) ? [e] : []));
      const used: number[] = [];
      for (let t = square * SEGMENT_ROW; SEGMENTS[t] >= 0; t += 2) {
        const [from, to] = [SEGMENTS[t], SEGMENTS[t + 1]];
        const point = (e: number) => [SQUARE_EDGE_MIDPOINTS_X2[2 * e], SQUARE_EDGE_MIDPOINTS_X2[2 * e + 1]];
        const [a, b] = [point(from), point(to)];
        for (const e of [from, to]) {
          used.push(e);
          const corner = SQUARE_CORNERS[SQUARE_EDGES[e].find((k) => inside(k))!].map((x) => 2 * x);
          const left = (b[0] - a[0]) * (corner[1] - a[1]) - (b[1] - a[1]) * (corner[0] - a[0]);
          assert.ok(left > 0, `square ${square}: segment ${from}→${to} has the ROI on its right`);
        }
      }
      assert.deepEqual(used.sort(), crossed, `square ${square}`);
    }
  });
});
