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
 * - A folder holding several series needs `#series=<SeriesInstanceUID>` after its URI.
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
  const image = await loadImage(patient.imageUri, context);
  const mask = await loadMask(patient.maskUri, patient.roi, image.volume, context);
  const [imageKept, maskKept] = [await keep(image, context), await keep(mask, context)];
  return { imageUri: imageKept.uri, maskUri: maskKept.uri, imageSha256: imageKept.sha256, maskSha256: maskKept.sha256 };
}

/** A volume read from a source, with the bytes it is kept as: the file itself, or the volume as raw NRRD. */
export interface LoadedVolume {
  volume: Volume;
  bytes: Uint8Array;
}

/**
 * The image: a volume file (checked to decode), or a DICOM series / file converted.
 * `<folder>/#series=<SeriesInstanceUID>` picks one series of a folder that holds several.
 */
export async function loadImage(imageUri: string, context: SourceContext): Promise<LoadedVolume> {
  const { uri, seriesInstanceUid } = splitSeriesChoice(imageUri);
  const contents = await readSource(uri, context);
  if (contents.kind === 'volume-file') return fromVolumeFile(contents.file.bytes, contents.file.uri);
  return converted(await readDicomSeries(dicomFiles(contents, uri), { seriesInstanceUid }));
}

/** Split `…#series=<uid>` into the URI and the chosen series. */
function splitSeriesChoice(uri: string): { uri: string; seriesInstanceUid?: string } {
  const match = /^(.*)#series=([0-9.]+)$/.exec(uri);
  return match ? { uri: match[1], seriesInstanceUid: match[2] } : { uri };
}

/** The mask: a label-map file, or a DICOM-SEG / RTSTRUCT (ROI `roi`) rasterized on the image's grid. */
export async function loadMask(uri: string, roi: string, image: Volume, context: SourceContext): Promise<LoadedVolume> {
  const contents = await readSource(uri, context);
  if (contents.kind === 'volume-file') return fromVolumeFile(contents.file.bytes, contents.file.uri);
  const files = dicomFiles(contents, uri);
  if (files.length !== 1) {
    throw new InvalidMaskError(`${uri}: a DICOM mask is one DICOM-SEG or RTSTRUCT file, found ${files.length} files`, uri);
  }
  const dataset = parseDicomBytes(files[0].bytes, files[0].uri);
  if (isDicomSeg(dataset)) return converted(readDicomSegDataset(dataset, { reference: image }).mask);
  if (isRtStruct(dataset)) return converted(readRtStructDataset(dataset, image, roi).mask);
  throw new InvalidMaskError(`${files[0].uri}: a DICOM mask must be a Segmentation (DICOM-SEG) or an RT Structure Set`, files[0].uri);
}

/** The DICOM files of a source; an empty folder is a missing input. */
function dicomFiles(contents: SourceContents, uri: string) {
  const files = contents.kind === 'dicom' ? contents.files : [];
  if (files.length === 0) throw new MissingInputError(`${uri}: no DICOM files found there`, uri);
  return files;
}

/** A volume file decodes (or throws a typed error naming it) and is kept as it is. */
function fromVolumeFile(bytes: Uint8Array, uri: string): LoadedVolume {
  return { volume: decodeVolume(bytes, uri), bytes };
}

/** A converted volume is kept as raw NRRD (deterministic bytes, so its hash is stable). */
function converted(volume: Volume): LoadedVolume {
  return { volume, bytes: encodeNrrd(volume) };
}

/** Put the bytes under `<output>/objects/sha256/<xx>/<sha256>` unless already there. */
async function keep(loaded: LoadedVolume, { store, outputUri }: SourceContext) {
  const sha256 = sha256Hex(loaded.bytes);
  const uri = `${outputUri}/objects/sha256/${sha256.slice(0, 2)}/${sha256}`;
  await store.putIfAbsent(uri, loaded.bytes);
  return { uri, sha256 };
}
