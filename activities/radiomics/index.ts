/**
 * The radiomics engine: one entry point, `extractFeatures`, that turns an image and its mask into
 * PyRadiomics-named feature values (`original_<class>_<Feature>`, e.g. `original_firstorder_Mean`).
 * Each feature class is its own module; adding a class means adding one line to `extractFeatures`.
 */
import type { Volume } from '../imaging/volume';
import { firstOrderFeatures } from './firstorder';
import { roiIntensities } from './roi';
import { parseRadiomicsSettings, type RadiomicsSettingsInput } from './settings';
import { basicShapeFeatures, voxelVolumeMm3 } from './shape-basic';

export { parseRadiomicsSettings, RadiomicsSettings } from './settings';
export type { RadiomicsSettingsInput } from './settings';

/** PyRadiomics' name for the unfiltered image type. */
const IMAGE_TYPE = 'original';

/**
 * Every implemented feature of the ROI `mask == settings.label`, on the native voxel grid.
 * Throws InvalidSettingsError (bad settings), GeometryMismatchError (mask on another grid),
 * InvalidMaskError (label absent) or CorruptImageError (NaN inside the ROI), naming the files.
 */
export function extractFeatures(
  image: Volume,
  mask: Volume,
  settings: RadiomicsSettingsInput,
  maskUri?: string,
  imageUri?: string,
): Record<string, number> {
  const parsed = parseRadiomicsSettings(settings);
  const roi = roiIntensities(image, mask, parsed.label, { imageUri, maskUri });
  return {
    ...featureClass('firstorder', firstOrderFeatures(roi, parsed, voxelVolumeMm3(image.spacing))),
    ...featureClass('shape', basicShapeFeatures(roi.length, image.spacing)),
  };
}

/** Prefix each feature name with `<image type>_<class>_`. */
function featureClass(className: string, features: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(features).map(([name, value]) => [`${IMAGE_TYPE}_${className}_${name}`, value]),
  );
}
