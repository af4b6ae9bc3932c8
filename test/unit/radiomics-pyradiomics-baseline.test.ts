/**
 * The radiomics engine against PyRadiomics' own regression baselines (default configuration:
 * binWidth 25, label 1, no resampling; the settings are read from each column's settings row).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { extractFeatures } from '../../activities/radiomics';
import {
  baselineSetting,
  readBaselineColumn,
  readReferenceVolume,
} from '../support/pyradiomics-reference';

const RELATIVE_TOLERANCE = 1e-6;
const ABSOLUTE_TOLERANCE_NEAR_ZERO = 1e-9;

/** Every feature of these classes that has a baseline must be computed and must match. */
const CHECKED_CLASSES = ['firstorder', 'shape'] as const;
/** Shape features implemented so far (the mesh-based ones come later). */
const IMPLEMENTED_SHAPE_FEATURES = new Set(['original_shape_VoxelVolume']);

for (const testCase of ['brain1', 'breast1']) {
  describe(`PyRadiomics baseline ${testCase}`, () => {
    const firstorder = readBaselineColumn('firstorder', testCase);
    const settings = {
      label: baselineSetting(firstorder, 'label'),
      binWidth: baselineSetting(firstorder, 'binWidth'),
      voxelArrayShift: baselineSetting(firstorder, 'voxelArrayShift'),
    };
    let computed: Record<string, number> | undefined;
    const features = () => {
      const image = readReferenceVolume(`${testCase}_image`);
      const mask = readReferenceVolume(`${testCase}_label`);
      computed ??= extractFeatures(image.volume, mask.volume, settings, mask.uri, image.uri);
      return computed;
    };

    test('uses the default configuration with voxelArrayShift 2000', () => {
      assert.deepEqual(settings, { label: 1, binWidth: 25, voxelArrayShift: 2000 });
    });

    for (const featureClass of CHECKED_CLASSES) {
      test(`${featureClass} features match to ${RELATIVE_TOLERANCE} relative error`, () => {
        const computed = features();
        const baseline = readBaselineColumn(featureClass, testCase);
        const names = [...baseline.keys()].filter(
          (name) => name.startsWith(`original_${featureClass}_`) && (featureClass !== 'shape' || IMPLEMENTED_SHAPE_FEATURES.has(name)),
        );
        assert.ok(names.length > 0);
        for (const name of names) {
          const expected = Number(baseline.get(name));
          const actual = computed[name];
          assert.equal(typeof actual, 'number', `${name} is computed`);
          const error = Math.abs(actual - expected);
          const ok = Math.abs(expected) < 1e-3 ? error <= ABSOLUTE_TOLERANCE_NEAR_ZERO : error / Math.abs(expected) <= RELATIVE_TOLERANCE;
          assert.ok(ok, `${testCase} ${name}: computed ${actual}, PyRadiomics ${expected}`);
        }
      });
    }

    test('every first-order baseline feature is computed', () => {
      const baseline = readBaselineColumn('firstorder', testCase);
      const expected = [...baseline.keys()].filter((name) => name.startsWith('original_firstorder_'));
      assert.equal(expected.length, 18);
      const computed = features();
      for (const name of expected) assert.ok(name in computed, name);
    });
  });
}
