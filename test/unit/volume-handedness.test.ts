/** withRightHandedSlices keeps every voxel at its physical position, with its value. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withRightHandedSlices, type Mat3, type Vec3, type Volume } from '../../activities/imaging/volume';

/** Physical point of voxel (i, j, k): origin + direction · (spacing ⊙ index). */
function point(v: Volume, i: number, j: number, k: number): Vec3 {
  const s = [i * v.spacing[0], j * v.spacing[1], k * v.spacing[2]];
  const d = v.direction;
  return [0, 1, 2].map((r) => v.origin[r] + d[3 * r] * s[0] + d[3 * r + 1] * s[1] + d[3 * r + 2] * s[2]) as Vec3;
}

/** value at each physical point (rounded key) */
function valuesByPoint(v: Volume): Map<string, number> {
  const out = new Map<string, number>();
  for (let k = 0; k < v.size[2]; k++)
    for (let j = 0; j < v.size[1]; j++)
      for (let i = 0; i < v.size[0]; i++) out.set(point(v, i, j, k).map((x) => x.toFixed(6)).join(','), v.data[i + v.size[0] * (j + v.size[1] * k)]);
  return out;
}

test('a left-handed grid becomes right-handed with the same voxels in space', () => {
  const direction: Mat3 = [1, 0, 0, 0, -1, 0, 0, 0, 1]; // brain1's direction: det = -1
  const volume: Volume<Int16Array> = {
    data: Int16Array.from({ length: 3 * 2 * 4 }, (_, n) => n * 7 - 40),
    size: [3, 2, 4],
    spacing: [0.5, 0.75, 2.5],
    origin: [-10, 20, 30],
    direction,
  };
  const flipped = withRightHandedSlices(volume);
  assert.deepEqual(flipped.direction, [1, 0, 0, 0, -1, 0, 0, 0, -1], 'k column negated');
  assert.deepEqual(flipped.origin, [-10, 20, 37.5], 'origin at the last slice');
  assert.deepEqual(valuesByPoint(flipped), valuesByPoint(volume), 'every value stays at its physical point');
  assert.equal(withRightHandedSlices(flipped), flipped, 'a right-handed grid is returned as it is');
});
