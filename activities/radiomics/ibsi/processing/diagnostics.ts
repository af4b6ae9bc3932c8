/**
 * IBSI diagnostic features (IBSI 1 manual, "Reference data sets", "Diagnostic features"): how the
 * image and the ROI masks change through image processing. Tags as in the IBSI 1 compliance table:
 *   image, stage init | interp:
 *     img_dim_{x,y,z}_<stage>_img     grid size (voxels)
 *     vox_dim_{x,y,z}_<stage>_img     voxel spacing (mm)
 *     {mean,min,max}_int_<stage>_img  intensity over the whole image
 *   ROI, stage init | interp | reseg:
 *     int_mask_dim_{x,y,z}_<stage>_roi                   grid size of the intensity mask
 *     int_mask_bb_dim_, morph_mask_bb_dim_{x,y,z}_…      bounding box size (voxels) of each mask
 *     int_mask_vox_count_, morph_mask_vox_count_…        voxels in each mask
 *     int_mask_{mean,min,max}_int_<stage>_roi            intensity over the intensity mask
 */
import type { Volume } from '../../../imaging/volume';

const AXES = ['x', 'y', 'z'] as const;

/** The image diagnostics of one stage. */
export function imageDiagnostics(image: Volume, stage: 'init' | 'interp'): Record<string, number> {
  const out: Record<string, number> = {};
  AXES.forEach((axis, a) => {
    out[`img_dim_${axis}_${stage}_img`] = image.size[a];
    out[`vox_dim_${axis}_${stage}_img`] = image.spacing[a];
  });
  const { mean, min, max } = summary(image, null);
  Object.assign(out, { [`mean_int_${stage}_img`]: mean, [`min_int_${stage}_img`]: min, [`max_int_${stage}_img`]: max });
  return out;
}

/** The ROI diagnostics of one stage, from the intensity and morphological masks (binary). */
export function roiDiagnostics(
  image: Volume,
  intensityMask: Volume<Uint8Array>,
  morphologicalMask: Volume<Uint8Array>,
  stage: 'init' | 'interp' | 'reseg',
): Record<string, number> {
  const out: Record<string, number> = {};
  const intensityBox = boundingBox(intensityMask);
  const morphologyBox = boundingBox(morphologicalMask);
  AXES.forEach((axis, a) => {
    out[`int_mask_dim_${axis}_${stage}_roi`] = intensityMask.size[a];
    out[`int_mask_bb_dim_${axis}_${stage}_roi`] = intensityBox[a];
    out[`morph_mask_bb_dim_${axis}_${stage}_roi`] = morphologyBox[a];
  });
  const { mean, min, max, count } = summary(image, intensityMask);
  out[`int_mask_vox_count_${stage}_roi`] = count;
  out[`morph_mask_vox_count_${stage}_roi`] = morphologicalMask.data.reduce((s, v) => s + v, 0);
  out[`int_mask_mean_int_${stage}_roi`] = mean;
  out[`int_mask_min_int_${stage}_roi`] = min;
  out[`int_mask_max_int_${stage}_roi`] = max;
  return out;
}

/** Mean, minimum, maximum and count of the intensities inside `mask` (all voxels when null). */
function summary(image: Volume, mask: Volume<Uint8Array> | null) {
  let [count, sum, min, max] = [0, 0, Infinity, -Infinity];
  for (let n = 0; n < image.data.length; n++) {
    if (mask && !mask.data[n]) continue;
    const v = image.data[n];
    count++;
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { mean: sum / count, min, max, count };
}

/** Size (voxels) of the bounding box of the mask's nonzero voxels along x, y, z (0 when empty). */
function boundingBox(mask: Volume<Uint8Array>): [number, number, number] {
  const [nx, ny] = mask.size;
  const lower = [Infinity, Infinity, Infinity];
  const upper = [-Infinity, -Infinity, -Infinity];
  for (let n = 0; n < mask.data.length; n++) {
    if (!mask.data[n]) continue;
    const ijk = [n % nx, Math.floor(n / nx) % ny, Math.floor(n / (nx * ny))];
    for (let a = 0; a < 3; a++) {
      if (ijk[a] < lower[a]) lower[a] = ijk[a];
      if (ijk[a] > upper[a]) upper[a] = ijk[a];
    }
  }
  return [0, 1, 2].map((a) => (upper[a] >= lower[a] ? upper[a] - lower[a] + 1 : 0)) as [number, number, number];
}
