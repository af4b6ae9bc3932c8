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
import { neighbourhood } from './neighbourhood';

export type GlszmMatrix = ls.LevelSizeMatrix;
export type GlszmSettings = Pick<RadiomicsSettings, 'force2D' | 'force2Ddimension'>;

/** The GLSZM of the ROI: zones found by flood fill with an explicit stack. */
export function glszmMatrix(input: TextureInput, settings: GlszmSettings): GlszmMatrix {
  const { levels, size, voxelCount } = input;
  const [nx, ny, nz] = size;
  const plane = nx * ny;
  const { count, dx, dy, dz, step } = neighbourhood(size, {
    distances: [1],
    force2D: settings.force2D,
    force2Ddimension: settings.force2Ddimension,
  });
  const assigned = new Uint8Array(levels.length);
  // Every voxel is pushed at most once, so the stack never holds more than Np voxels.
  const stack = new Int32Array(voxelCount);
  const zoneLevel = new Int32Array(voxelCount);
  const zoneSize = new Int32Array(voxelCount);
  let zones = 0;
  for (let start = 0; start < levels.length; start++) {
    const gray = levels[start];
    if (gray === 0 || assigned[start]) continue;
    assigned[start] = 1;
    stack[0] = start;
    let top = 1;
    let voxels = 0;
    while (top > 0) {
      const k = stack[--top];
      voxels++;
      const x = k % nx;
      const y = ((k - x) / nx) % ny;
      const z = (k - x - nx * y) / plane;
      for (let a = 0; a < count; a++) {
        const xn = x + dx[a];
        const yn = y + dy[a];
        const zn = z + dz[a];
        if (xn < 0 || xn >= nx || yn < 0 || yn >= ny || zn < 0 || zn >= nz) continue;
        const neighbour = k + step[a];
        if (levels[neighbour] !== gray || assigned[neighbour]) continue;
        assigned[neighbour] = 1;
        stack[top++] = neighbour;
      }
    }
    zoneLevel[zones] = gray;
    zoneSize[zones++] = voxels;
  }
  return ls.tallyLevelSize(zoneLevel, zoneSize, zones);
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
