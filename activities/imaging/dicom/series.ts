/**
 * DICOM files → one Volume (LPS, x fastest, direction columns = axis unit vectors), the way ITK
 * (GDCM) builds it:
 * - files are grouped by SeriesInstanceUID; several series → InvalidSeriesError listing them,
 *   unless `seriesInstanceUid` chooses one; files without Pixel Data (SR, DICOMDIR...) are skipped;
 * - every frame of every file is a slice (multi-frame and enhanced CT/MR files included); slices are
 *   sorted by ImagePositionPatient projected on the slice normal (row cosine × column cosine);
 * - spacing: x = PixelSpacing[1] (between columns), y = PixelSpacing[0] (between rows), z = the mean
 *   step between sorted positions (never SliceThickness); one slice, or frames without positions:
 *   SpacingBetweenSlices when present, else 1 (origin then ImagePositionPatient or 0);
 * - origin = position of the first sorted slice; direction columns = row cosine, column cosine, normal;
 * - checks (InvalidSeriesError naming files and problem): mixed sizes, mixed orientation (cosines
 *   differing by more than ORIENTATION_TOLERANCE), mixed pixel spacing, duplicate positions, a gap
 *   larger than 1.5 × the median step (a missing slice: names the file before the gap and the
 *   missing position), and steps differing from the median by more than `spacingTolerance`
 *   (relative, default 1%, at least 0.001 mm);
 * - values: stored × RescaleSlope + RescaleIntercept, per frame. All slopes/intercepts integers →
 *   the smallest integer array holding every value the stored bits can map to (the stored type
 *   itself when there is no rescale); otherwise Float32Array. MONOCHROME1 is reported in `meta`,
 *   not inverted.
 *
 * Memory: headers are parsed first (dicom-parser records where Pixel Data lies, it copies nothing),
 * the slices sorted and checked, the output volume allocated once, and then each file's frames are
 * decoded one at a time straight into their place in it. Files given as bytes stay the caller's;
 * files given lazily (`{ uri, read }`) are read twice — once for the header, once for the pixels —
 * in batches of LAZY_READS_AT_ONCE, so the reader then needs about the volume plus a few files.
 *
 * Threads: JPEG 2000, JPEG-LS and baseline JPEG frames (the wasm codecs, tens of ms a frame) are
 * decoded on worker threads (decode-pool.ts) when the series has at least DECODE_THREADS_MIN_FRAMES
 * of them: the encoded frames go to the workers a few at a time and the decoded samples come back
 * to be written here by the same code as on one thread, so the voxels are identical. Native, RLE and
 * JPEG lossless frames, smaller series, readDicomSeriesSync, `decodeThreads: 1` and
 * RG_DECODE_THREADS=1 stay on the calling thread.
 */
import { CorruptImageError, InvalidSeriesError } from '../../errors';
import type { Mat3, Vec3, Volume, VoxelArray } from '../volume';
import { IDENTITY_DIRECTION } from '../volume';
import type { DicomDataset } from './dataset';
import { corrupt, parseDicomBytes, getString, hasTag, Tag } from './dataset';
import { loadWasmCodecs } from './codecs';
import type { DicomImageFile, DicomImageHeader, FrameGeometry } from './image';
import { readDicomHeader, requireCodecsFor, sliceNormal } from './image';
import { checkDecodedFrame, decodeFrame, encodedFrames, forEachFrame, frameDecodingError, needsWasmCodecs, storedArrayType, writeFrameValues } from './pixel-data';
import { wasmEncodingOf } from './pixel-data';
import { decodeOnPool, decodeThreadCount, DecodePoolError, FrameCodecError } from './decode-pool';

/** A file handed to the reader: where it came from (for messages) and its bytes. */
export interface DicomInputFile {
  uri: string;
  bytes: Uint8Array;
}

/**
 * A file the reader loads when it needs it: twice (header, then pixels), a few files at a time.
 * The two reads must give the same bytes.
 */
export interface DicomLazyFile {
  uri: string;
  read: () => Promise<Uint8Array>;
}

