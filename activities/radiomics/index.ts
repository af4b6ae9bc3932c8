/**
 * The radiomics engine: one entry point that turns an image and its mask into PyRadiomics-named
 * feature values (`original_<class>_<Feature>`, e.g. `original_glcm_Contrast`).
 * Each feature class is its own module; FEATURE_FAMILIES below lists them.
 */
import { InvalidSettingsError } from '../errors';
import type { Volume } from '../imaging/volume';
import { firstOrderFeatures } from './firstorder';
import { glcmFeatures } from './glcm';
import { gldmFeatures, gldmMatrix } from './gldm';
import { glrlmFeatures } from './glrlm';
import { glszmFeatures, glszmMatrix } from './glszm';
import { ngtdmFeatures, ngtdmMatrix } from './ngtdm';
import { defaultParams, type ExtractionParams, type FeatureClass } from './params-file';
import { preprocess } from './preprocess';
import { roiIntensities, type RoiSources } from './roi';
import type { RadiomicsSettings, RadiomicsSettingsInput } from './settings';
import { DEPRECATED_SHAPE_FEATURES, shapeFeatures } from './shape';
import { DEPRECATED_SHAPE2D_FEATURES, shape2DFeatures } from './shape2d';
import { voxelVolumeMm3 } from './shape-basic';
import { textureInput, type TextureInput } from './texture-input';

export { parseRadiomicsSettings, RadiomicsSettings } from './settings';
export type { RadiomicsSettingsInput } from './settings';
export { defaultParams, parseParams, parseParamsFile, type ExtractionParams } from './params-file';

/** PyRadiomics' name for the unfiltered image type. */
const IMAGE_TYPE = 'original';

/**
 * What a feature family may need, after preprocessing (preprocess.ts): `image` and `mask` are what
 * first-order and texture features see (normalized image, resegmented mask), `shapeMask` is what
 * shape features see. The texture input is built once, on first use.
 */
interface FamilyContext {
  image: Volume;
  mask: Volume;
  shapeMask: Volume;
  sources: RoiSources;
  roi: Float64Array;
  settings: RadiomicsSettings;
  texture: () => TextureInput;
}

/** Every feature class computed today, by PyRadiomics class name. */
const FEATURE_FAMILIES: Partial<Record<FeatureClass, (c: FamilyContext) => Record<string, number>>> = {
  firstorder: (c) => firstOrderFeatures(c.roi, c.settings, voxelVolumeMm3(c.image.spacing)),
  shape: (c) => shapeFeatures(c.shapeMask, c.settings.label, { maskUri: c.sources.maskUri, includeDeprecated: true }),
  shape2D: (c) => {
    if (!c.settings.force2D) throw new InvalidSettingsError('feature class shape2D needs setting force2D: true (as in PyRadiomics)');
    return shape2DFeatures(c.shapeMask, c.settings.label, {
      force2Ddimension: c.settings.force2Ddimension,
      maskUri: c.sources.maskUri,
      includeDeprecated: true,
    });
  },
  glcm: (c) => glcmFeatures(c.texture(), c.settings),
  glrlm: (c) => glrlmFeatures(c.texture(), c.settings),
  glszm: (c) => glszmFeatures(glszmMatrix(c.texture(), c.settings)),
  gldm: (c) => gldmFeatures(gldmMatrix(c.texture(), c.settings)),
  ngtdm: (c) => ngtdmFeatures(ngtdmMatrix(c.texture(), c.settings)),
};

/** Features PyRadiomics marks deprecated: computed only when a params file names them. */
const DEPRECATED: Partial<Record<FeatureClass, string[]>> = {
  firstorder: ['StandardDeviation'],
  shape: [...DEPRECATED_SHAPE_FEATURES],
  shape2D: [...DEPRECATED_SHAPE2D_FEATURES],
  gldm: ['GrayLevelNonUniformityNormalized', 'DependencePercentage'],
};

/**
 * The default PyRadiomics extraction (every class, Original image) with these settings.
 * Throws InvalidSettingsError (bad settings), GeometryMismatchError (mask on another grid),
 * InvalidMaskError (label absent, ROI too small before or after resegmentation) or
 * CorruptImageError (NaN inside the ROI), naming the files.
 */
export function extractFeatures(
  image: Volume,
  mask: Volume,
  settings: RadiomicsSettingsInput,
  maskUri?: string,
  imageUri?: string,
): Record<string, number> {
  return extractWithParams(image, mask, defaultParams(settings), { maskUri, imageUri });
}

/** The extraction a PyRadiomics params file describes (see params-file.ts). */
export function extractWithParams(
  image: Volume,
  mask: Volume,
  params: ExtractionParams,
  sources: RoiSources = {},
): Record<string, number> {
  const { settings } = params;
  const prepared = preprocess(image, mask, settings, sources);
  const roi = roiIntensities(prepared.image, prepared.mask, settings.label, sources);
  let texture: TextureInput | undefined;
  const context: FamilyContext = {
    ...prepared,
    sources,
    roi,
    settings,
    texture: () => (texture ??= textureInput(prepared.image, prepared.mask, settings.label, settings)),
  };
  const out: Record<string, number> = {};
  for (const [className, wanted] of Object.entries(params.featureClasses) as [FeatureClass, string[]][]) {
    const family = FEATURE_FAMILIES[className];
    if (!family) throw new InvalidSettingsError(`feature class "${className}" is not implemented yet`);
    const values = family(context);
    for (const name of wanted) {
      if (!(name in values)) {
        throw new InvalidSettingsError(`featureClass.${className}: no feature named "${name}" (known: ${Object.keys(values).join(', ')})`);
      }
    }
    const names = wanted.length > 0 ? wanted : Object.keys(values).filter((n) => !DEPRECATED[className]?.includes(n));
    for (const name of names) out[`${IMAGE_TYPE}_${className}_${name}`] = values[name];
  }
  return out;
}
