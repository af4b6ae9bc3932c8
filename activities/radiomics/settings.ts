/**
 * Radiomics extraction settings, named and defaulted as in PyRadiomics
 * (https://pyradiomics.readthedocs.io/en/latest/customization.html).
 * Unknown keys are refused, so a misspelt setting can never be silently ignored.
 */
import { z } from 'zod';
import { parseSettings } from '../settings-validation';

export const RadiomicsSettings = z
  .object({
    /** Mask value of the region of interest. */
    label: z.number().int().min(1).default(1),
    /** Width of the gray-level bins used to discretize intensities (Entropy, Uniformity, texture). */
    binWidth: z.number().positive().finite().default(25),
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
