/**
 * Extract: read the stored image and mask, run the radiomics engine, return the feature values.
 * The settings hash and extractor name become provenance columns of the feature row.
 */
import type { BlobStore } from '../storage/blob-store';
import type { FetchedImaging, PatientRef } from '../run/schemas';
import { decodeVolume } from '../imaging/read-volume';
import { canonicalJson, sha256Hex } from '../hash';
import { extractWithParams, parseParams } from './index';

export const EXTRACTOR = 'radiogenomics-radiomics/0.1';

export interface ExtractInput {
  patient: PatientRef;
  imaging: FetchedImaging;
  /** A PyRadiomics params map { setting, imageType, featureClass } (run settings' radiomics). */
  radiomics: Record<string, unknown>;
}

export interface ExtractedFeatures {
  values: Record<string, number>;
  settingsSha256: string;
  extractor: string;
}

export async function extractFeaturesFromStore(
  store: BlobStore,
  { imaging, radiomics }: ExtractInput,
  onProgress: (step: string) => void = () => {},
): Promise<ExtractedFeatures> {
  const params = parseParams(radiomics);
  onProgress('read');
  const image = decodeVolume(await store.get(imaging.imageUri), imaging.imageUri);
  const mask = decodeVolume(await store.get(imaging.maskUri), imaging.maskUri);
  onProgress('features');
  const values = extractWithParams(image, mask, params, { imageUri: imaging.imageUri, maskUri: imaging.maskUri });
  return { values, settingsSha256: sha256Hex(canonicalJson(params)), extractor: EXTRACTOR };
}
