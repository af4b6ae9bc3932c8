/**
 * PyRadiomics Gray Level Dependence Matrix features (radiomics/gldm.py,
 * https://pyradiomics.readthedocs.io/en/latest/features.html#module-radiomics.gldm); IBSI's NGLDM.
 *
 * A neighbour (an ROI voxel at one of the `distances`, both directions, in-plane with force2D)
 * depends on the center voxel when |gray level difference| ≤ α (`gldm_a`). Every ROI voxel has a
 * dependence of (number of dependent neighbours + 1), and P(i, j) counts the voxels of gray level i
 * with dependence j, so Nz = Np. Rows hold the gray levels present in the ROI, columns the
 * dependences that occur. Formulas: see level-size-matrix.ts.
 */
import type { RadiomicsSettings } from './settings';
import type { TextureInput } from './texture-input';
import * as ls from './level-size-matrix';
import { neighbourhood } from './neighbourhood';

export type GldmMatrix = ls.LevelSizeMatrix;
export type GldmSettings = Pick<RadiomicsSettings, 'distances' | 'force2D' | 'force2Ddimension' | 'gldm_a'>;

/** The GLDM of the ROI. */
export function gldmMatrix(input: TextureInput, settings: GldmSettings): GldmMatrix {
  const { levels, size, voxelCount } = input;
  const [nx, ny, nz] = size;
  const { count, dx, dy, dz, step } = neighbourhood(size, settings);
  // PyRadiomics passes α to C as an int; on integer gray levels |difference| ≤ α equals |difference| ≤ ⌊α⌋.
  const alpha = settings.gldm_a;
  const voxelLevel = new Int32Array(voxelCount);
  const dependence = new Int32Array(voxelCount);
  let n = 0;
  for (let z = 0, index = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      for (let x = 0; x < nx; x++, index++) {
        const gray = levels[index];
        if (gray === 0) continue;
        let dependent = 1;
        for (let a = 0; a < count; a++) {
          const xn = x + dx[a];
          const yn = y + dy[a];
          const zn = z + dz[a];
          if (xn < 0 || xn >= nx || yn < 0 || yn >= ny || zn < 0 || zn >= nz) continue;
          const neighbour = levels[index + step[a]];
          if (neighbour !== 0 && Math.abs(gray - neighbour) <= alpha) dependent++;
        }
        voxelLevel[n] = gray;
        dependence[n++] = dependent;
      }
    }
  }
  return ls.tallyLevelSize(voxelLevel, dependence, n);
}

/** All 14 GLDM features, by PyRadiomics name (the deprecated GLNN and DependencePercentage are left out). */
export function gldmFeatures(matrix: GldmMatrix): Record<string, number> {
  const s = ls.levelSizeSums(matrix);
  return {
    DependenceEntropy: ls.sizeEntropy(s),
    DependenceNonUniformity: ls.sizeNonUniformity(s),
    DependenceNonUniformityNormalized: ls.sizeNonUniformityNormalized(s),
    DependenceVariance: ls.sizeVariance(s),
    GrayLevelNonUniformity: ls.grayLevelNonUniformity(s),
    GrayLevelVariance: ls.grayLevelVariance(s),
    HighGrayLevelEmphasis: ls.highGrayLevelEmphasis(s),
    LargeDependenceEmphasis: ls.largeSizeEmphasis(s),
    LargeDependenceHighGrayLevelEmphasis: ls.largeSizeHighGrayLevelEmphasis(s),
    LargeDependenceLowGrayLevelEmphasis: ls.largeSizeLowGrayLevelEmphasis(s),
    LowGrayLevelEmphasis: ls.lowGrayLevelEmphasis(s),
    SmallDependenceEmphasis: ls.smallSizeEmphasis(s),
    SmallDependenceHighGrayLevelEmphasis: ls.smallSizeHighGrayLevelEmphasis(s),
    SmallDependenceLowGrayLevelEmphasis: ls.smallSizeLowGrayLevelEmphasis(s),
  };
}
