/**
 * Feature extraction for one image and mask given as files or URIs (`rg features`): reads both
 * (NRRD or NIfTI), reads an optional PyRadiomics params file, extracts in the PyRadiomics
 * convention (PyRadiomics names) or the IBSI one (IBSI tags, e.g. cm_contrast_3D_avg), and formats the result
 * as JSON (one object: feature name → number), CSV (a header row of names, a row of values) or
 * Arrow (a one-row feature table with the same provenance columns as a cohort run).
 */
import { basename } from 'node:path';
import { InvalidSettingsError } from '../errors';
import { canonicalJson, sha256Hex } from '../hash';
import { decodeVolume } from '../imaging/read-volume';
import type { BlobStore } from '../storage/blob-store';
import { csvCell } from '../tables/csv';
import { featureRowToArrow } from '../tables/feature-table';
import { EXTRACTOR } from './extract-activity';
import { extractIbsiFeatures, type IbsiDiscretisation } from './ibsi';
import { voxelFeatureMaps, writeFeatureMaps } from './voxel-maps';
import { defaultParams, extractWithParams, parseParamsFile, type ExtractionParams } from './index';

export interface FeaturesFileRequest {
  imageUri: string;
  maskUri: string;
  paramsUri?: string;
  /** Overrides the params file's label. */
  label?: number;
  convention?: 'pyradiomics' | 'ibsi';
}

export interface FeaturesFileResult {
  features: Record<string, number>;
  imageSha256: string;
  maskSha256: string;
  params: ExtractionParams;
}

export async function extractFromFiles(store: BlobStore, request: FeaturesFileRequest): Promise<FeaturesFileResult> {
  const params = request.paramsUri
    ? parseParamsFile((await store.get(request.paramsUri)).toString('utf8'), request.paramsUri)
    : defaultParams();
  if (request.label !== undefined) params.settings = { ...params.settings, label: request.label };
  const [imageBytes, maskBytes] = [await store.get(request.imageUri), await store.get(request.maskUri)];
  const image = decodeVolume(imageBytes, request.imageUri);
  const mask = decodeVolume(maskBytes, request.maskUri);
  if (request.convention === 'ibsi') refuseUnappliedIbsiSettings(params, request.paramsUri);
  const features =
    request.convention === 'ibsi'
      ? extractIbsiFeatures(image, mask, { label: params.settings.label, discretisation: ibsiDiscretisation(params.settings) })
      : extractWithParams(image, mask, params, { imageUri: request.imageUri, maskUri: request.maskUri });
  return { features, imageSha256: sha256Hex(imageBytes), maskSha256: sha256Hex(maskBytes), params };
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
 * The IBSI path applies discretisation only (IBSI image processing lives in ibsi/processing and is
 * not read from PyRadiomics params yet): refuse settings it would otherwise silently ignore.
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
    throw new InvalidSettingsError(`${uri}: ${ignored.join(', ')} not applied with --convention ibsi yet`, uri);
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
  const image = decodeVolume(await store.get(request.imageUri), request.imageUri);
  const mask = decodeVolume(await store.get(request.maskUri), request.maskUri);
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
