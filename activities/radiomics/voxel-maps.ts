/**
 * Voxel-based extraction, as PyRadiomics' `RadiomicsFeatureExtractor.execute(..., voxelBased=True)`:
 * a feature map per feature (`original_firstorder_Mean`, `original_glcm_Contrast`, ...), each ROI
 * voxel holding the feature computed over its kernel, the voxels within Chebyshev distance
 * kernelRadius of it (see voxel/grid.ts).
 *
 * Steps, in PyRadiomics' order: preprocess (normalize, resegment: preprocess.ts) and preCrop as
 * extractWithParams does; derive each image type from the whole (or pre-cropped) image; crop image
 * and mask to the ROI's bounding box ± kernelRadius (clipped to the image; PyRadiomics'
 * cropToTumorMask with padDistance = kernelRadius); discretize once for the whole ROI (or the whole
 * cropped grid with maskedKernel false); compute every kernel.
 *
 * Maps are float64 volumes on that cropped grid (PyRadiomics copies the cropped image's geometry
 * onto them: same spacing and direction, origin at the first kept voxel). Voxels outside the ROI
 * hold initValue, as do ROI voxels of a feature PyRadiomics fails to compute (GLCM MCC, see
 * voxel/glcm.ts). Shape classes have no voxel-based form and are skipped, as in PyRadiomics.
 *
 * Implemented classes: firstorder, glcm (allocation-free kernels), glrlm, glszm, gldm, ngtdm
 * (the segment code on each kernel box: voxel/texture.ts).
 */
import { InvalidSettingsError } from '../errors';
import { encodeNrrd } from '../imaging/nrrd';
import type { Volume } from '../imaging/volume';
import type { BlobStore, PutResult } from '../storage/blob-store';
import { cropVolume, derivedImages, labelBoundingBox, padBox, type DerivedImage, type DerivedImageType } from './filters';
import type { ExtractionParams, FeatureClass } from './params-file';
import { preprocess, type PreparedInput } from './preprocess';
import type { RoiSources } from './roi';
import { parseRadiomicsSettings, type RadiomicsSettings } from './settings';
import { firstOrderVoxelMaps, VOXEL_FIRST_ORDER_NAMES } from './voxel/firstorder';
import { glcmVoxelMaps, VOXEL_GLCM_NAMES } from './voxel/glcm';
import { kernelGrid, type KernelGrid } from './voxel/grid';
import { kernelTextureNames, textureVoxelMaps, type KernelTextureClass } from './voxel/texture';

export interface VoxelMapOptions {
  /** Kernel radius in voxels (Chebyshev distance), PyRadiomics kernelRadius. Default 1. */
  kernelRadius?: number;
  /**
   * Kernels use ROI voxels only (default, PyRadiomics maskedKernel true); false: every voxel of the
   * cropped grid, and the gray levels are binned over all of them.
   */
  maskedKernel?: boolean;
  /** Value of the map voxels outside the ROI (PyRadiomics initValue). Default 0. */
  initValue?: number;
  /**
   * Voxels computed per batch (PyRadiomics voxelBatch; default −1 = all in one). It changes only
   * what PyRadiomics' batching changes: GLCM MCC and JointAverage, see voxel/glcm.ts.
   */
  voxelBatch?: number;
  /** The classes to map (default: the non-shape classes of params.featureClasses). */
  classes?: FeatureClass[];
}

/** Feature name (`<image type>_<class>_<feature>`) → map. */
export type FeatureMaps = Record<string, Volume<Float64Array>>;

/** Classes with a voxel-based form. */
export const VOXEL_FEATURE_CLASSES = ['firstorder', 'glcm', 'glrlm', 'glszm', 'gldm', 'ngtdm'] as const;
type VoxelClass = (typeof VOXEL_FEATURE_CLASSES)[number];

/** Features PyRadiomics computes only when named (as in index.ts). */
const DEPRECATED: Partial<Record<VoxelClass, string[]>> = { firstorder: ['StandardDeviation'] };

/**
 * The feature maps of the extraction `params` describes, voxel-based. Throws as extractWithParams
 * does (InvalidSettingsError, GeometryMismatchError, InvalidMaskError, CorruptImageError), and
 * InvalidSettingsError for bad options.
 */
