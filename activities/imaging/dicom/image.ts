/**
 * One DICOM file → its frames: stored values plus, per frame, the geometry and rescale that apply
 * (classic single-frame images, multi-frame images with GridFrameOffsetVector, and enhanced
 * multi-frame images whose Shared/PerFrameFunctionalGroupsSequence carry PlanePosition,
 * PlaneOrientation, PixelMeasures and PixelValueTransformation).
 */
import type { Vec3 } from '../volume';
import type { DicomDataset } from './dataset';
import { corrupt, getNumber, getNumbers, getSequenceItem, getSequenceItems, getString, parseDicomBytes, Tag } from './dataset';
import { loadWasmCodecs, wasmCodecsLoaded } from './codecs';
import type { PixelFormat, StoredArray } from './pixel-data';
import { decodePixelData, needsWasmCodecs, readPixelFormat } from './pixel-data';

/** Where one frame lies and how its stored values map to output values. */
export interface FrameGeometry {
  /** ImagePositionPatient of the frame's first voxel (LPS, mm), when the file says. */
  position?: Vec3;
  /** ImageOrientationPatient: row cosine (direction of increasing column) then column cosine. */
  orientation?: [number, number, number, number, number, number];
  /** PixelSpacing as DICOM writes it: [between rows (y), between columns (x)]. */
  pixelSpacing?: [number, number];
  rescaleSlope: number;
  rescaleIntercept: number;
}

/** What the header of a DICOM image file says: identifiers, pixel format and per-frame geometry. */
export interface DicomImageHeader {
  uri: string;
  transferSyntaxUid: string;
  sopInstanceUid?: string;
  seriesInstanceUid?: string;
  frameOfReferenceUid?: string;
  modality?: string;
  instanceNumber?: number;
  /** SpacingBetweenSlices (0018,0088) when present: used only when positions cannot give spacing. */
  spacingBetweenSlices?: number;
  format: PixelFormat;
  frames: FrameGeometry[];
}

/** A decoded DICOM file: its header and all stored values. */
export interface DicomImageFile extends DicomImageHeader {
  /** Stored values of every frame, frame after frame (rows × columns × samples each). */
  values: StoredArray;
}

/** Parse and decode a DICOM file, loading the wasm codecs first when its transfer syntax needs them. */
export async function decodeDicomFile(bytes: Uint8Array, uri: string): Promise<DicomImageFile> {
  const ds = parseDicomBytes(bytes, uri);
  if (needsWasmCodecs(ds.transferSyntaxUid)) await loadWasmCodecs();
  return decodeParsedDicom(ds);
}

/** Synchronous decodeDicomFile: fine for native, deflated, RLE and JPEG lossless files, or after loadWasmCodecs(). */
export function decodeDicomFileSync(bytes: Uint8Array, uri: string): DicomImageFile {
  return decodeParsedDicom(parseDicomBytes(bytes, uri));
}

/** Decode pixels and per-frame geometry of an already parsed data set. */
export function decodeParsedDicom(ds: DicomDataset): DicomImageFile {
  requireCodecsFor(ds);
  const header = readDicomHeader(ds);
  return { ...header, values: decodePixelData(ds, header.format) };
}

/** An Error when the file's transfer syntax needs the wasm codecs and they are not loaded yet. */
export function requireCodecsFor(ds: DicomDataset): void {
  if (needsWasmCodecs(ds.transferSyntaxUid) && !wasmCodecsLoaded()) {
    throw new Error(`${ds.uri}: transfer syntax ${ds.transferSyntaxUid} needs the wasm codecs: await loadWasmCodecs() first`);
  }
}

/** Identifiers, pixel format and per-frame geometry of a parsed data set (pixels not touched). */
export function readDicomHeader(ds: DicomDataset): DicomImageHeader {
  const format = readPixelFormat(ds);
  const frames = readFrameGeometry(ds, format.numberOfFrames);
  return {
    uri: ds.uri,
    transferSyntaxUid: ds.transferSyntaxUid,
    sopInstanceUid: getString(ds, Tag.SOPInstanceUID),
    seriesInstanceUid: getString(ds, Tag.SeriesInstanceUID),
    frameOfReferenceUid: getString(ds, Tag.FrameOfReferenceUID),
    modality: getString(ds, Tag.Modality),
    instanceNumber: getNumber(ds, Tag.InstanceNumber),
    spacingBetweenSlices: getNumber(ds, Tag.SpacingBetweenSlices),
    format,
    frames,
  };
}

