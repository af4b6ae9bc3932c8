import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  glcmCoefficients,
  glcmDirectionWeight,
  glcmFeatures,
  glcmMatrices,
  glcmProbabilities,
  GLCM_FEATURE_NAMES,
  mcc,
} from '../../activities/radiomics/glcm';
import { parseRadiomicsSettings, type RadiomicsSettingsInput } from '../../activities/radiomics/settings';
import { symmetricEigenvalues } from '../../activities/radiomics/symmetric-eigenvalues';
import {
  assertFeaturesMatch,
  caseInput,
  COMBINED_COLUMNS,
  IMAGE_CASES,
  MATRIX_TOLERANCE,
  readMatrixBaseline,
  sliceInput,
  TEXTURE_COLUMNS,
  textureCase,
  type TextureCase,
} from '../support/texture-baseline';
import { assertWithin } from '../support/assert-within';

const DEFAULTS = parseRadiomicsSettings({});

function settings(input: RadiomicsSettingsInput) {
  return parseRadiomicsSettings(input);
}

/** An n×n row-major matrix as rows. */
function rows(matrix: Float64Array, n: number): number[][] {
  return Array.from({ length: n }, (_, r) => Array.from(matrix.subarray(r * n, (r + 1) * n)));
}

/** The 5×5 example image of the PyRadiomics GLCM documentation. */
const DOC_IMAGE = sliceInput([
  [1, 2, 5, 2, 3],
  [3, 2, 1, 3, 1],
  [1, 3, 5, 5, 2],
  [1, 1, 1, 1, 2],
  [1, 2, 4, 3, 5],
]);

describe('GLCM matrices', () => {
  test('the documentation example: symmetrical GLCM of the horizontal direction', () => {
    const glcm = glcmMatrices(DOC_IMAGE, DEFAULTS);
    // One slice: the 4 in-plane directions, in PyRadiomics' order; (1, 0, 0) is horizontal.
    assert.deepEqual(glcm.angles, [[1, 1, 0], [0, 1, 0], [-1, 1, 0], [1, 0, 0]]);
    assert.deepEqual(Array.from(glcm.grayLevels), [1, 2, 3, 4, 5]);
    assert.deepEqual(rows(glcm.matrices[3], 5), [
      [6, 4, 3, 0, 0],
      [4, 0, 2, 1, 3],
      [3, 2, 0, 1, 2],
      [0, 1, 1, 0, 0],
      [0, 3, 2, 0, 2],
    ]);
  });

  test('asymmetrical: rows are the centre voxel, columns its neighbour at +offset', () => {
    const glcm = glcmMatrices(sliceInput([[1, 2, 2]]), settings({ symmetricalGLCM: false }));
    assert.deepEqual(glcm.angles, [[1, 0, 0]]);
    assert.deepEqual(rows(glcm.matrices[0], 2), [
      [0, 1],
      [0, 1],
    ]);
  });

  test('gray levels absent from the ROI get no row; voxels outside the ROI (0) pair with nothing', () => {
    const glcm = glcmMatrices(sliceInput([[1, 0, 4, 4]]), DEFAULTS);
    assert.deepEqual(Array.from(glcm.grayLevels), [1, 4]);
    assert.deepEqual(rows(glcm.matrices[0], 2), [
      [0, 0],
      [0, 2],
    ]);
  });

  test('distances: Chebyshev distance 2 only', () => {
    const glcm = glcmMatrices(sliceInput([[1, 2, 3]]), settings({ distances: [2], symmetricalGLCM: false }));
    assert.deepEqual(glcm.angles, [[2, 0, 0]]);
    assert.deepEqual(rows(glcm.matrices[0], 3), [
      [0, 0, 1],
      [0, 0, 0],
      [0, 0, 0],
    ]);
  });

  test('force2D keeps the in-plane directions of the chosen dimension', () => {
    const cube = { ...sliceInput([[1, 2, 2, 1, 2, 1, 1, 2]]), size: [2, 2, 2] as [number, number, number] };
    assert.equal(glcmMatrices(cube, DEFAULTS).angles.length, 13);
    assert.ok(glcmMatrices(cube, settings({ force2D: true })).angles.every(([, , dz]) => dz === 0));
    assert.ok(glcmMatrices(cube, settings({ force2D: true, force2Ddimension: 2 })).angles.every(([dx]) => dx === 0));
    assert.equal(glcmMatrices(cube, settings({ force2D: true })).angles.length, 4);
  });

  test('directions without a pair are dropped before averaging; every kept matrix sums to 1', () => {
    // Two voxels on a diagonal: only the (1, 1) direction has a pair.
    const input = sliceInput([[1, 0], [0, 2]]);
    const glcm = glcmMatrices(input, DEFAULTS);
    const p = glcmProbabilities(glcm, DEFAULTS, input.spacing);
    assert.equal(p.length, 1);
    assert.deepEqual(Array.from(p[0]), [0, 0.5, 0.5, 0]);
  });

  test('weighting: exp(−‖d‖²) of the offset in mm, summed into one matrix', () => {
    const spacing = [0.5, 1, 2];
    assertWithin(glcmDirectionWeight([1, 1, 1], spacing, 'infinity'), Math.exp(-4));
    assertWithin(glcmDirectionWeight([1, 1, 1], spacing, 'euclidean'), Math.exp(-(0.25 + 1 + 4)));
    assertWithin(glcmDirectionWeight([1, -1, 1], spacing, 'manhattan'), Math.exp(-(3.5 ** 2)));
    assert.equal(glcmDirectionWeight([1, 0, 0], spacing, 'no_weighting'), 1);

    const glcm = glcmMatrices(DOC_IMAGE, DEFAULTS);
    const [merged] = glcmProbabilities(glcm, settings({ weightingNorm: 'no_weighting' }), DOC_IMAGE.spacing);
    const sum = new Float64Array(25);
    for (const P of glcm.matrices) P.forEach((v, k) => (sum[k] += v));
    const total = sum.reduce((a, b) => a + b);
    merged.forEach((v, k) => assertWithin(v, sum[k] / total));
  });
});

