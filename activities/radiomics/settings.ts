/**
 * Radiomics extraction settings, named and defaulted as in PyRadiomics
 * (https://pyradiomics.readthedocs.io/en/latest/customization.html).
 * Unknown keys are refused, so a misspelt setting can never be silently ignored.
 */
import { z } from 'zod';
import { parseSettings } from '../settings-validation';
import { MAX_GRAY_LEVELS } from './discretize';
import { interpolatorNamed, interpolatorProblem } from './resample';

export const RadiomicsSettings = z
  .object({
    /** Mask value of the region of interest. */
    label: z.number().int().min(1).default(1),
    /** Width of the gray-level bins used to discretize intensities (Entropy, Uniformity, texture). */
    binWidth: z.number().positive().finite().default(25),
    /**
     * A fixed number of gray-level bins instead: when set, binWidth is ignored (as in PyRadiomics).
     * The bins split the ROI's min..max range evenly; the maximum falls in the last bin.
     */
    binCount: z.number().int().positive().max(MAX_GRAY_LEVELS).nullable().default(null),
    /**
     * Resample image and mask to this voxel spacing (mm, x y z; 0 keeps the original spacing along that
     * axis) right after normalization, on a grid that covers only the ROI's bounding box ± padDistance
     * new voxels (see resample.ts). null = no resampling.
     */
    resampledPixelSpacing: z.array(z.number().min(0).finite()).length(3).nullable().default(null),
    /**
     * The image's interpolator when resampling (the mask always uses nearest neighbour): sitkBSpline
     * (cubic B-spline), sitkLinear or sitkNearestNeighbor, or SimpleITK's numbers 1 (nearest) and 2
     * (linear). null = no resampling, even with resampledPixelSpacing set (as in PyRadiomics).
     */
    interpolator: z
      .union([z.string(), z.number()])
      .nullable()
      .default('sitkBSpline')
      .transform((value, context) => {
        if (value === null) return null;
        const interpolator = interpolatorNamed(value);
        if (interpolator) return interpolator;
        context.addIssue({ code: 'custom', message: interpolatorProblem(value) });
        return z.NEVER;
      }),
    /** Crop image and masks to the ROI's bounding box ± padDistance before filters run (PyRadiomics preCrop; not with resampling). */
    preCrop: z.boolean().default(false),
    /** Voxels kept around the ROI's bounding box when cropping (preCrop) or resampling (new voxels). */
    padDistance: z.number().int().min(0).default(5),
    /** Gradient image type: differences per mm (true) or per voxel. */
    gradientUseSpacing: z.boolean().default(true),
    /** Wavelet image type: the pywt wavelet name (coif1, haar, db2, sym3, ...). */
    wavelet: z.string().default('coif1'),
    /** Wavelet image type: decomposition levels skipped before the first one kept. */
    start_level: z.number().int().min(0).default(0),
    /** Wavelet image type: decomposition levels kept. */
    level: z.number().int().min(1).default(1),
    /** LoG image type: Gaussian sigmas in mm. */
    sigma: z.array(z.number().positive()).default([]),
    /** Z-score the whole image (mean and SD of every voxel, not just the ROI) before extraction. */
    normalize: z.boolean().default(false),
    /** Factor applied to the z-scores when normalize is set (e.g. 100 puts them on a ±300 scale). */
    normalizeScale: z.number().positive().finite().default(1),
    /** With normalize: clamp z-scores to ±removeOutliers (before normalizeScale); null keeps them all. */
    removeOutliers: z.number().positive().finite().nullable().default(null),
    /**
     * Resegmentation: keep only ROI voxels with lower ≤ value (one threshold) or lower ≤ value ≤ upper
     * (two, in either order), thresholds read as resegmentMode says. Applies to first-order and texture
     * features; shape keeps the original mask unless resegmentShape is set. null = no resegmentation.
     */
    resegmentRange: z.array(z.number().finite()).min(1).max(2).nullable().default(null),
    /** 'absolute' gray values; 'relative' fractions of the ROI maximum; 'sigma' ROI SDs from the ROI mean. */
    resegmentMode: z.enum(['absolute', 'relative', 'sigma']).default('absolute'),
    /** Shape features use the resegmented mask too. */
    resegmentShape: z.boolean().default(false),
    /** The ROI's bounding box must be more than one voxel wide along at least this many axes (1..3). */
    minimumROIDimensions: z.number().int().min(1).max(3).default(2),
    /** The ROI must hold more than this many voxels (PyRadiomics refuses an ROI of exactly this size); null = no check. */
    minimumROISize: z.number().int().positive().nullable().default(null),
    /** Added to intensities in Energy, TotalEnergy and RootMeanSquared to avoid negative values. */
    voxelArrayShift: z.number().finite().default(0),
    /** Neighbour distances (infinity norm, voxels) of the texture matrices. */
    distances: z.array(z.number().int().min(1)).min(1).default([1]),
    /** Texture matrices in 2D: only neighbours within the plane orthogonal to force2Ddimension. */
    force2D: z.boolean().default(false),
    /** The out-of-plane axis for force2D: 0 = z (axial), 1 = y (coronal), 2 = x (sagittal). */
    force2Ddimension: z.number().int().min(0).max(2).default(0),
    /** GLCM counts each neighbour pair in both directions. */
    symmetricalGLCM: z.boolean().default(true),
    /**
     * How GLCM/GLRLM directions are merged: null (per-direction features, averaged); 'no_weighting'
     * (matrices summed); 'manhattan' | 'euclidean' | 'infinity' (summed, weighted by exp(−d²) of the offset's norm).
     */
    weightingNorm: z.enum(['manhattan', 'euclidean', 'infinity', 'no_weighting']).nullable().default(null),
    /** GLDM: a neighbour depends on the center when |difference| ≤ gldm_a. */
    gldm_a: z.number().min(0).default(0),
  })
  .strict();

/** Settings after defaults are applied. */
export type RadiomicsSettings = z.output<typeof RadiomicsSettings>;
/** Settings as a caller may write them: every key optional. */
export type RadiomicsSettingsInput = z.input<typeof RadiomicsSettings>;

/**
 * Validate settings and apply defaults. Throws InvalidSettingsError naming the offending key
 * (and `sourceUri`, the file the settings came from, when given).
 */
export function parseRadiomicsSettings(input: unknown, sourceUri?: string): RadiomicsSettings {
  return parseSettings(RadiomicsSettings, input, 'radiomics settings', sourceUri);
}
