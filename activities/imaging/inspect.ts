/**
 * `rg inspect PATH [--reference IMAGE] [--roi NAME]`: what an image or mask file holds, as JSON.
 *
 * PATH (a local path, or a file:// or s3:// URI; a folder or a prefix ending with "/") may be a
 * DICOM file, a folder holding one DICOM series (non-DICOM files are ignored), a
 * NIfTI or NRRD file (optionally gzipped), a DICOM-SEG (placed on --reference when given, else on
 * the grid its frames span) or an RTSTRUCT (needs --reference: the image it was drawn on).
 *
 * kind: DICOM-SEG and RTSTRUCT are masks; a NIfTI/NRRD file is a mask when every voxel is a whole
 * number ≥ 0 with at most 16 distinct values (a label map), else an image. Voxel min/max/mean are
 * of the values after rescale. Masks add voxel counts per label (background 0 included).
 * RTSTRUCT: every ROI with closed contours (or only --roi) is rasterized; label n is ROI number n,
 * where ROIs overlap the higher ROI number wins, and `rois` gives each ROI's own voxel count.
 */
import { gunzipSync } from 'node:zlib';
import { CorruptImageError, MissingInputError } from '../errors';
import { createStorage, type BlobStore } from '../storage';
import { sourceUriOf } from './sources';
import { isDicom, parseDicomBytes, type DicomDataset } from './dicom/dataset';
import { readDicomSeries } from './dicom/series';
import { isDicomSeg, readDicomSegDataset } from './masks/seg-read';
import { isRtStruct, listClosedRoiNames, readRtStructDataset } from './masks/rtstruct-read';
import { labelCounts } from './masks/grid';
import { looksLikeLabelMap } from './masks/label-map';
import { isGzip } from './nifti';
import { decodeVolume, detectFormat } from './read-volume';
import type { Volume } from './volume';

export interface InspectOptions {
  /** The image a DICOM-SEG or RTSTRUCT refers to (same kinds of PATH as the inspected one). */
  reference?: string;
  /** RTSTRUCT: only this ROI. */
  roi?: string;
}

export type InspectFormat = 'dicom' | 'dicom-seg' | 'rtstruct' | 'nrrd' | 'nifti';

export interface InspectReport {
  path: string;
  kind: 'image' | 'mask';
  format: InspectFormat;
  size: number[];
  spacing: number[];
  origin: number[];
  direction: number[];
  min: number;
  max: number;
  mean: number;
  /** Masks: voxel count per label value. */
  labels?: Record<string, number>;
  /** DICOM-SEG: segment number (= label) and name. */
  segments?: { label: number; name: string; category?: string; type?: string }[];
  /** RTSTRUCT: the ROIs rasterized. */
  rois?: { label: number; name: string; voxels: number }[];
  /** DICOM images: the series read. */
  series?: { seriesInstanceUid?: string; modality?: string; files: number };
}

/** Inspect a file or folder (see the module comment). */
export async function inspectPath(path: string, options: InspectOptions = {}, store: BlobStore = createStorage()): Promise<InspectReport> {
  const uri = sourceUriOf(path);
  if (uri.endsWith('/')) return report(path, 'image', 'dicom', await readDicomFolder(store, uri, path));

  const bytes = await readObject(store, uri, path, '');
  if (!isDicom(bytes)) {
    const { volume, format } = decodeNonDicom(bytes, path);
    return report(path, looksLikeLabelMap(volume) ? 'mask' : 'image', format, volume);
  }
  const ds = parseDicomBytes(bytes, path);
  if (isDicomSeg(ds)) {
    const reference = options.reference ? await loadImage(store, options.reference) : undefined;
    const seg = readDicomSegDataset(ds, { reference });
    const segments = seg.segments.map((s) => ({ label: s.number, name: s.name, category: s.category, type: s.type }));
    return { ...report(path, 'mask', 'dicom-seg', seg.mask), segments };
  }
  if (isRtStruct(ds)) return inspectRtStruct(store, path, ds, options);
  const volume = await readDicomSeries([{ uri: path, bytes }]);
  return { ...report(path, 'image', 'dicom', volume), series: { seriesInstanceUid: volume.meta.seriesInstanceUid, modality: volume.meta.modality, files: 1 } };
}

