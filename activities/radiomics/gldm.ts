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
import { neighbourhood, neighbourSteps } from './neighbourhood';
import { paddedLevels, type PaddedLevels } from './texture-common';

export type GldmMatrix = ls.LevelSizeMatrix;
export type GldmSettings = Pick<RadiomicsSettings, 'distances' | 'force2D' | 'force2Ddimension' | 'gldm_a'>;

/** The GLDM of the ROI (on the box padded by the largest distance: neighbours outside it read 0). */
export function gldmMatrix(input: TextureInput, settings: GldmSettings): GldmMatrix {
  const neighbours = neighbourhood(input.size, settings);
  const padded = paddedLevels(input, Math.max(...settings.distances));
  const voxelLevel = new Int32Array(padded.voxels.length);
  const dependence = new Int32Array(padded.voxels.length);
  dependences(padded, neighbourSteps(neighbours, padded.size), settings.gldm_a, voxelLevel, dependence);
  return ls.tallyLevelSize(voxelLevel, dependence, padded.voxels.length);
}

/**
 * Gray level and dependence of every ROI voxel of the padded box, into voxelLevel and dependence.
 * PyRadiomics passes α to C as an int; on integer gray levels |difference| ≤ α equals |difference| ≤ ⌊α⌋.
 */
function dependences(padded: PaddedLevels, step: Int32Array, alpha: number, voxelLevel: Int32Array, dependence: Int32Array): void {
  const { levels, voxels } = padded;
  for (let n = 0; n < voxels.length; n++) {
    const gray = levels[voxels[n]];
    let dependent = 1;
    for (let a = 0; a < step.length; a++) {
      const neighbour = levels[voxels[n] + step[a]];
      if (neighbour !== 0 && Math.abs(gray - neighbour) <= alpha) dependent++;
    }
    voxelLevel[n] = gray;
    dependence[n] = dependent;
  }
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