export interface ReadDicomSeriesOptions {
  /** Which series to read when the files hold several. */
  seriesInstanceUid?: string;
  /** Largest allowed relative difference between a slice step and the median step (default 0.01). */
  spacingTolerance?: number;
  /**
   * Worker threads decoding JPEG 2000 / JPEG-LS / baseline JPEG frames (readDicomSeries only):
   * default RG_DECODE_THREADS, else min(available parallelism, 8); 1 decodes on the calling thread.
   */
  decodeThreads?: number;
  /** Fewest such frames in the series for the worker threads to be used (default DECODE_THREADS_MIN_FRAMES). */
  decodeThreadsMinFrames?: number;
}

/** What the reader learned besides the voxels. */
export interface DicomSeriesMeta {
  seriesInstanceUid?: string;
  modality?: string;
  photometricInterpretation: string;
  /** True for MONOCHROME1 (low values display bright); the values are not inverted. */
  monochrome1: boolean;
  transferSyntaxUids: string[];
  /** One entry per slice (k index): the file and frame (0-based) it came from. */
  slices: { uri: string; frame: number; sopInstanceUid?: string }[];
  /** Distinct (slope, intercept) pairs applied. */
  rescale: { slope: number; intercept: number }[];
  bitsStored: number;
  pixelRepresentation: 0 | 1;
  /** Files left out because they hold no Pixel Data. */
  skippedUris: string[];
}

export type DicomVolume = Volume & { meta: DicomSeriesMeta };

/** Default relative tolerance between slice steps (see the module comment). */
export const DEFAULT_SPACING_TOLERANCE = 0.01;
/** Largest difference between direction cosines of slices of one volume. */
export const ORIENTATION_TOLERANCE = 1e-4;

/** How many lazy files are read at the same time (and so held at most at once). */
const LAZY_READS_AT_ONCE = 8;

/** Below this many wasm-codec frames a series is decoded on the calling thread (starting workers costs more). */
export const DECODE_THREADS_MIN_FRAMES = 16;
/** Frames sent to each decode worker ahead (so a worker never waits for its next frame). */
const FRAMES_AHEAD_PER_THREAD = 3;

/** A parsed input file: its series and header; the data set is kept only when the caller gave bytes. */
interface ScannedFile {
  uri: string;
  seriesInstanceUid: string;
  hasPixelData: boolean;
  /** The header, or the error reading it (thrown only if this file's series is read). */
  header?: DicomImageHeader | Error;
  dataset?: DicomDataset;
  lazy?: DicomLazyFile;
}

/** An image file of the series being read, with its header. */
interface ChosenFile extends ScannedFile {
  header: DicomImageHeader;
}

/** The volume with its output array allocated, and where each frame of each chosen file goes. */
interface VolumePlan {
  volume: DicomVolume;
  /** placements[file][frame] = k, the slice index of that frame. */
  placements: number[][];
}

/** Read DICOM files (bytes, or read lazily) into one volume, loading the wasm codecs when a transfer syntax needs them. */
export async function readDicomSeries(files: (DicomInputFile | DicomLazyFile)[], options: ReadDicomSeriesOptions = {}): Promise<DicomVolume> {
  const scanned: ScannedFile[] = [];
  for (let start = 0; start < files.length; start += LAZY_READS_AT_ONCE) {
    const batch = files.slice(start, start + LAZY_READS_AT_ONCE);
    const bytes = await Promise.all(batch.map((file) => ('read' in file ? file.read() : file.bytes)));
    batch.forEach((file, i) => scanned.push(scanFile(file.uri, bytes[i], 'read' in file ? file : undefined)));
  }
  const { chosen, plan } = planSeries(scanned, options);
  if (chosen.some((file) => needsWasmCodecs(file.header.transferSyntaxUid))) await loadWasmCodecs();
  const workers = decodeWorkersFor(chosen, options);
  if (workers > 0) return writeSlicesOnPool(chosen, plan, workers);
  for (let start = 0; start < chosen.length; start += LAZY_READS_AT_ONCE) {
    const batch = chosen.slice(start, start + LAZY_READS_AT_ONCE);
    const bytes = await Promise.all(batch.map((file) => file.lazy?.read()));
    batch.forEach((file, i) => {
      const dataset = file.dataset ?? rereadDataset(file, bytes[i]!);
      writeFileSlices(dataset, file.header, plan, start + i);
    });
  }
  return plan.volume;
}

