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
