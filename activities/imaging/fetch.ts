/**
 * Fetch: bring a patient's image and mask into the store as verified, readable volumes under
 * content-addressed keys `<output>/objects/sha256/<first two hex digits>/<sha256>`.
 *
 * - A volume file (NRRD, NIfTI) is checked to decode and kept as it is (its hash is the source's).
 * - DICOM (a series folder or prefix, a single or multi-frame file, a TCIA series; see ./sources)
 *   is converted: the image series, or the mask's DICOM-SEG / RTSTRUCT placed on the image's grid,
 *   becomes a raw NRRD volume, keyed by the hash of those NRRD bytes (deterministic, so a retried
 *   or repeated fetch writes nothing new).
 * - An RTSTRUCT mask takes the ROI named by the manifest's `roi` column.
 * Progress is reported after each file read or downloaded; the activity heartbeats with it.
 */
import { InvalidMaskError, MissingInputError } from '../errors';
import type { BlobStore } from '../storage/blob-store';
import { SourceSettings, type FetchedImaging, type PatientRef } from '../run/schemas';
import { sha256Hex } from '../hash';
import { parseDicomBytes } from './dicom/dataset';
import { readDicomSeries } from './dicom/series';
import { isDicomSeg, readDicomSegDataset } from './masks/seg-read';
import { isRtStruct, readRtStructDataset } from './masks/rtstruct-read';
import { encodeNrrd } from './nrrd';
import { decodeVolume } from './read-volume';
import { readSource, type SourceContents, type SourceContext } from './sources';
import type { Volume } from './volume';

export interface FetchInput {
  patient: PatientRef;
  outputUri: string;
  /** TCIA base URL and retry settings (defaults when absent). */
  sources?: SourceSettings;
}

/** A volume kept in the store, and the volume itself (the mask needs the image's grid). */
interface StoredVolume {
  uri: string;
  sha256: string;
  volume: Volume;
}

export async function fetchImaging(
  store: BlobStore,
  { patient, outputUri, sources }: FetchInput,
  onProgress: (step: string) => void = () => {},
): Promise<FetchedImaging> {
  if (!patient.maskUri) {
    throw new MissingInputError(
      `${patient.imageUri}: patient ${patient.patientId} has no mask_uri, and no segmentation model is configured`,
      patient.imageUri,
    );
  }
  const context: SourceContext = { store, outputUri, sources: sources ?? SourceSettings.parse({}), onProgress };
  const image = await fetchImage(patient.imageUri, context);
  const mask = await fetchMask(patient.maskUri, patient.roi, image.volume, context);
  return { imageUri: image.uri, maskUri: mask.uri, imageSha256: image.sha256, maskSha256: mask.sha256 };
}

/** The image: a volume file as is, or DICOM converted to NRRD. */
async function fetchImage(uri: string, context: SourceContext): Promise<StoredVolume> {
  const contents = await readSource(uri, context);
  if (contents.kind === 'volume-file') return keepVolumeFile(contents.file.bytes, contents.file.uri, context);
  const volume = await readDicomSeries(dicomFiles(contents, uri));
  return keepConverted(volume, context);
}

/** The mask: a label-map file as is, or a DICOM-SEG / RTSTRUCT rasterized on the image's grid. */
async function fetchMask(uri: string, roi: string, image: Volume, context: SourceContext): Promise<StoredVolume> {
  const contents = await readSource(uri, context);
  if (contents.kind === 'volume-file') return keepVolumeFile(contents.file.bytes, contents.file.uri, context);
  const files = dicomFiles(contents, uri);
  if (files.length !== 1) {
    throw new InvalidMaskError(`${uri}: a DICOM mask is one DICOM-SEG or RTSTRUCT file, found ${files.length} files`, uri);
  }
  const dataset = parseDicomBytes(files[0].bytes, files[0].uri);
  if (isDicomSeg(dataset)) return keepConverted(readDicomSegDataset(dataset, { reference: image }).mask, context);
  if (isRtStruct(dataset)) return keepConverted(readRtStructDataset(dataset, image, roi).mask, context);
  throw new InvalidMaskError(`${files[0].uri}: a DICOM mask must be a Segmentation (DICOM-SEG) or an RT Structure Set`, files[0].uri);
}

/** The DICOM files of a source; an empty folder is a missing input. */
function dicomFiles(contents: SourceContents, uri: string) {
  const files = contents.kind === 'dicom' ? contents.files : [];
  if (files.length === 0) throw new MissingInputError(`${uri}: no DICOM files found there`, uri);
  return files;
}

/** Check that a volume file decodes, and keep its bytes under their hash. */
async function keepVolumeFile(bytes: Uint8Array, sourceUri: string, context: SourceContext): Promise<StoredVolume> {
  const volume = decodeVolume(bytes, sourceUri);
  return { ...(await putContentAddressed(bytes, context)), volume };
}

/** Keep a converted volume as raw NRRD under the hash of those bytes. */
async function keepConverted(volume: Volume, context: SourceContext): Promise<StoredVolume> {
  return { ...(await putContentAddressed(encodeNrrd(volume), context)), volume };
}

async function putContentAddressed(bytes: Uint8Array, { store, outputUri }: SourceContext) {
  const sha256 = sha256Hex(bytes);
  const uri = `${outputUri}/objects/sha256/${sha256.slice(0, 2)}/${sha256}`;
  await store.putIfAbsent(uri, bytes);
  return { uri, sha256 };
}