/**
 * How many decode workers a read uses: 0 (all on the calling thread) unless decode threads are on and
 * enough frames need the wasm codecs; then the thread count, at most one per such frame.
 */
function decodeWorkersFor(chosen: ChosenFile[], options: ReadDicomSeriesOptions): number {
  let wasmFrames = 0;
  for (const file of chosen) if (needsWasmCodecs(file.header.transferSyntaxUid)) wasmFrames += file.header.format.numberOfFrames;
  if (wasmFrames === 0 || wasmFrames < (options.decodeThreadsMinFrames ?? DECODE_THREADS_MIN_FRAMES)) return 0;
  const threads = decodeThreadCount(options.decodeThreads);
  return threads > 1 ? Math.min(threads, wasmFrames) : 0;
}

/**
 * The pixel pass of readDicomSeries with wasm-codec frames decoded on worker threads: each frame's
 * encoded bytes go to the pool (at most FRAMES_AHEAD_PER_THREAD per thread at once, so memory stays
 * about the volume plus a few files), and each decoded frame is written into the volume here, by the
 * same code as on one thread (size check, sample width, masking, rescale) — the voxels are the same.
 * Files of other transfer syntaxes are decoded here. Failures: the one the single-threaded read
 * would have met first (earliest file and frame) is thrown, after every frame sent has come back;
 * a codec error is the same CorruptImageError naming the file and frame; a frame the pool cannot run
 * (a worker that failed) is decoded on this thread.
 */
async function writeSlicesOnPool(chosen: ChosenFile[], plan: VolumePlan, threads: number): Promise<DicomVolume> {
  const data = plan.volume.data;
  const inFlight = new Set<Promise<void>>();
  const limit = threads * FRAMES_AHEAD_PER_THREAD;
  let failure: { order: number; error: unknown } | undefined;
  const fail = (order: number, error: unknown) => {
    if (!failure || order < failure.order) failure = { order, error };
  };
  let order = 0;
  try {
    for (let start = 0; start < chosen.length && !failure; start += LAZY_READS_AT_ONCE) {
      const batch = chosen.slice(start, start + LAZY_READS_AT_ONCE);
      const bytes = await Promise.all(batch.map((file) => file.lazy?.read()));
      for (let i = 0; i < batch.length && !failure; i++) {
        const file = batch[i];
        const fileIndex = start + i;
        const encoding = wasmEncodingOf(file.header.transferSyntaxUid);
        let frames: Uint8Array[];
        try {
          const dataset = file.dataset ?? rereadDataset(file, bytes[i]!);
          if (!encoding) {
            writeFileSlices(dataset, file.header, plan, fileIndex);
            order++;
            continue;
          }
          frames = encodedFrames(dataset, file.header.format);
        } catch (error) {
          fail(order++, error);
          break;
        }
        const { format, frames: geometry } = file.header;
        const sliceSize = format.rows * format.columns;
        const placements = plan.placements[fileIndex];
        for (let frame = 0; frame < frames.length && !failure; frame++) {
          while (inFlight.size >= limit) await Promise.race(inFlight);
          if (failure) break;
          const at = order++;
          const { rescaleSlope, rescaleIntercept } = geometry[frame];
          const write = (samples: Uint8Array) => writeFrameValues(samples, format, data, placements[frame] * sliceSize, rescaleSlope, rescaleIntercept);
          const task: Promise<void> = decodeOnPool(encoding, frames[frame], threads)
            .then(
              (decoded) => write(checkDecodedFrame(file.uri, decoded, encoding, format, frame)),
              (error: unknown) => {
                if (error instanceof FrameCodecError) throw frameDecodingError(file.uri, encoding, frame, error.reason);
                if (!(error instanceof DecodePoolError)) throw error;
                decodeFrame(file.uri, frames[frame], encoding, format, frame, write); // the pool failed: decode here
              },
            )
            .catch((error: unknown) => fail(at, error))
            .finally(() => inFlight.delete(task));
          inFlight.add(task);
        }
      }
    }
  } finally {
    await Promise.all(inFlight);
  }
  if (failure) throw failure.error;
  return plan.volume;
}

