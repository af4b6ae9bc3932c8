/**
 * PyRadiomics parameter files, read as they are: a YAML (or JSON) map with
 *   setting:      extraction settings (binWidth, binCount, label, normalize, resegmentRange, ...)
 *   imageType:    image types and their options (Original: {}, LoG: {sigma: [...]}, ...)
 *   featureClass: feature classes, each with null / [] (all features) or a list of feature names
 * Every key is checked: an unknown key, a bad value, or a PyRadiomics option this engine does
 * not implement yet is an InvalidSettingsError that names the key and the file.
 */
import { parse as parseYaml } from 'yaml';
import { InvalidSettingsError } from '../errors';
import { parseRadiomicsSettings, RadiomicsSettings, type RadiomicsSettings as Settings } from './settings';

export const FEATURE_CLASSES = ['firstorder', 'shape', 'shape2D', 'glcm', 'glrlm', 'glszm', 'gldm', 'ngtdm'] as const;
export type FeatureClass = (typeof FEATURE_CLASSES)[number];

export const IMAGE_TYPES = [
  'Original', 'LoG', 'Wavelet', 'Square', 'SquareRoot', 'Logarithm', 'Exponential', 'Gradient', 'LBP2D', 'LBP3D',
] as const;
/** Image types this engine computes today. */
export const IMPLEMENTED_IMAGE_TYPES = ['Original', 'LoG', 'Square', 'SquareRoot', 'Logarithm', 'Exponential', 'Gradient', 'Wavelet'];

/**
 * PyRadiomics settings that change nothing here at the value given (e.g. an interpolator when
 * nothing is resampled). Any other value of them is refused as not implemented yet.
 */
const NEUTRAL_SETTINGS: Record<string, (value: unknown) => boolean> = {
  additionalInfo: () => true,
  enableCExtensions: () => true,
  geometryTolerance: () => true,
  correctMask: () => true,
  label_channel: (v) => v === 0 || v === null,
};

export interface ExtractionParams {
  settings: Settings;
  /** Image type → its options. */
  imageTypes: Record<string, Record<string, unknown>>;
  /** Feature class → the features asked for (an empty list means all of the class). */
  featureClasses: Partial<Record<FeatureClass, string[]>>;
}

/** The defaults of a PyRadiomics extractor: Original image, every feature class. */
export function defaultParams(settings: unknown = {}): ExtractionParams {
  return {
    settings: parseRadiomicsSettings(settings),
    imageTypes: { Original: {} },
    featureClasses: Object.fromEntries(FEATURE_CLASSES.filter((c) => c !== 'shape2D').map((c) => [c, []])),
  };
}

/** Read a PyRadiomics params file (YAML or JSON text). */
export function parseParamsFile(text: string, uri: string): ExtractionParams {
  let data: unknown;
  try {
    data = parseYaml(text) ?? {};
  } catch (err) {
    throw new InvalidSettingsError(`${uri}: not valid YAML: ${(err as Error).message}`, uri);
  }
  return parseParams(data, uri);
}

export function parseParams(data: unknown, uri = 'params'): ExtractionParams {
  const fail = (message: string): never => {
    throw new InvalidSettingsError(`${uri}: ${message}`, uri);
  };
  if (!isMap(data)) return fail('a params file is a map with setting, imageType and featureClass');
  for (const key of Object.keys(data)) {
    if (!['setting', 'imageType', 'featureClass', 'voxelSetting'].includes(key)) fail(`unknown top-level key "${key}"`);
  }
  return {
    settings: parseSettingSection(data.setting ?? {}, uri, fail),
    imageTypes: parseImageTypes(data.imageType ?? { Original: {} }, fail),
    featureClasses: data.featureClass === undefined ? defaultParams().featureClasses : parseFeatureClasses(data.featureClass, fail),
  };
}

function parseSettingSection(section: unknown, uri: string, fail: (m: string) => never): Settings {
  if (!isMap(section)) return fail('"setting" must be a map');
  const implemented = new Set(Object.keys(RadiomicsSettings.shape));
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(section)) {
    if (implemented.has(key)) kept[key] = value;
    else if (key in NEUTRAL_SETTINGS) {
      if (!NEUTRAL_SETTINGS[key](value)) fail(`setting.${key} = ${JSON.stringify(value)} is not implemented yet`);
    } else fail(`unknown setting "setting.${key}"`);
  }
  return parseRadiomicsSettings(kept, uri);
}

function parseImageTypes(section: unknown, fail: (m: string) => never): ExtractionParams['imageTypes'] {
  if (!isMap(section)) return fail('"imageType" must be a map of image types');
  const out: ExtractionParams['imageTypes'] = {};
  for (const [name, options] of Object.entries(section)) {
    if (!(IMAGE_TYPES as readonly string[]).includes(name)) fail(`unknown image type "imageType.${name}" (known: ${IMAGE_TYPES.join(', ')})`);
    if (!IMPLEMENTED_IMAGE_TYPES.includes(name)) fail(`image type "imageType.${name}" is not implemented yet`);
    if (options !== null && !isMap(options)) fail(`imageType.${name} must be a map of options or empty`);
    out[name] = (options ?? {}) as Record<string, unknown>;
  }
  if (Object.keys(out).length === 0) fail('"imageType" enables no image type');
  return out;
}

function parseFeatureClasses(section: unknown, fail: (m: string) => never): ExtractionParams['featureClasses'] {
  if (!isMap(section)) return fail('"featureClass" must be a map of feature classes');
  const out: ExtractionParams['featureClasses'] = {};
  for (const [name, features] of Object.entries(section)) {
    if (!(FEATURE_CLASSES as readonly string[]).includes(name)) {
      fail(`unknown feature class "featureClass.${name}" (known: ${FEATURE_CLASSES.join(', ')})`);
    }
    if (features !== null && !(Array.isArray(features) && features.every((f) => typeof f === 'string'))) {
      fail(`featureClass.${name} must be empty or a list of feature names`);
    }
    out[name as FeatureClass] = (features ?? []) as string[];
  }
  return out;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