describe('GLCM features: edge cases', () => {
  test('a flat region (one gray level) gives PyRadiomics\' arbitrary values', () => {
    const f = glcmFeatures(sliceInput([[3, 3], [3, 3]]), DEFAULTS);
    assert.deepEqual(Object.keys(f).sort(), [...GLCM_FEATURE_NAMES].sort());
    assert.equal(f.Correlation, 1); // σx σy = 0
    assert.equal(f.MCC, 1); // Q is 1×1
    assert.equal(f.Imc1, 0); // HX = HY = 0
    assert.equal(f.Imc2, 0); // HXY2 = HXY
    assert.equal(f.JointAverage, 3);
    assert.equal(f.SumAverage, 6);
    assert.equal(f.Contrast, 0);
    assert.equal(f.JointEnergy, 1);
    assert.equal(f.MaximumProbability, 1);
    assertWithin(f.JointEntropy, -Math.log2(1 + 2.220446049250313e-16), 0); // ε inside the log, as PyRadiomics
  });

  test('no neighbouring ROI voxels (a single voxel): every feature is NaN', () => {
    for (const weightingNorm of [null, 'no_weighting'] as const) {
      const f = glcmFeatures(sliceInput([[2]]), settings({ weightingNorm }));
      assert.ok(Object.values(f).every(Number.isNaN), JSON.stringify(f));
    }
  });

  test('Idn and Idmn normalize by the highest gray level present, not the number of levels', () => {
    const f = glcmFeatures(sliceInput([[1, 4]]), DEFAULTS);
    // p(1, 4) = p(4, 1) = ½: px−y(3) = 1, Ng = 4
    assertWithin(f.Idn, 1 / (1 + 3 / 4));
    assertWithin(f.Idmn, 1 / (1 + 9 / 16));
    assertWithin(f.Id, 1 / 4);
    assertWithin(f.InverseVariance, 1 / 9);
  });

  test('MCC: 1 for complete dependence, 0 for independence', () => {
    const levels = Int32Array.from([1, 2, 3]);
    const diagonal = Float64Array.from([0.2, 0, 0, 0, 0.5, 0, 0, 0, 0.3]);
    assertWithin(mcc(glcmCoefficients(diagonal, levels, 3)), 1);
    const px = [0.2, 0.5, 0.3];
    const independent = Float64Array.from({ length: 9 }, (_, k) => px[Math.floor(k / 3)] * px[k % 3]);
    assertWithin(mcc(glcmCoefficients(independent, levels, 3)), 0, 1e-7);
  });

  test('MCC: second largest eigenvalue of Q, computed directly for a 2×2 GLCM', () => {
    // Q(i, j) = Σk p(i, k) p(j, k) / (px(i) px(k)) has rows summing to 1: eigenvalues 1 and trace − 1.
    const p = Float64Array.from([0.3, 0.1, 0.1, 0.5]);
    const px = [0.4, 0.6];
    const q = (i: number, j: number) => p[i * 2] * p[j * 2] / (px[i] * px[0]) + p[i * 2 + 1] * p[j * 2 + 1] / (px[i] * px[1]);
    const trace = q(0, 0) + q(1, 1); // eigenvalues 1 and λ2
    assertWithin(mcc(glcmCoefficients(p, Int32Array.from([1, 2]), 2)), Math.sqrt(trace - 1));
  });
});

