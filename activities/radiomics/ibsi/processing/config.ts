/**
 * IBSI settings files: one image-processing configuration and its feature settings, in YAML (or
 * JSON), e.g. the IBSI 1 CT phantom's configurations A–E (test/fixtures/ibsi-ct/):
 *
 *   label: 1                        # ROI value in the mask (default 1)
 *   processing:                     # processIbsi options (index.ts); every step optional
 *     interpolation: { spacing: 2, dimensions: 3D, method: linear, roundIntensities: true,
 *                      roiMethod: linear, roiThreshold: 0.5 }
 *     resegmentation: { range: [-1000, 400], outlierSigma: 3 }
 *   features:                       # extractIbsiFeatures options (../index.ts)
 *     textureDimensions: 3D         # 2D: slice-wise texture aggregations only; 3D: volumetric only
 *     discretisation: { method: fixed_bin_size, binWidth: 25 }
 *     ivhDiscretisation: { method: fixed_bin_size, binWidth: 2.5 }
 *     ngldmAlpha: 0
 *
 * As the IBSI manual asks, the re-segmentation range carries over to the settings that need an
 * intensity range when they do not give their own: the lower bound of fixed bin size
 * discretisation (texture, IH and IVH), the upper bound of the IVH's fixed bin size grid, and the
 * IVH intensity range of discrete intensities (method none; both bounds needed).
 * Unknown keys and bad values are InvalidSettingsErrors naming the key and the file.
 */
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { InvalidSettingsError } from '../../../errors';
import { parseSettings } from '../../../settings-validation';
import { IBSI_FAMILIES, type IbsiOptions } from '../index';
import type { IbsiProcessing } from './index';

const finite = z.number().finite();
const positive = z.number().positive().finite();
const method = z.enum(['nearest', 'linear', 'cubic_spline']);

const Interpolation = z.strictObject({
  spacing: z.union([positive, z.tuple([positive, positive, positive])]),
  dimensions: z.enum(['2D', '3D']).default('3D'),
  method: method.default('linear'),
  roundIntensities: z.boolean().default(false),
  roiMethod: method.default('linear'),
  roiThreshold: z.number().gt(0).lte(1).default(0.5),
});

const Resegmentation = z
  .strictObject({
    range: z.tuple([finite.nullable(), finite.nullable()]).optional(),
    outlierSigma: positive.optional(),
  })
  .refine((r) => !r.range || r.range[0] === null || r.range[1] === null || r.range[0] <= r.range[1], {
    message: 'the range [a, b] needs a ≤ b',
    path: ['range'],
  });

const Discretisation = z.discriminatedUnion('method', [
  z.strictObject({ method: z.literal('none') }),
  z.strictObject({ method: z.literal('fixed_bin_size'), binWidth: positive, lowerBound: finite.optional() }),
  z.strictObject({ method: z.literal('fixed_bin_number'), binCount: z.number().int().positive() }),
]);

const IvhDiscretisation = z.discriminatedUnion('method', [
  z.strictObject({ method: z.literal('none'), range: z.tuple([finite, finite]).optional() }),
  z.strictObject({
    method: z.literal('fixed_bin_size'),
    binWidth: positive,
    lowerBound: finite.optional(),
    upperBound: finite.optional(),
  }),
  z.strictObject({ method: z.literal('fixed_bin_number'), binCount: z.number().int().positive() }),
]);

export const IbsiConfig = z.strictObject({
  label: z.number().int().default(1),
  processing: z
    .strictObject({
      interpolation: Interpolation.optional(),
      resegmentation: Resegmentation.optional(),
    })
    .default({}),
  features: z
    .strictObject({
      families: z.array(z.enum(IBSI_FAMILIES)).optional(),
      textureDimensions: z.enum(['2D', '3D']).optional(),
      discretisation: Discretisation.default({ method: 'none' }),
      ivhDiscretisation: IvhDiscretisation.default({ method: 'none' }),
      ngldmAlpha: z.number().int().min(0).default(0),
    })
    .default({ discretisation: { method: 'none' }, ivhDiscretisation: { method: 'none' }, ngldmAlpha: 0 }),
});
export type IbsiConfig = z.output<typeof IbsiConfig>;

/** Validate parsed settings (from YAML or JSON); `uri` names the file in errors. */
export function parseIbsiConfig(data: unknown, uri?: string): IbsiConfig {
  return parseSettings(IbsiConfig, data, 'IBSI settings', uri);
}

/** Read an IBSI settings file (YAML or JSON text). */
export function readIbsiConfig(text: string, uri: string): IbsiConfig {
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (err) {
    throw new InvalidSettingsError(`${uri}: not valid YAML: ${(err as Error).message}`, uri);
  }
  return parseIbsiConfig(data, uri);
}

/** The processIbsi options of a configuration. */
export function processingOptions(config: IbsiConfig): IbsiProcessing {
  return { label: config.label, ...config.processing };
}

/**
 * The extractIbsiFeatures options of a configuration (for the processed image, whose masks hold 1),
 * with the re-segmentation range carried over where an intensity range is missing.
 */
export function featureOptions(config: IbsiConfig): IbsiOptions {
  const [low, high] = config.processing.resegmentation?.range ?? [null, null];
  const { discretisation, ivhDiscretisation, ...rest } = config.features;
  const texture =
    discretisation.method === 'fixed_bin_size' && discretisation.lowerBound === undefined && low !== null
      ? { ...discretisation, lowerBound: low }
      : discretisation;
  let ivh = ivhDiscretisation;
  if (ivh.method === 'fixed_bin_size') {
    ivh = { ...ivh, lowerBound: ivh.lowerBound ?? low ?? undefined, upperBound: ivh.upperBound ?? high ?? undefined };
  } else if (ivh.method === 'none' && ivh.range === undefined && low !== null && high !== null) {
    ivh = { ...ivh, range: [low, high] };
  }
  return { ...rest, label: 1, discretisation: texture, ivhDiscretisation: ivh };
}
