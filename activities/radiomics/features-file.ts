/**
 * Feature extraction for one image and mask given as files or URIs (`rg features`): reads both
 * as a cohort run does (NRRD, NIfTI, a DICOM series folder or file; the mask may be a DICOM-SEG or
 * an RTSTRUCT, whose ROI is `roi`), reads an optional PyRadiomics params file, extracts in the PyRadiomics
 * convention (PyRadiomics names) or the IBSI one (IBSI tags, e.g. cm_contrast_3D_avg; with an IBSI
 * settings file — label/processing/features, as test/fixtures/ibsi-ct/config-*.yaml — IBSI image
 * processing runs first and its diagnostics come with the features), and formats the result
 * as JSON (one object: feature name → number), CSV (a header row of names, a row of values) or
 * Arrow (a one-row feature table with the same provenance columns as a cohort run).
 */
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { InvalidSettingsError } from '../errors';
import { canonicalJson, sha256Hex } from '../hash';
import { loadImage, loadMask, type LoadedVolume } from '../imaging/fetch';
import type { SourceContext } from '../imaging/sources';
import { SourceSettings } from '../run/schemas';
import { toFileUri } from '../storage/uri';
import type { BlobStore } from '../storage/blob-store';
import { csvCell } from '../tables/csv';
import { featureRowToArrow } from '../tables/feature-table';
import { EXTRACTOR } from './extract-activity';
import { extractIbsiFeatures, type IbsiDiscretisation } from './ibsi';
import { voxelFeatureMaps, writeFeatureMaps } from './voxel-maps';
import { featureOptions, processingOptions, readIbsiConfig, type IbsiConfig } from './ibsi/processing/config';
import { processIbsi } from './ibsi/processing';
import type { Volume } from '../imaging/volume';
import { parse as parseYaml } from 'yaml';
import { defaultParams, extractWithParams, parseParamsFile, type ExtractionParams } from './index';

export interface FeaturesFileRequest {
  imageUri: string;
  maskUri: string;
  paramsUri?: string;
  /** Overrides the params file's label. */
  label?: number;
  convention?: 'pyradiomics' | 'ibsi';
  /** RTSTRUCT masks: the ROI to rasterize (default "tumor"). */
  roi?: string;
}

export interface FeaturesFileResult {
  features: Record<string, number>;
  imageSha256: string;
  maskSha256: string;
  params: ExtractionParams;
}

export async function extractFromFiles(store: BlobStore, request: FeaturesFileRequest): Promise<FeaturesFileResult> {
  const paramsText = request.paramsUri ? (await store.get(request.paramsUri)).toString('utf8') : undefined;
  const { image, mask, imageSha256, maskSha256 } = await readImageAndMask(store, request);
  if (request.convention === 'ibsi' && paramsText !== undefined && isIbsiConfig(paramsText)) {
    const config = readIbsiConfig(paramsText, request.paramsUri!);
    if (request.label !== undefined) config.label = request.label;
    return { features: extractWithIbsiConfig(image, mask, config), imageSha256, maskSha256, params: defaultParams() };
  }
  const params = paramsText !== undefined ? parseParamsFile(paramsText, request.paramsUri!) : defaultParams();
  if (request.label !== undefined) params.settings = { ...params.settings, label: request.label };
  if (request.convention === 'ibsi') refuseUnappliedIbsiSettings(params, request.paramsUri);
  const features =
    request.convention === 'ibsi'
      ? extractIbsiFeatures(image, mask, { label: params.settings.label, discretisation: ibsiDiscretisation(params.settings) })
      : extractWithParams(image, mask, params, { imageUri: request.imageUri, maskUri: request.maskUri });
  return { features, imageSha256, maskSha256, params };
}

/** Image and mask read as a cohort run reads them; hashes of the bytes a run would keep. */
async function readImageAndMask(store: BlobStore, request: { imageUri: string; maskUri: string; roi?: string }) {
  const context: SourceContext = {
    store,
    outputUri: toFileUri(join(tmpdir(), 'rg-sources')),
    sources: SourceSettings.parse({}),
    onProgress: () => {},
  };
  const image: LoadedVolume = await loadImage(request.imageUri, context);
  const mask: LoadedVolume = await loadMask(request.maskUri, request.roi ?? 'tumor', image.volume, context);
  return { image: image.volume, mask: mask.volume, imageSha256: sha256Hex(image.bytes), maskSha256: sha256Hex(mask.bytes) };
}