describe('symmetric eigenvalues (Householder + implicit QL)', () => {
  test('diagonal, 1×1 and 2×2 matrices', () => {
    assert.deepEqual(Array.from(symmetricEigenvalues(Float64Array.from([3, 0, 0, 0, -1, 0, 0, 0, 2]), 3)), [-1, 2, 3]);
    assert.deepEqual(Array.from(symmetricEigenvalues(Float64Array.from([7]), 1)), [7]);
    const [a, b] = symmetricEigenvalues(Float64Array.from([2, 1, 1, 2]), 2);
    assertWithin(a, 1);
    assertWithin(b, 3);
  });

  test('recovers the spectrum of H·diag(λ)·H for a random reflection H', () => {
    const n = 40;
    let seed = 12345;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) - 0.5;
    const lambda = Array.from({ length: n }, (_, i) => (i % 7 === 0 ? 0.25 : i / 3 - 5)); // with repeated eigenvalues
    const v = Array.from({ length: n }, random);
    const vv = v.reduce((s, x) => s + x * x, 0);
    const H = (i: number, j: number) => (i === j ? 1 : 0) - (2 * v[i] * v[j]) / vv;
    const A = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let sum = 0;
        for (let k = 0; k < n; k++) sum += H(i, k) * lambda[k] * H(j, k);
        A[i * n + j] = sum;
      }
    }
    const eigenvalues = symmetricEigenvalues(A, n);
    const expected = [...lambda].sort((a, b) => a - b);
    eigenvalues.forEach((value, i) => assertWithin(value, expected[i], 1e-12));
  });
});

/** A column's case, with the GLCM settings textureCase does not read (weightingNorm, symmetricalGLCM). */
function glcmCase(column: string): TextureCase {
  const c = textureCase('glcm', column);
  const text = c.baseline.get('diagnostics_Configuration_Settings') ?? '';
  const weightingNorm = /'weightingNorm': '(\w+)'/.exec(text)?.[1] ?? null;
  const symmetrical = /'symmetricalGLCM': (True|False)/.exec(text)?.[1];
  return {
    ...c,
    settings: parseRadiomicsSettings({
      ...c.settings,
      weightingNorm,
      symmetricalGLCM: symmetrical === undefined ? undefined : symmetrical === 'True',
    }),
  };
}

describe('GLCM against the PyRadiomics baselines', () => {
  const columns = [...TEXTURE_COLUMNS, ...COMBINED_COLUMNS];
  for (const column of columns) {
    test(`${column}: every feature matches`, (t) => {
      const c = glcmCase(column);
      assert.equal(c.settings.force2D, column.endsWith('_2d'));
      assert.equal(c.settings.weightingNorm, column.endsWith('_combined') ? 'no_weighting' : null);
      const result = assertFeaturesMatch('glcm', c, glcmFeatures(caseInput(c), c.settings));
      t.diagnostic(`${result.matched} features, worst relative error ${result.worstRelative.toExponential(2)}`);
    });
  }

  for (const testCase of IMAGE_CASES) {
    test(`${testCase}: the normalized matrices equal ${testCase}_glcm.npy`, () => {
      const c = glcmCase(testCase);
      const input = caseInput(c);
      const glcm = glcmMatrices(input, c.settings);
      const p = glcmProbabilities(glcm, c.settings, input.spacing);
      const n = glcm.grayLevels.length;
      const expected = readMatrixBaseline(testCase, 'glcm');
      assert.deepEqual(expected.shape, [n, n, 13]);
      assert.equal(p.length, 13);
      for (let a = 0; a < 13; a++) {
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < n; j++) {
            const error = Math.abs(p[a][i * n + j] - expected.at(i, j, a));
            assert.ok(error <= MATRIX_TOLERANCE, `(${i}, ${j}, ${a}): ${p[a][i * n + j]} vs ${expected.at(i, j, a)}`);
          }
        }
      }
    });
  }
});
