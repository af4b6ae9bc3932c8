import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { binEdges, discretize, histogram } from '../../activities/radiomics/discretize';
import * as fo from '../../activities/radiomics/firstorder';
import { voxelVolume } from '../../activities/radiomics/shape-basic';
import { assertWithin } from '../support/assert-within';

const X = new Float64Array([5, 1, 4, 2, 3]);
const SORTED = Float64Array.from(X).sort();

describe('first-order features on a small, hand-checked sample {1..5}', () => {
  test('location and spread', () => {
    assert.equal(fo.minimum(SORTED), 1);
    assert.equal(fo.maximum(SORTED), 5);
    assert.equal(fo.range(SORTED), 4);
    assert.equal(fo.mean(X), 3);
    assert.equal(fo.median(SORTED), 3);
    assert.equal(fo.median(new Float64Array([1, 2, 3, 10])), 2.5);
    assert.equal(fo.variance(X), 2); // population variance (÷Np), as PyRadiomics
    assertWithin(fo.standardDeviation(X), Math.SQRT2);
    assertWithin(fo.meanAbsoluteDeviation(X), 1.2);
    assertWithin(fo.robustMeanAbsoluteDeviation(SORTED), 2 / 3); // only 2, 3, 4 lie within [P10, P90] = [1.4, 4.6]
  });

  test('percentiles interpolate linearly between ranks (numpy.percentile)', () => {
    assertWithin(fo.percentile(SORTED, 10), 1.4);
    assertWithin(fo.percentile(SORTED, 90), 4.6);
    assert.equal(fo.percentile(SORTED, 0), 1);
    assert.equal(fo.percentile(SORTED, 100), 5);
    assert.equal(fo.interquartileRange(SORTED), 2);
    assert.equal(fo.percentile(new Float64Array([7]), 90), 7);
  });

  test('shape of the distribution: Kurtosis is not excess kurtosis', () => {
    assert.equal(fo.skewness(X), 0);
    assertWithin(fo.kurtosis(X), 1.7); // μ4 = 6.8, μ2 = 2
    assertWithin(fo.skewness(new Float64Array([0, 0, 0, 1])), (0.75 ** 3 * 1 - 0.25 ** 3 * 3) / 4 / 0.1875 ** 1.5);
  });

  test('Energy, TotalEnergy and RootMeanSquared add voxelArrayShift', () => {
    assert.equal(fo.energy(X, 0), 55);
    assert.equal(fo.energy(X, 10), 855);
    assert.equal(fo.totalEnergy(X, 10, 2), 1710);
    assertWithin(fo.rootMeanSquared(X, 10), Math.sqrt(171));
  });

  test('a flat region has zero spread, Skewness 0, Kurtosis 0, Entropy 0, Uniformity 1', () => {
    const flat = new Float64Array([100, 100, 100]);
    assert.equal(fo.variance(flat), 0);
    assert.equal(fo.skewness(flat), 0);
    assert.equal(fo.kurtosis(flat), 0);
    const p = fo.binProbabilities(flat, 25);
    assert.deepEqual(p, [1]);
    assertWithin(fo.entropy(p), 0);
    assert.equal(fo.uniformity(p), 1);
  });

  test('Entropy and Uniformity use the discretized intensities', () => {
    const p = fo.binProbabilities(new Float64Array([0, 1, 30, 31]), 25);
    assert.deepEqual(p, [0.5, 0.5]);
    assertWithin(fo.entropy(p), 1);
    assert.equal(fo.uniformity(p), 0.5);
    assertWithin(fo.entropy(fo.binProbabilities(new Float64Array([0, 25, 50, 75]), 25)), 2);
  });

  test('firstOrderFeatures returns every PyRadiomics first-order feature', () => {
    const features = fo.firstOrderFeatures(X, { binWidth: 25, voxelArrayShift: 0 }, 1);
    assert.deepEqual(Object.keys(features).sort(), [
      '10Percentile', '90Percentile', 'Energy', 'Entropy', 'InterquartileRange', 'Kurtosis', 'Maximum', 'Mean',
      'MeanAbsoluteDeviation', 'Median', 'Minimum', 'Range', 'RobustMeanAbsoluteDeviation', 'RootMeanSquared',
      'Skewness', 'StandardDeviation', 'TotalEnergy', 'Uniformity', 'Variance',
    ]);
    assert.ok(Object.values(features).every(Number.isFinite));
  });
});

describe('fixed-bin-width discretization (PyRadiomics edges)', () => {
  test('edges start at a multiple of the bin width at or below the minimum, also below zero', () => {
    assert.deepEqual(Array.from(binEdges(468, 1266, 25)).slice(0, 3), [450, 475, 500]);
    assert.deepEqual(Array.from(binEdges(-30, 49, 25)), [-50, -25, 0, 25, 50, 75]);
    assert.deepEqual(Array.from(binEdges(100, 100, 25)), [100, 125]);
  });

  test('bins are half-open [edge, next edge)', () => {
    const values = new Float64Array([-30, -25, 0, 24.9, 25, 49]);
    assert.deepEqual(Array.from(discretize(values, 25)), [1, 2, 3, 3, 4, 4]);
    assert.deepEqual(Array.from(histogram(values, 25)), [1, 1, 2, 2, 0]);
  });

  test('a maximum on an edge gets its own bin', () => {
    assert.deepEqual(Array.from(discretize(new Float64Array([0, 50]), 25)), [1, 3]);
  });

  test('fractional bin widths follow numpy float edges exactly', () => {
    // low = 0.1; edges 0.1, 0.2, 0.30000000000000004, 0.4, 0.5, 0.6, 0.7000000000000001, ...
    assert.equal(binEdges(0.1, 0.7, 0.1)[2], 0.30000000000000004);
    assert.deepEqual(Array.from(discretize(new Float64Array([0.1, 0.2, 0.3, 0.7]), 0.1)), [1, 2, 2, 6]);
  });
});

test('VoxelVolume = Np × voxel volume', () => {
  assert.equal(voxelVolume(10, [0.5, 2, 3]), 30);
});
