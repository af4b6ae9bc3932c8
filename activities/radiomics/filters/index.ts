/**
 * PyRadiomics' derived image types, by their params-file names: each turns the image it is given
 * into one or more derived images named as PyRadiomics prefixes their features
 * (`square_firstorder_Mean`, `wavelet-LLH_glcm_Contrast`, ...), in PyRadiomics' order.
 * Options use PyRadiomics' setting names; as in PyRadiomics, they are the extraction settings
 * merged with the image type's own options (the latter win), and keys a filter does not use are
 * ignored. Cropping (what image a filter sees) is the caller's business: see crop.ts.
 */
import { InvalidSettingsError } from '../../errors';
import type { Volume } from '../../imaging/volume';
import { gradientMagnitude, GRADIENT_FILTER_NAME } from './gradient';
import { logImages } from './log';
import { exponential, logarithm, SIMPLE_FILTER_NAMES, square, squareRoot } from './simple';
import { cropVolume, type IndexBox } from './crop';
import { waveletDecompositions, type DerivedImage } from './wavelet';

export type { DerivedImage } from './wavelet';
export { cropToLabel, cropVolume, labelBoundingBox, padBox, type IndexBox } from './crop';
export { gradientMagnitude } from './gradient';
export { laplacianOfGaussian, logImages } from './log';
export { exponential, logarithm, square, squareRoot } from './simple';
export { waveletDecompositions, WAVELETS } from './wavelet';

export const DERIVED_IMAGE_TYPES = ['LoG', 'Square', 'SquareRoot', 'Logarithm', 'Exponential', 'Gradient', 'Wavelet'] as const;
export type DerivedImageType = (typeof DERIVED_IMAGE_TYPES)[number];

/** The PyRadiomics settings the filters read (settings merged with the image type's options). */
export interface FilterOptions {
  /** Gradient: differences per mm (true, default) or per voxel. */
  gradientUseSpacing?: unknown;
  /** Wavelet: pywt name, default coif1. */
  wavelet?: unknown;
  /** Wavelet: levels skipped before the first kept, default 0. */
  start_level?: unknown;
  /** Wavelet: levels kept, default 1. */
  level?: unknown;
  /** Wavelet: leave the axis force2Ddimension (0 = z, 1 = y, 2 = x) untransformed. */
  force2D?: unknown;
  force2Ddimension?: unknown;
  [setting: string]: unknown;
}

/**
 * The derived images of one image type, in PyRadiomics' order: on the grid of `image`, or only
 * within `region` (a box of it; the grid cropVolume gives), with the voxels of the whole-image
 * result. LoG and Wavelet then compute only what the region needs; the others crop their result.
 */
export function derivedImages(imageType: DerivedImageType, image: Volume, options: FilterOptions = {}, region?: IndexBox): DerivedImage[] {
  switch (imageType) {
    case 'LoG':
      // Sigmas are taken as Python floats (names like log-sigma-2-0-mm-3D); skipped sigmas yield no image.
      return logImages(image, (options.sigma as number[] | undefined) ?? [], { region });
    case 'Wavelet':
      return waveletDecompositions(
        image,
        {
          wavelet: option(options, 'wavelet', 'string'),
          startLevel: option(options, 'start_level', 'number'),
          level: option(options, 'level', 'number'),
          force2D: option(options, 'force2D', 'boolean'),
          force2Ddimension: option(options, 'force2Ddimension', 'number'),
        },
        region,
      );
    default:
      return wholeImageFilter(imageType, image, options).map((d) => (region ? { ...d, image: cropVolume(d.image, region) } : d));
  }
}

/** The voxel-wise and gradient filters, on the whole image (their values depend on all of it). */
function wholeImageFilter(imageType: DerivedImageType, image: Volume, options: FilterOptions): DerivedImage[] {
  switch (imageType) {
    case 'Square':
      return [{ name: SIMPLE_FILTER_NAMES.Square, image: square(image) }];
    case 'SquareRoot':
      return [{ name: SIMPLE_FILTER_NAMES.SquareRoot, image: squareRoot(image) }];
    case 'Logarithm':
      return [{ name: SIMPLE_FILTER_NAMES.Logarithm, image: logarithm(image) }];
    case 'Exponential':
      return [{ name: SIMPLE_FILTER_NAMES.Exponential, image: exponential(image) }];
    case 'Gradient':
      return [
        {
          name: GRADIENT_FILTER_NAME,
          image: gradientMagnitude(image, { useSpacing: option(options, 'gradientUseSpacing', 'boolean') }),
        },
      ];
    default:
      throw new InvalidSettingsError(`image type "${String(imageType)}" is not a derived image type this module computes`);
  }
}

function option<K extends 'boolean' | 'number' | 'string'>(
  options: FilterOptions,
  key: string,
  type: K,
): (K extends 'boolean' ? boolean : K extends 'number' ? number : string) | undefined {
  const value = options[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== type) throw new InvalidSettingsError(`${key} must be a ${type}, not ${JSON.stringify(value)}`);
  return value as never;
}