/** Synchronous readDicomSeries: for native, deflated, RLE and JPEG lossless files, or after loadWasmCodecs(). */
export function readDicomSeriesSync(files: DicomInputFile[], options: ReadDicomSeriesOptions = {}): DicomVolume {
  const { chosen, plan } = planSeries(files.map((file) => scanFile(file.uri, file.bytes)), options);
  chosen.forEach((file, index) => writeFileSlices(file.dataset!, file.header, plan, index));
  return plan.volume;
}

/** The series present in a set of files: UID and the URIs of its image files. */
export function listDicomSeries(files: DicomInputFile[]): { seriesInstanceUid: string; uris: string[] }[] {
  const groups = new Map<string, string[]>();
  for (const file of files) {
    const ds = parseDicomBytes(file.bytes, file.uri);
    if (!hasTag(ds, Tag.PixelData)) continue;
    const uid = getString(ds, Tag.SeriesInstanceUID) ?? '';
    groups.set(uid, [...(groups.get(uid) ?? []), file.uri]);
  }
  return [...groups].map(([seriesInstanceUid, uris]) => ({ seriesInstanceUid, uris }));
}

/** Parse one file's header; keep the data set (and so the bytes) only for a file given as bytes. */
function scanFile(uri: string, bytes: Uint8Array, lazy?: DicomLazyFile): ScannedFile {
  const dataset = parseDicomBytes(bytes, uri);
  const hasPixelData = hasTag(dataset, Tag.PixelData);
  let header: DicomImageHeader | Error | undefined;
  if (hasPixelData) {
    try {
      header = readDicomHeader(dataset);
    } catch (error) {
      header = error instanceof Error ? error : new Error(String(error));
    }
  }
  return { uri, seriesInstanceUid: getString(dataset, Tag.SeriesInstanceUID) ?? '', hasPixelData, header, ...(lazy ? { lazy } : { dataset }) };
}

/** Parse a lazily read file again, refusing bytes whose header differs from the first read. */
function rereadDataset(file: ChosenFile, bytes: Uint8Array): DicomDataset {
  const dataset = parseDicomBytes(bytes, file.uri);
  const again = readDicomHeader(dataset);
  if (again.transferSyntaxUid !== file.header.transferSyntaxUid || JSON.stringify(again.format) !== JSON.stringify(file.header.format)) {
    throw corrupt(file.uri, 'the file changed between its two reads (header, then pixels)');
  }
  return dataset;
}

/** Choose the series, check its headers and plan the volume (output allocated, not yet filled). */
function planSeries(scanned: ScannedFile[], options: ReadDicomSeriesOptions): { chosen: ChosenFile[]; plan: VolumePlan } {
  const { chosen, skippedUris } = chooseSeries(scanned, options);
  for (const file of chosen) if (file.header instanceof Error) throw file.header;
  const images = chosen as ChosenFile[];
  return { chosen: images, plan: planVolume(images.map((file) => file.header), options, skippedUris) };
}

/** Keep the image files of the one series to read. */
function chooseSeries(files: ScannedFile[], options: ReadDicomSeriesOptions): { chosen: ScannedFile[]; skippedUris: string[] } {
  if (files.length === 0) throw new InvalidSeriesError('no DICOM files given');
  const skippedUris: string[] = [];
  const groups = new Map<string, ScannedFile[]>();
  for (const file of files) {
    if (!file.hasPixelData) {
      skippedUris.push(file.uri);
      continue;
    }
    groups.set(file.seriesInstanceUid, [...(groups.get(file.seriesInstanceUid) ?? []), file]);
  }
  const where = files.length === 1 ? files[0].uri : `${files[0].uri} and ${files.length - 1} more files`;
  if (groups.size === 0) throw new InvalidSeriesError(`${where}: no file holds Pixel Data`, files[0].uri);
  const listing = () => [...groups].map(([uid, list]) => `${uid || '(no SeriesInstanceUID)'} (${list.length} files)`).join(', ');
  if (options.seriesInstanceUid !== undefined) {
    const chosen = groups.get(options.seriesInstanceUid);
    if (!chosen) throw new InvalidSeriesError(`${where}: series ${options.seriesInstanceUid} not found; present: ${listing()}`, files[0].uri);
    return { chosen, skippedUris };
  }
  if (groups.size > 1) {
    throw new InvalidSeriesError(`${where}: ${groups.size} series in one set of files, choose one with seriesInstanceUid: ${listing()}`, files[0].uri);
  }
  return { chosen: [...groups.values()][0], skippedUris };
}

