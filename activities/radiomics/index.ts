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
import { preprocess, type PreparedInput } from './preprocess';
import { cropVolume, derivedImages, labelBoundingBox, padBox, type DerivedImage, type DerivedImageType } from './filters';
import { roiIntensities, type RoiSources } from './roi';
import { parseRadiomicsSettings, type RadiomicsSettings, type RadiomicsSettingsInput } from './settings';
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

/**
 * The extraction a PyRadiomics params file describes (see params-file.ts), in PyRadiomics' order:
 * preprocess (normalize, resample, resegment), optionally crop to the ROI box ± padDistance (preCrop), then
 * shape once from the mask (`original_shape_*`), then the other classes on every image type
 * (`original_*`, `square_*`, `wavelet-LLH_*`, ...), each type with the settings merged with its
 * own options.
 */
export function extractWithParams(
  image: Volume,
  mask: Volume,
  params: ExtractionParams,
  sources: RoiSources = {},
): Record<string, number> {
  const { settings } = params;
  const prepared = preCrop(preprocess(image, mask, settings, sources), mask, settings);
  const classes = Object.entries(params.featureClasses) as [FeatureClass, string[]][];
  const isShape = (c: FeatureClass) => c === 'shape' || c === 'shape2D';
  const out: Record<string, number> = {};
  const shapeContext = familyContext(prepared.image, prepared, settings, sources);
  for (const [className, wanted] of classes.filter(([c]) => isShape(c))) {
    Object.assign(out, classFeatures(IMAGE_TYPE, className, wanted, shapeContext));
  }
  for (const [imageType, options] of Object.entries(params.imageTypes)) {
    const typeSettings = Object.keys(options).length > 0 ? parseRadiomicsSettings({ ...settings, ...options }) : settings;
    // Derived images only within the ROI's box, where features read them (as PyRadiomics crops them).
    const box = imageType === 'Original' ? undefined : labelBoundingBox(prepared.mask, typeSettings.label);
    const images: DerivedImage[] =
      imageType === 'Original'
        ? [{ name: IMAGE_TYPE, image: prepared.image }]
        : derivedImages(imageType as DerivedImageType, prepared.image, typeSettings, box);
    const inputs = box ? { ...prepared, mask: cropVolume(prepared.mask, box) } : prepared;
    for (const derived of images) {
      const context = familyContext(derived.image, inputs, typeSettings, sources);
      for (const [className, wanted] of classes.filter(([c]) => !isShape(c))) {
        Object.assign(out, classFeatures(derived.name, className, wanted, context));
      }
    }
  }
  return out;
}

/** What the families see for one (original or derived) image; the texture input is made on first use. */
function familyContext(image: Volume, prepared: PreparedInput, settings: RadiomicsSettings, sources: RoiSources): FamilyContext {
  let texture: TextureInput | undefined;
  return {
    image,
    mask: prepared.mask,
    shapeMask: prepared.shapeMask,
    sources,
    roi: roiIntensities(image, prepared.mask, settings.label, sources),
    settings,
    texture: () => (texture ??= textureInput(image, prepared.mask, settings.label, settings)),
  };
}

/** One class's features, `<image type>_<class>_<Feature>`: the features asked for, or all but the deprecated. */
function classFeatures(imageName: string, className: FeatureClass, wanted: string[], context: FamilyContext): Record<string, number> {
  const family = FEATURE_FAMILIES[className];
  if (!family) throw new InvalidSettingsError(`feature class "${className}" is not implemented yet`);
  const values = family(context);
  for (const name of wanted) {
    if (!(name in values)) {
      throw new InvalidSettingsError(`featureClass.${className}: no feature named "${name}" (known: ${Object.keys(values).join(', ')})`);
    }
  }
  const names = wanted.length > 0 ? wanted : Object.keys(values).filter((n) => !DEPRECATED[className]?.includes(n));
  return Object.fromEntries(names.map((name) => [`${imageName}_${className}_${name}`, values[name]]));
}

/**
 * preCrop: image and masks cut to the original mask's ROI box ± padDistance, so filters see only that.
 * Not after resampling, which has cropped them already (PyRadiomics' loadImage does one or the other).
 */
function preCrop(prepared: PreparedInput, originalMask: Volume, settings: RadiomicsSettings): PreparedInput {
  if (!settings.preCrop || prepared.resampled) return prepared;
  const box = labelBoundingBox(originalMask, settings.label)!;
  const kept = padBox(box, settings.padDistance, originalMask.size);
  return { image: cropVolume(prepared.image, kept), mask: cropVolume(prepared.mask, kept), shapeMask: cropVolume(prepared.shapeMask, kept) };
}
