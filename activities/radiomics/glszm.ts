/**
 * PyRadiomics Gray Level Size Zone Matrix features (radiomics/glszm.py,
 * https://pyradiomics.readthedocs.io/en/latest/features.html#module-radiomics.glszm).
 *
 * A zone is a connected set of ROI voxels with the same gray level; voxels are connected when
 * they are neighbours at infinity-norm distance 1 (26-connectivity in 3D, 8-connectivity within the
 * plane with force2D). P(i, j) counts the zones of gray level i and size j voxels. The `distances`
 * setting does not apply: PyRadiomics always grows zones at distance 1.
 * Rows hold the gray levels present in the ROI, columns the zone sizes that occur.
 * Formulas: see level-size-matrix.ts (Nz = number of zones, Np = number of ROI voxels).
 */
import type { RadiomicsSettings } from './settings';
import type { TextureInput } from './texture-input';
import * as ls from './level-size-matrix';
import { neighbourhood, neighbourSteps } from './neighbourhood';
import { paddedLevels, type PaddedLevels } from './texture-common';

export type GlszmMatrix = ls.LevelSizeMatrix;
export type GlszmSettings = Pick<RadiomicsSettings, 'force2D' | 'force2Ddimension'>;

/**
 * The GLSZM of the ROI: zones found by flood fill with an explicit stack, on the box padded by
 * one voxel of level 0 (no neighbour is then outside the array, and none outside the box matches).
 */
export function glszmMatrix(input: TextureInput, settings: GlszmSettings): GlszmMatrix {
  const neighbours = neighbourhood(input.size, {
    distances: [1],
    force2D: settings.force2D,
    force2Ddimension: settings.force2Ddimension,
  });
  const padded = paddedLevels(input, 1);
  // At most one zone per voxel.
  const zoneLevel = new Int32Array(padded.voxels.length);
  const zoneSize = new Int32Array(padded.voxels.length);
  const zones = findZones(padded, neighbourSteps(neighbours, padded.size), zoneLevel, zoneSize);
  return ls.tallyLevelSize(zoneLevel, zoneSize, zones);
}

/**
 * Gray level and size of every zone, into zoneLevel and zoneSize in the order their first voxel
 * comes in the scan; returns the number of zones.
 */
function findZones(padded: PaddedLevels, step: Int32Array, zoneLevel: Int32Array, zoneSize: Int32Array): number {
  const { voxels } = padded;
  // Gray levels of the voxels not yet in a zone: a voxel's level is set to 0 when it joins one.
  const unassigned = padded.levels.slice();
  // Every voxel is pushed at most once, so the stack never holds more than Np voxels.
  const stack = new Int32Array(voxels.length);
  let zones = 0;
  for (let next = 0; next < voxels.length; next++) {
    const start = voxels[next];
    const gray = unassigned[start];
    if (gray === 0) continue;
    unassigned[start] = 0;
    stack[0] = start;
    let top = 1;
    let zoneVoxels = 0;
    while (top > 0) {
      const k = stack[--top];
      zoneVoxels++;
      for (let a = 0; a < step.length; a++) {
        const neighbour = k + step[a];
        if (unassigned[neighbour] !== gray) continue;
        unassigned[neighbour] = 0;
        stack[top++] = neighbour;
      }
    }
    zoneLevel[zones] = gray;
    zoneSize[zones++] = zoneVoxels;
  }
  return zones;
}

/** All 16 GLSZM features, by PyRadiomics name. */
export function glszmFeatures(matrix: GlszmMatrix): Record<string, number> {
  const s = ls.levelSizeSums(matrix);
  return {
    GrayLevelNonUniformity: ls.grayLevelNonUniformity(s),
    GrayLevelNonUniformityNormalized: ls.grayLevelNonUniformityNormalized(s),
    GrayLevelVariance: ls.grayLevelVariance(s),
    HighGrayLevelZoneEmphasis: ls.highGrayLevelEmphasis(s),
    LargeAreaEmphasis: ls.largeSizeEmphasis(s),
    LargeAreaHighGrayLevelEmphasis: ls.largeSizeHighGrayLevelEmphasis(s),
    LargeAreaLowGrayLevelEmphasis: ls.largeSizeLowGrayLevelEmphasis(s),
    LowGrayLevelZoneEmphasis: ls.lowGrayLevelEmphasis(s),
    SizeZoneNonUniformity: ls.sizeNonUniformity(s),
    SizeZoneNonUniformityNormalized: ls.sizeNonUniformityNormalized(s),
    SmallAreaEmphasis: ls.smallSizeEmphasis(s),
    SmallAreaHighGrayLevelEmphasis: ls.smallSizeHighGrayLevelEmphasis(s),
    SmallAreaLowGrayLevelEmphasis: ls.smallSizeLowGrayLevelEmphasis(s),
    ZoneEntropy: ls.sizeEntropy(s),
    ZonePercentage: zonePercentage(s),
    ZoneVariance: ls.sizeVariance(s),
  };
}

/** ZonePercentage = Nz / Np, with Np = Σ_j ps(j) · j (every voxel lies in exactly one zone) */
export function zonePercentage(s: ls.LevelSizeSums): number {
  let voxels = 0;
  for (let c = 0; c < s.ps.length; c++) voxels += s.ps[c] * s.matrix.sizes[c];
  return s.total / (voxels === 0 ? 1 : voxels);
}