/** Decode the frames of one file, one at a time, straight into their slices of the output volume. */
function writeFileSlices(dataset: DicomDataset, header: DicomImageHeader, plan: VolumePlan, fileIndex: number): void {
  requireCodecsFor(dataset);
  const { format, frames } = header;
  const sliceSize = format.rows * format.columns;
  const data = plan.volume.data;
  const placements = plan.placements[fileIndex];
  forEachFrame(dataset, format, (bytes, frame) => {
    const { rescaleSlope, rescaleIntercept } = frames[frame];
    writeFrameValues(bytes, format, data, placements[frame] * sliceSize, rescaleSlope, rescaleIntercept);
  });
}

/** One slice of the volume: a frame of a file. */
interface Slice {
  file: DicomImageHeader;
  /** Index of the file in the list given to planVolume. */
  fileIndex: number;
  frame: number;
  geometry: FrameGeometry;
  /** Position projected on the slice normal (mm), when the slice has a position. */
  distance?: number;
}

/** Sort, check and stack decoded files into one volume (see the module comment for the rules). */
export function assembleVolume(images: DicomImageFile[], options: ReadDicomSeriesOptions = {}, skippedUris: string[] = []): DicomVolume {
  const plan = planVolume(images, options, skippedUris);
  const { rows, columns } = images[0].format;
  const sliceSize = rows * columns;
  const output = plan.volume.data;
  images.forEach((image, fileIndex) => {
    image.frames.forEach(({ rescaleSlope: slope, rescaleIntercept: intercept }, frame) => {
      const source = image.values.subarray(frame * sliceSize, (frame + 1) * sliceSize);
      const offset = plan.placements[fileIndex][frame] * sliceSize;
      if (slope === 1 && intercept === 0) output.set(source, offset);
      else for (let i = 0; i < sliceSize; i++) output[offset + i] = source[i] * slope + intercept;
    });
  });
  return plan.volume;
}