/** An RTSTRUCT rasterized on its reference image, every closed ROI (or --roi) as its ROI number. */
async function inspectRtStruct(store: BlobStore, path: string, ds: DicomDataset, options: InspectOptions): Promise<InspectReport> {
  if (!options.reference) throw new MissingInputError(`${path}: an RTSTRUCT needs --reference IMAGE (the image its contours were drawn on)`, path);
  const reference = await loadImage(store, options.reference);
  const names = options.roi ? [options.roi] : listClosedRoiNames(ds);
  const data = new Uint16Array(reference.data.length);
  const rois = names.map((name) => {
    const roi = readRtStructDataset(ds, reference, name);
    let voxels = 0;
    roi.mask.data.forEach((inside, p) => {
      if (!inside) return;
      voxels++;
      data[p] = Math.max(data[p], roi.roiNumber);
    });
    return { label: roi.roiNumber, name: roi.roiName, voxels };
  });
  return { ...report(path, 'mask', 'rtstruct', { ...reference, data }), rois };
}

/** The image a mask refers to: a DICOM folder or file, NIfTI or NRRD. */
async function loadImage(store: BlobStore, path: string): Promise<Volume> {
  const uri = sourceUriOf(path);
  if (uri.endsWith('/')) return readDicomFolder(store, uri, path);
  const bytes = await readObject(store, uri, path, ' (--reference)');
  if (isDicom(bytes)) return readDicomSeries([{ uri: path, bytes }]);
  return decodeNonDicom(bytes, path).volume;
}

/** The one DICOM series in a folder or prefix (and below); other files are ignored. */
async function readDicomFolder(store: BlobStore, folderUri: string, path: string) {
  const files = [];
  for (const uri of await store.list(folderUri)) {
    const bytes = new Uint8Array(await store.get(uri));
    if (isDicom(bytes)) files.push({ uri, bytes });
  }
  if (files.length === 0) throw new CorruptImageError(`${path}: the folder holds no DICOM files`, path);
  const volume = await readDicomSeries(files);
  return Object.assign(volume, { series: { seriesInstanceUid: volume.meta.seriesInstanceUid, modality: volume.meta.modality, files: files.length } });
}

/** The bytes of one object; a missing one is a MissingInputError naming PATH as the user wrote it. */
async function readObject(store: BlobStore, uri: string, path: string, role: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await store.get(uri));
  } catch (err) {
    if (err instanceof MissingInputError) throw new MissingInputError(`${path}: no such file or folder${role}`, path);
    throw err;
  }
}

/** NIfTI or NRRD; anything else is a CorruptImageError that names all the formats tried. */
function decodeNonDicom(bytes: Uint8Array, path: string): { volume: Volume; format: 'nrrd' | 'nifti' } {
  if (!isGzip(bytes) && detectFormat(bytes) === null) throw new CorruptImageError(`${path}: not a DICOM, NIfTI or NRRD file`, path);
  const volume = decodeVolume(bytes, path); // gzip errors and unknown gzipped content fail here, naming the file
  return { volume, format: detectFormat(isGzip(bytes) ? gunzipSync(bytes) : bytes) as 'nrrd' | 'nifti' };
}

/** The JSON report of a volume. */
function report(path: string, kind: 'image' | 'mask', format: InspectFormat, volume: Volume & { series?: InspectReport['series'] }): InspectReport {
  const { data } = volume;
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (let p = 0; p < data.length; p++) {
    const v = data[p];
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
  }
  const result: InspectReport = {
    path,
    kind,
    format,
    size: [...volume.size],
    spacing: [...volume.spacing],
    origin: [...volume.origin],
    direction: [...volume.direction],
    min,
    max,
    mean: data.length > 0 ? sum / data.length : NaN,
  };
  if (kind === 'mask') result.labels = labelCounts(data);
  if (volume.series) result.series = volume.series;
  return result;
}
