/**
 * Fetch: bring a patient's image and mask into the store as verified, readable volumes (NRRD or
 * NIfTI, told apart by content) under content-addressed keys
 * `<output>/objects/sha256/<first two hex digits>/<hash of the source>`. Running it twice writes
 * nothing new. DICOM series will convert here (imaging issue).
 */
import { MissingInputError } from '../errors';
import type { BlobStore } from '../storage/blob-store';
import type { FetchedImaging, PatientRef } from '../run/schemas';
import { sha256Hex } from '../hash';
import { decodeVolume } from './read-volume';

export interface FetchInput {
  patient: PatientRef;
  outputUri: string;
}

export async function fetchImaging(
  store: BlobStore,
  { patient, outputUri }: FetchInput,
  onProgress: (step: string) => void = () => {},
): Promise<FetchedImaging> {
  if (!patient.maskUri) {
    throw new MissingInputError(
      `${patient.imageUri}: patient ${patient.patientId} has no mask_uri, and no segmentation model is configured`,
      patient.imageUri,
    );
  }
  onProgress('image');
  const image = await fetchVolume(store, patient.imageUri, outputUri);
  onProgress('mask');
  const mask = await fetchVolume(store, patient.maskUri, outputUri);
  return { imageUri: image.uri, maskUri: mask.uri, imageSha256: image.sha256, maskSha256: mask.sha256 };
}

/** Read a source volume, check that it decodes, and keep it under its content hash. */
async function fetchVolume(store: BlobStore, sourceUri: string, outputUri: string) {
  const bytes = await store.get(sourceUri);
  decodeVolume(bytes, sourceUri);
  const sha256 = sha256Hex(bytes);
  const uri = `${outputUri}/objects/sha256/${sha256.slice(0, 2)}/${sha256}`;
  await store.putIfAbsent(uri, bytes);
  return { uri, sha256 };
}