/** Sort and check the slices of image headers and allocate the output volume (see the module comment). */
function planVolume(images: DicomImageHeader[], options: ReadDicomSeriesOptions, skippedUris: string[]): VolumePlan {
  const first = images[0];
  const fail = (problem: string, uri = first.uri) => new InvalidSeriesError(`${uri}: ${problem}`, uri);
  for (const image of images) {
    if (image.format.samplesPerPixel !== 1) {
      throw new CorruptImageError(`${image.uri}: ${image.format.photometricInterpretation} images with ${image.format.samplesPerPixel} samples per pixel are not read as volumes`, image.uri);
    }
    if (image.format.rows !== first.format.rows || image.format.columns !== first.format.columns) {
      throw fail(`mixed sizes: ${first.uri} is ${first.format.columns}x${first.format.rows}, ${image.uri} is ${image.format.columns}x${image.format.rows}`, image.uri);
    }
  }
  const slices: Slice[] = images.flatMap((file, fileIndex) => file.frames.map((geometry, frame) => ({ file, fileIndex, frame, geometry })));
  const orientation = checkOrientation(slices, fail);
  const pixelSpacing = checkPixelSpacing(slices, fail);
  const normal = orientation ? sliceNormal(orientation) : ([0, 0, 1] as Vec3);
  const positioned = slices.every((slice) => slice.geometry.position !== undefined);
  if (slices.length > 1 && !positioned && images.length > 1) {
    const missing = slices.find((slice) => slice.geometry.position === undefined)!;
    throw fail('no ImagePositionPatient: cannot order the slices of a series of several files', missing.file.uri);
  }
  let zSpacing = first.spacingBetweenSlices && first.spacingBetweenSlices > 0 ? first.spacingBetweenSlices : 1;
  if (positioned && slices.length > 1) {
    for (const slice of slices) slice.distance = dot(slice.geometry.position!, normal);
    slices.sort((a, b) => a.distance! - b.distance!);
    zSpacing = checkSteps(slices, normal, options.spacingTolerance ?? DEFAULT_SPACING_TOLERANCE, fail);
  }
  const origin: Vec3 = slices[0].geometry.position ? [...slices[0].geometry.position] : [0, 0, 0];
  const direction: Mat3 = orientation
    ? [orientation[0], orientation[3], normal[0], orientation[1], orientation[4], normal[1], orientation[2], orientation[5], normal[2]]
    : [...IDENTITY_DIRECTION];
  const placements = images.map((image) => new Array<number>(image.frames.length));
  slices.forEach((slice, k) => (placements[slice.fileIndex][slice.frame] = k));
  const volume: DicomVolume = {
    data: createOutputArray(slices, first.format.rows * first.format.columns * slices.length),
    size: [first.format.columns, first.format.rows, slices.length],
    spacing: [pixelSpacing ? pixelSpacing[1] : 1, pixelSpacing ? pixelSpacing[0] : 1, zSpacing],
    origin,
    direction,
    meta: {
      seriesInstanceUid: first.seriesInstanceUid,
      modality: first.modality,
      photometricInterpretation: first.format.photometricInterpretation,
      monochrome1: first.format.photometricInterpretation === 'MONOCHROME1',
      transferSyntaxUids: [...new Set(images.map((image) => image.transferSyntaxUid))],
      slices: slices.map((slice) => ({ uri: slice.file.uri, frame: slice.frame, sopInstanceUid: slice.file.sopInstanceUid })),
      rescale: distinctRescales(slices),
      bitsStored: first.format.bitsStored,
      pixelRepresentation: first.format.pixelRepresentation,
      skippedUris,
    },
  };
  return { volume, placements };
}

/** The common orientation of all slices (undefined when none has one); mixed → error. */
function checkOrientation(slices: Slice[], fail: (problem: string, uri?: string) => InvalidSeriesError): FrameGeometry['orientation'] {
  const reference = slices.find((slice) => slice.geometry.orientation);
  if (!reference) return undefined;
  for (const slice of slices) {
    const cosines = slice.geometry.orientation;
    if (!cosines) throw fail(`mixed orientation: ${slice.file.uri} has no ImageOrientationPatient, ${reference.file.uri} has one`, slice.file.uri);
    if (cosines.some((value, i) => Math.abs(value - reference.geometry.orientation![i]) > ORIENTATION_TOLERANCE)) {
      throw fail(`mixed orientation: ${slice.file.uri} (frame ${slice.frame + 1}) has ImageOrientationPatient ${cosines.map(fmt).join('\\')}, ${reference.file.uri} has ${reference.geometry.orientation!.map(fmt).join('\\')}`, slice.file.uri);
    }
  }
  return reference.geometry.orientation;
}

/** The common PixelSpacing of all slices (undefined when none has one); mixed → error. */
function checkPixelSpacing(slices: Slice[], fail: (problem: string, uri?: string) => InvalidSeriesError): [number, number] | undefined {
  const reference = slices.find((slice) => slice.geometry.pixelSpacing);
  if (!reference) return undefined;
  const [row, column] = reference.geometry.pixelSpacing!;
  for (const slice of slices) {
    const spacing = slice.geometry.pixelSpacing;
    if (!spacing || Math.abs(spacing[0] - row) > 1e-4 * row || Math.abs(spacing[1] - column) > 1e-4 * column) {
      throw fail(`mixed pixel spacing: ${slice.file.uri} has ${spacing ? spacing.join('\\') : 'none'}, ${reference.file.uri} has ${row}\\${column}`, slice.file.uri);
    }
  }
  return [row, column];
}