export function voxelFeatureMaps(
  image: Volume,
  mask: Volume,
  params: ExtractionParams,
  options: VoxelMapOptions = {},
  sources: RoiSources = {},
): FeatureMaps {
  const { kernelRadius = 1, maskedKernel = true, initValue = 0, voxelBatch = -1 } = options;
  if (!(Number.isInteger(kernelRadius) && kernelRadius >= 1)) {
    throw new InvalidSettingsError(`kernelRadius must be an integer ≥ 1, not ${kernelRadius}`);
  }
  if (!(Number.isInteger(voxelBatch) && voxelBatch !== 0)) {
    throw new InvalidSettingsError(`voxelBatch must be a positive integer (or −1 for all voxels at once), not ${voxelBatch}`);
  }
  if (typeof initValue !== 'number') throw new InvalidSettingsError(`initValue must be a number, not ${String(initValue)}`);
  const classes = wantedClasses(params, options.classes);
  const { settings } = params;

  const prepared = preCrop(preprocess(image, mask, settings, sources), mask, settings);
  const box = labelBoundingBox(prepared.mask, settings.label)!;
  const kept = padBox(box, kernelRadius, prepared.mask.size);
  const croppedMask = cropVolume(prepared.mask, kept);

  const maps: FeatureMaps = {};
  for (const [imageType, typeOptions] of Object.entries(params.imageTypes)) {
    const typeSettings = Object.keys(typeOptions).length > 0 ? parseRadiomicsSettings({ ...settings, ...typeOptions }) : settings;
    const images: DerivedImage[] =
      imageType === 'Original'
        ? [{ name: 'original', image: prepared.image }]
        : derivedImages(imageType as DerivedImageType, prepared.image, typeSettings);
    for (const derived of images) {
      const cropped = cropVolume(derived.image, kept);
      const grid = kernelGrid(cropped, croppedMask, {
        label: typeSettings.label,
        radius: kernelRadius,
        masked: maskedKernel,
        binning: typeSettings,
        force2D: typeSettings.force2D,
        force2Ddimension: typeSettings.force2Ddimension,
      });
      for (const [className, wanted] of classes) {
        const names = featureNames(className, wanted);
        const data = names.map(() => new Float64Array(cropped.data.length).fill(initValue));
        computeClass(className, grid, typeSettings, { voxelBatch, initValue }, names, data);
        names.forEach((name, f) => {
          maps[`${derived.name}_${className}_${name}`] = {
            data: data[f],
            size: [...cropped.size],
            spacing: [...cropped.spacing],
            origin: [...cropped.origin],
            direction: [...cropped.direction],
          };
        });
      }
    }
  }
  return maps;
}

/** The (class, features asked for) pairs to map, in params order. */
function wantedClasses(params: ExtractionParams, only: FeatureClass[] | undefined): [VoxelClass, string[]][] {
  const isVoxelClass = (c: string): c is VoxelClass => (VOXEL_FEATURE_CLASSES as readonly string[]).includes(c);
  if (only) {
    for (const c of only) {
      if (!isVoxelClass(c) && c !== 'shape' && c !== 'shape2D') throw new InvalidSettingsError(`unknown feature class "${c}"`);
    }
    return only.filter(isVoxelClass).map((c) => [c, params.featureClasses[c] ?? []]);
  }
  return (Object.entries(params.featureClasses) as [FeatureClass, string[]][]).filter(
    (entry): entry is [VoxelClass, string[]] => isVoxelClass(entry[0]),
  );
}

/** The features of a class to map: those asked for (checked), or all but the deprecated ones. */
function featureNames(className: VoxelClass, wanted: string[]): string[] {
  const known: readonly string[] =
    className === 'firstorder' ? VOXEL_FIRST_ORDER_NAMES : className === 'glcm' ? VOXEL_GLCM_NAMES : kernelTextureNames(className);
  for (const name of wanted) {
    if (!known.includes(name)) {
      throw new InvalidSettingsError(`featureClass.${className}: no feature named "${name}" (known: ${known.join(', ')})`);
    }
  }
  return wanted.length > 0 ? [...wanted] : known.filter((n) => !DEPRECATED[className]?.includes(n));
}

function computeClass(
  className: VoxelClass,
  grid: KernelGrid,
  settings: RadiomicsSettings,
  batch: { voxelBatch: number; initValue: number },
  names: string[],
  data: Float64Array[],
): void {
  const byName = new Map(names.map((name, f) => [name, data[f]]));
  switch (className) {
    case 'firstorder':
      firstOrderVoxelMaps(grid, settings.voxelArrayShift, VOXEL_FIRST_ORDER_NAMES.map((n) => byName.get(n)));
      return;
    case 'glcm':
      glcmVoxelMaps(grid, settings, batch, VOXEL_GLCM_NAMES.map((n) => byName.get(n)));
      return;
    default:
      textureVoxelMaps(className as KernelTextureClass, grid, settings, Object.fromEntries(byName));
  }
}

/** preCrop: image and masks cut to the original mask's ROI box ± padDistance (as extractWithParams). */
function preCrop(prepared: PreparedInput, originalMask: Volume, settings: RadiomicsSettings): PreparedInput {
  if (!settings.preCrop) return prepared;
  const box = labelBoundingBox(originalMask, settings.label)!;
  const kept = padBox(box, settings.padDistance, originalMask.size);
  return { image: cropVolume(prepared.image, kept), mask: cropVolume(prepared.mask, kept), shapeMask: cropVolume(prepared.shapeMask, kept) };
}

/** Characters a feature name may have to become part of a URI. */
const SAFE_NAME = /^[A-Za-z0-9._-]+$/;

/**
 * Write every map as `<outputUriPrefix><feature name>.nrrd` (NRRD, float64, gzip unless
 * options.gzip is false; the same maps always give the same bytes). Each object is written once
 * (putIfAbsent: a retry finds it and writes nothing; other bytes already there are an
 * OutputConflictError). Returns the writes in map order.
 */
export async function writeFeatureMaps(
  store: BlobStore,
  outputUriPrefix: string,
  maps: FeatureMaps,
  options: { gzip?: boolean } = {},
): Promise<(PutResult & { written: boolean })[]> {
  const results: (PutResult & { written: boolean })[] = [];
  for (const [name, map] of Object.entries(maps)) {
    if (!SAFE_NAME.test(name)) throw new InvalidSettingsError(`feature map name "${name}" cannot be used in a file name`);
    results.push(await store.putIfAbsent(`${outputUriPrefix}${name}.nrrd`, encodeNrrd(map, { gzip: options.gzip ?? true })));
  }
  return results;
}
