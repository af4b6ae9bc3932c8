/**
 * IBSI-convention feature extraction (Image Biomarker Standardisation Initiative, chapter 1:
 * Zwanenburg et al., Radiology 2020;295:328-338; reference manual arXiv:1612.07003), beside the
 * engine's PyRadiomics-convention extraction (../index.ts). Output keys are the tags of the IBSI
 * submission table as MIRP names them: `<family>_<feature>[_<aggregation>]`, e.g. stat_mean,
 * cm_contrast_3D_avg, szm_sze_2_5D (see aggregation.ts for the aggregation suffixes).
 *
 * Families and their modules:
 *   morph_*  morphology.ts                   loc_*  local-intensity.ts
 *   stat_*   statistics.ts                   ih_*   intensity-histogram.ts
 *   ivh_*    intensity-volume-histogram.ts   cm_*   glcm.ts      rlm_*  glrlm.ts
 *   szm_*    glszm.ts     dzm_*  gldzm.ts    ngt_*  ngtdm.ts     ngl_*  ngldm.ts
 *
 * The image and masks are used as given: IBSI image processing (interpolation, intensity rounding,
 * ROI interpolation, re-segmentation) is processing/index.ts (processIbsi), whose intensity mask is
 * `mask` here and whose morphological mask is the `morphologicalMask` option (default: `mask`, the
 * two masks being the same without re-segmentation). Then one discretisation (discretisation.ts)
 * for the intensity histogram and the texture families, plus the IVH's own (IBSI treats it apart).
 * The default, no discretisation, is the IBSI digital phantom's setting: its intensities are the
 * grey levels.
 */
import type { Volume } from '../../imaging/volume';
import type { TextureInput } from '../texture-input';
import { discretise, type IbsiDiscretisation } from './discretisation';
import { ibsiGlcmFeatures } from './glcm';
import { ibsiGldzmFeatures, morphologicalEdgeDistances } from './gldzm';
import { ibsiGlrlmFeatures } from './glrlm';
import { ibsiGlszmFeatures } from './glszm';
import { ibsiIntensityHistogramFeatures } from './intensity-histogram';
import { ibsiIvhFeatures, type IvhDiscretisation } from './intensity-volume-histogram';
import { ibsiLocalIntensityFeatures } from './local-intensity';
import { ibsiMorphologyFeatures } from './morphology';
import { ibsiNgldmFeatures } from './ngldm';
import { ibsiNgtdmFeatures } from './ngtdm';
import { ibsiRegion, type IbsiRegion } from './region';
import { ibsiStatisticsFeatures } from './statistics';
import { textureBox, textureGrid } from './texture-grid';

export type { IbsiDiscretisation } from './discretisation';
export type { IvhDiscretisation } from './intensity-volume-histogram';

/** IBSI feature families, by tag prefix. */
export const IBSI_FAMILIES = ['morph', 'loc', 'stat', 'ih', 'ivh', 'cm', 'rlm', 'szm', 'dzm', 'ngt', 'ngl'] as const;
export type IbsiFamily = (typeof IBSI_FAMILIES)[number];

export interface IbsiOptions {
  /** Mask value of the ROI (default 1), in the mask and in the morphological mask. */
  label?: number;
  /**
   * The morphological mask, on the image grid (default: the mask itself). The mask given to
   * extractIbsiFeatures is then the intensity mask, which must lie within it.
   */
  morphologicalMask?: Volume;
  /** Discretisation for the intensity histogram and texture families (default none: intensities are grey levels). */
  discretisation?: IbsiDiscretisation;
  /** Discretisation for the intensity-volume histogram (default none: discrete calibrated intensities). */
  ivhDiscretisation?: IvhDiscretisation;
  /** NGLDM coarseness α (default 0). */
  ngldmAlpha?: number;
  /** Families to compute (default all). */
  families?: readonly IbsiFamily[];
  /**
   * Texture aggregations to report (default both): '2D' keeps the slice-wise ones (2D and 2.5D
   * suffixes), '3D' the volumetric ones, as a 2D or 3D IBSI configuration reports them.
   */
  textureDimensions?: '2D' | '3D';
}

/** Tag suffixes of the 2D (slice-wise) and 3D texture aggregations (aggregation.ts). */
const TEXTURE_SUFFIXES: Record<'2D' | '3D', readonly string[]> = {
  '2D': ['_2D_avg', '_2D_comb', '_2_5D_avg', '_2_5D_comb', '_2D', '_2_5D'],
  '3D': ['_3D_avg', '_3D_comb', '_3D'],
};
const TEXTURE_FAMILIES: readonly IbsiFamily[] = ['cm', 'rlm', 'szm', 'dzm', 'ngt', 'ngl'];

/** What a family is computed from; the grey levels and texture grid are made once, on first use. */
interface FamilyInput {
  region: IbsiRegion;
  greyLevels: () => { levels: Int32Array; levelCount: number };
  grid: () => TextureInput;
  options: IbsiOptions;
}

const FAMILIES: Record<IbsiFamily, (input: FamilyInput) => Record<string, number>> = {
  morph: (c) => ibsiMorphologyFeatures(c.region),
  loc: (c) => ibsiLocalIntensityFeatures(c.region),
  stat: (c) => ibsiStatisticsFeatures(c.region.intensities),
  ih: (c) => ibsiIntensityHistogramFeatures(c.greyLevels().levels, c.greyLevels().levelCount),
  ivh: (c) => ibsiIvhFeatures(c.region.intensities, c.options.ivhDiscretisation),
  cm: (c) => ibsiGlcmFeatures(c.grid()),
  rlm: (c) => ibsiGlrlmFeatures(c.grid()),
  szm: (c) => ibsiGlszmFeatures(c.grid()),
  dzm: (c) =>
    ibsiGldzmFeatures(
      c.grid(),
      c.region.morphologicalMask === c.region.mask ? undefined : morphologicalEdgeDistances(c.region, textureBox(c.region.indices, c.region.size)),
    ),
  ngt: (c) => ibsiNgtdmFeatures(c.grid()),
  ngl: (c) => ibsiNgldmFeatures(c.grid(), c.options.ngldmAlpha ?? 0),
};

/**
 * IBSI features of the ROI `mask == label` of `image` (with `options.morphologicalMask` as the
 * morphological mask), by tag. Throws GeometryMismatchError, InvalidMaskError or CorruptImageError
 * for an unusable ROI, and InvalidSettingsError when the discretisation does not fit the
 * intensities (e.g. none on non-integer intensities).
 */
export function extractIbsiFeatures(image: Volume, mask: Volume, options: IbsiOptions = {}): Record<string, number> {
  const region = ibsiRegion(image, mask, options.label ?? 1, options.morphologicalMask);
  let grey: ReturnType<FamilyInput['greyLevels']> | undefined;
  let grid: TextureInput | undefined;
  const input: FamilyInput = {
    region,
    options,
    greyLevels: () => (grey ??= discretise(region.intensities, options.discretisation ?? { method: 'none' })),
    grid: () => (grid ??= textureGrid(region, input.greyLevels())),
  };
  const out: Record<string, number> = {};
  const keep = (tag: string) =>
    options.textureDimensions === undefined || TEXTURE_SUFFIXES[options.textureDimensions].some((suffix) => tag.endsWith(suffix));
  for (const family of options.families ?? IBSI_FAMILIES) {
    const features = FAMILIES[family](input);
    const texture = TEXTURE_FAMILIES.includes(family);
    for (const [tag, value] of Object.entries(features)) if (!texture || keep(tag)) out[tag] = value;
  }
  return out;
}