/** Check sorted slice steps (duplicates, missing slices, non-uniform spacing); returns the mean step. */
function checkSteps(slices: Slice[], normal: Vec3, tolerance: number, fail: (problem: string, uri?: string) => InvalidSeriesError): number {
  const steps = slices.slice(1).map((slice, i) => slice.distance! - slices[i].distance!);
  const median = [...steps].sort((a, b) => a - b)[Math.floor((steps.length - 1) / 2)];
  const name = (slice: Slice) => (slice.file.format.numberOfFrames > 1 ? `${slice.file.uri} (frame ${slice.frame + 1})` : slice.file.uri);
  steps.forEach((step, i) => {
    if (step < 1e-6) throw fail(`duplicate slice position ${slices[i + 1].geometry.position!.map(fmt).join('\\')} in ${name(slices[i])} and ${name(slices[i + 1])}`, slices[i + 1].file.uri);
  });
  const allowed = Math.max(tolerance * median, 1e-3);
  steps.forEach((step, i) => {
    const before = slices[i];
    if (step > 1.5 * median) {
      const missing = before.geometry.position!.map((value, axis) => value + normal[axis] * median);
      const count = Math.round(step / median) - 1;
      throw fail(`missing slice${count > 1 ? `s (${count})` : ''} after ${name(before)}: gap of ${fmt(step)} mm where slices are ${fmt(median)} mm apart; expected a slice at ${missing.map(fmt).join('\\')}`, before.file.uri);
    }
    if (Math.abs(step - median) > allowed) {
      throw fail(`non-uniform slice spacing: ${fmt(step)} mm between ${name(before)} and ${name(slices[i + 1])}, median ${fmt(median)} mm (tolerance ${fmt(allowed)} mm)`, before.file.uri);
    }
  });
  return (slices[slices.length - 1].distance! - slices[0].distance!) / (slices.length - 1);
}

/** The output array: Float32 for non-integer rescale, else the narrowest integer type for the range. */
function createOutputArray(slices: Slice[], length: number): VoxelArray {
  let low = Infinity;
  let high = -Infinity;
  for (const slice of slices) {
    const { rescaleSlope: slope, rescaleIntercept: intercept } = slice.geometry;
    if (!Number.isInteger(slope) || !Number.isInteger(intercept)) return new Float32Array(length);
    const { bitsStored, pixelRepresentation } = slice.file.format;
    const storedLow = pixelRepresentation === 1 ? -(2 ** (bitsStored - 1)) : 0;
    const storedHigh = pixelRepresentation === 1 ? 2 ** (bitsStored - 1) - 1 : 2 ** bitsStored - 1;
    const ends = [storedLow * slope + intercept, storedHigh * slope + intercept];
    low = Math.min(low, ...ends);
    high = Math.max(high, ...ends);
  }
  const Stored = storedArrayType(slices[0].file.format);
  const sameStoredType = slices.every((slice) => storedArrayType(slice.file.format) === Stored);
  const noRescale = slices.every((slice) => slice.geometry.rescaleSlope === 1 && slice.geometry.rescaleIntercept === 0);
  if (noRescale && sameStoredType) return new Stored(length);
  if (low >= 0 && high <= 0xff) return new Uint8Array(length);
  if (low >= -0x80 && high <= 0x7f) return new Int8Array(length);
  if (low >= 0 && high <= 0xffff) return new Uint16Array(length);
  if (low >= -0x8000 && high <= 0x7fff) return new Int16Array(length);
  if (low >= 0 && high <= 0xffffffff) return new Uint32Array(length);
  if (low >= -0x80000000 && high <= 0x7fffffff) return new Int32Array(length);
  return new Float64Array(length);
}

/** Distinct (slope, intercept) pairs, in slice order. */
function distinctRescales(slices: Slice[]): { slope: number; intercept: number }[] {
  const seen = new Map<string, { slope: number; intercept: number }>();
  for (const { geometry } of slices) seen.set(`${geometry.rescaleSlope}/${geometry.rescaleIntercept}`, { slope: geometry.rescaleSlope, intercept: geometry.rescaleIntercept });
  return [...seen.values()];
}

function dot(a: readonly number[], b: readonly number[]): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

/** A number for messages: up to 4 decimals, no trailing zeros. */
function fmt(value: number): string {
  return String(Math.round(value * 1e4) / 1e4);
}