/** Geometry and rescale of each frame: functional groups first, then the classic top-level tags. */
export function readFrameGeometry(ds: DicomDataset, frameCount: number): FrameGeometry[] {
  const shared = getSequenceItem(ds, Tag.SharedFunctionalGroupsSequence);
  const perFrame = getSequenceItems(ds, Tag.PerFrameFunctionalGroupsSequence);
  if (perFrame.length > 0 && perFrame.length !== frameCount) {
    throw corrupt(ds.uri, `PerFrameFunctionalGroupsSequence has ${perFrame.length} items for ${frameCount} frames`);
  }
  const top = readGroupValues(ds, ds);
  const common = shared ? readFunctionalGroups(ds, shared) : {};
  const offsets = getNumbers(ds, Tag.GridFrameOffsetVector);
  const frames: FrameGeometry[] = [];
  for (let frame = 0; frame < frameCount; frame++) {
    const own = perFrame[frame] ? readFunctionalGroups(ds, perFrame[frame]) : {};
    const pick = <K extends keyof FrameGeometry>(key: K): Partial<FrameGeometry>[K] => own[key] ?? common[key] ?? top[key];
    const geometry: FrameGeometry = {
      position: pick('position'),
      orientation: pick('orientation'),
      pixelSpacing: pick('pixelSpacing'),
      rescaleSlope: pick('rescaleSlope') ?? 1,
      rescaleIntercept: pick('rescaleIntercept') ?? 0,
    };
    // RT Dose and similar: one position for the file, frames offset along the normal.
    if (!own.position && !common.position && top.position && frameCount > 1 && offsets.length === frameCount && geometry.orientation) {
      const normal = sliceNormal(geometry.orientation);
      geometry.position = [0, 1, 2].map((axis) => top.position![axis] + normal[axis] * offsets[frame]) as Vec3;
    }
    frames.push(geometry);
  }
  return frames;
}

/** Geometry and rescale values found in one functional groups item. */
function readFunctionalGroups(file: DicomDataset, item: DicomDataset): Partial<FrameGeometry> {
  const position = getSequenceItem(item, Tag.PlanePositionSequence);
  const orientation = getSequenceItem(item, Tag.PlaneOrientationSequence);
  const measures = getSequenceItem(item, Tag.PixelMeasuresSequence);
  const transform = getSequenceItem(item, Tag.PixelValueTransformationSequence);
  return {
    ...(position ? pickDefined({ position: readGroupValues(file, position).position }) : {}),
    ...(orientation ? pickDefined({ orientation: readGroupValues(file, orientation).orientation }) : {}),
    ...(measures ? pickDefined({ pixelSpacing: readGroupValues(file, measures).pixelSpacing }) : {}),
    ...(transform ? pickDefined(rescaleOf(transform)) : {}),
  };
}

/** The geometry attributes of one data set (file or sequence item), validated when present. */
function readGroupValues(file: DicomDataset, item: DicomDataset): Partial<FrameGeometry> {
  const position = getNumbers(item, Tag.ImagePositionPatient);
  const orientation = getNumbers(item, Tag.ImageOrientationPatient);
  const spacing = getNumbers(item, Tag.PixelSpacing);
  if (position.length > 0 && (position.length !== 3 || position.some((v) => !Number.isFinite(v)))) {
    throw corrupt(file.uri, `ImagePositionPatient must hold 3 numbers, found "${position.join('\\')}"`);
  }
  if (orientation.length > 0 && (orientation.length !== 6 || orientation.some((v) => !Number.isFinite(v)))) {
    throw corrupt(file.uri, `ImageOrientationPatient must hold 6 numbers, found "${orientation.join('\\')}"`);
  }
  if (spacing.length > 0 && (spacing.length !== 2 || spacing.some((v) => !(v > 0)))) {
    throw corrupt(file.uri, `PixelSpacing must hold 2 positive numbers, found "${spacing.join('\\')}"`);
  }
  return pickDefined({
    position: position.length === 3 ? (position as Vec3) : undefined,
    orientation: orientation.length === 6 ? normalizeOrientation(orientation) : undefined,
    pixelSpacing: spacing.length === 2 ? (spacing as [number, number]) : undefined,
    ...rescaleOf(item),
  });
}

/** RescaleSlope/RescaleIntercept of a data set, when present. */
function rescaleOf(item: DicomDataset): Partial<FrameGeometry> {
  return pickDefined({ rescaleSlope: getNumber(item, Tag.RescaleSlope), rescaleIntercept: getNumber(item, Tag.RescaleIntercept) });
}

/** Row and column cosines scaled to unit length (files often round them to a few digits). */
function normalizeOrientation(values: number[]): [number, number, number, number, number, number] {
  const unit = (v: number[]) => {
    const length = Math.hypot(v[0], v[1], v[2]) || 1;
    return v.map((x) => x / length);
  };
  return [...unit(values.slice(0, 3)), ...unit(values.slice(3, 6))] as [number, number, number, number, number, number];
}

/** Slice normal: row cosine × column cosine. */
export function sliceNormal(orientation: readonly number[]): Vec3 {
  const [rx, ry, rz, cx, cy, cz] = orientation;
  return [ry * cz - rz * cy, rz * cx - rx * cz, rx * cy - ry * cx];
}

/** Drop undefined properties (so spreading never overwrites a value with undefined). */
function pickDefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
