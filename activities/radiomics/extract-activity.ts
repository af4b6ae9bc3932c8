/**
 * Extract: read the stored image and mask, run the radiomics engine, return the feature values.
 * The settings hash and extractor name become provenance columns of the feature row.
 */
import type { BlobStore } from '../storage/blob-store';
import type { FetchedImaging, PatientRef } from '../run/schemas';
import { decodeVolume } from '../imaging/read-volume';
import { canonicalJson, sha256Hex } from '../hash';
import { extractFeatures } from './index';
import { parseRadiomicsSettings } from './settings';

export const EXTRACTOR = 'radiogenomics-radiomics/0.1';

export interface ExtractInput {
  patient: PatientRef;
  imaging: FetchedImaging;
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
  const settings = parseRadiomicsSettings(radiomics);
  onProgress('read');
  const image = decodeVolume(await store.get(imaging.imageUri), imaging.imageUri);
  const mask = decodeVolume(await store.get(imaging.maskUri), imaging.maskUri);
  onProgress('features');
  const values = extractFeatures(image, mask, settings, imaging.maskUri);
  return { values, settingsSha256: sha256Hex(canonicalJson(settings)), extractor: EXTRACTOR };
}