/** An IBSI settings file (label / processing / features) rather than a PyRadiomics params file. */
function isIbsiConfig(text: string): boolean {
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch {
    return false; // the params reader reports the syntax error
  }
  if (!data || typeof data !== 'object') return false;
  const keys = Object.keys(data);
  return keys.some((k) => k === 'processing' || k === 'features') && !keys.some((k) => ['setting', 'imageType', 'featureClass'].includes(k));
}

/** IBSI image processing (interpolation, re-segmentation, ...) then IBSI features, with the diagnostics. */
function extractWithIbsiConfig(image: Volume, mask: Volume, config: IbsiConfig): Record<string, number> {
  const processed = processIbsi(image, mask, processingOptions(config));
  const features = extractIbsiFeatures(processed.image, processed.intensityMask, {
    ...featureOptions(config),
    morphologicalMask: processed.morphologicalMask,
  });
  return { ...processed.diagnostics, ...features };
}

/**
 * IBSI discretisation from PyRadiomics-named settings: binCount → fixed bin number, otherwise
 * binWidth → fixed bin size (IBSI's bins start at the ROI minimum, not at multiples of the width).
 */
export function ibsiDiscretisation(settings: ExtractionParams['settings']): IbsiDiscretisation {
  return settings.binCount
    ? { method: 'fixed_bin_number', binCount: settings.binCount }
    : { method: 'fixed_bin_size', binWidth: settings.binWidth };
}

/**
 * A PyRadiomics params file with --convention ibsi gets IBSI discretisation only (image processing
 * comes from an IBSI settings file): refuse settings it would otherwise silently ignore.
 */
function refuseUnappliedIbsiSettings(params: ExtractionParams, uri = 'params'): void {
  const s = params.settings;
  const ignored = [
    s.resampledPixelSpacing ? 'setting.resampledPixelSpacing' : '',
    s.normalize ? 'setting.normalize' : '',
    s.resegmentRange !== null ? 'setting.resegmentRange' : '',
    ...Object.keys(params.imageTypes).filter((t) => t !== 'Original').map((t) => `imageType.${t}`),
  ].filter(Boolean);
  if (ignored.length > 0) {
    throw new InvalidSettingsError(
      `${uri}: ${ignored.join(', ')} not applied with --convention ibsi from a PyRadiomics params file; give an IBSI settings file (processing: interpolation, resegmentation) instead`,
      uri,
    );
  }
}

export interface MapsRequest {
  imageUri: string;
  maskUri: string;
  paramsUri?: string;
  label?: number;
  /** Folder (prefix ending in /) the maps are written under. */
  outputUri: string;
  kernelRadius: number;
}

/** Voxel-based feature maps of one image and mask, one NRRD per feature; returns how many were written. */
export async function writeMapsFromFiles(store: BlobStore, request: MapsRequest): Promise<number> {
  const params = request.paramsUri
    ? parseParamsFile((await store.get(request.paramsUri)).toString('utf8'), request.paramsUri)
    : defaultParams();
  if (request.label !== undefined) params.settings = { ...params.settings, label: request.label };
  const { image, mask } = await readImageAndMask(store, request);
  const sources = { imageUri: request.imageUri, maskUri: request.maskUri };
  const maps = voxelFeatureMaps(image, mask, params, { kernelRadius: request.kernelRadius }, sources);
  return (await writeFeatureMaps(store, request.outputUri, maps)).length;
}

export type FeaturesFormat = 'json' | 'csv' | 'arrow';

/** The output format implied by a file name (.json, .csv, .arrow). */
export function formatOf(path: string): FeaturesFormat {
  const ext = path.toLowerCase().split('.').pop();
  if (ext === 'json' || ext === 'csv' || ext === 'arrow') return ext;
  throw new InvalidSettingsError(`${path}: unknown output format (use .json, .csv or .arrow)`);
}

export function formatFeatures(result: FeaturesFileResult, request: FeaturesFileRequest, format: FeaturesFormat): Uint8Array {
  const names = Object.keys(result.features);
  if (format === 'json') return Buffer.from(JSON.stringify(result.features, null, 2) + '\n');
  if (format === 'csv') {
    const header = names.map(csvCell).join(',');
    const values = names.map((n) => csvCell(String(result.features[n]))).join(',');
    return Buffer.from(`${header}\n${values}\n`);
  }
  return featureRowToArrow({
    keys: {
      patient_id: basename(request.imageUri),
      center: '',
      timepoint: '',
      roi: `label-${result.params.settings.label}`,
    },
    provenance: {
      image_sha256: result.imageSha256,
      mask_sha256: result.maskSha256,
      settings_sha256: sha256Hex(canonicalJson(result.params)),
      extractor: EXTRACTOR,
    },
    features: result.features,
  });
}
