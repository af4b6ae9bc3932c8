/**
 * DICOM-SEG (Segmentation Storage) → label Volume.
 *
 *  - Labels: segment number n → label n (segments are numbered 1..N in a SEG). Background 0.
 *  - BINARY (1 bit, native) and FRACTIONAL (8 bit; a voxel belongs to a segment when
 *    value / MaximumFractionalValue ≥ `threshold`, default 0.5). 8-bit encapsulated pixel data
 *    goes through the DICOM pixel decoders.
 *  - Geometry per frame from the per-frame functional groups, falling back to the shared ones
 *    (PlanePosition, PlaneOrientation, PixelMeasures, SegmentIdentification).
 *  - Grid: the `reference` grid when given (the image the SEG was drawn on); frames are placed by
 *    their ImagePositionPatient mapped to voxel indices, and must land on voxels to within
 *    `tolerance` (a fraction of a voxel, default 0.01). Without a reference, the grid spans the
 *    frames: orientation from the SEG, slices along the normal from the lowest position, slice
 *    spacing from SpacingBetweenSlices (else the smallest gap between frame positions).
 *  - Overlapping segments: an InvalidMaskError naming the segments by default;
 *    `overlap: 'higher-segment'` keeps the higher segment number instead.
 * Problems with the file are CorruptImageError; a SEG that does not fit the reference grid is a
 * GeometryMismatchError.
 */
import { GeometryMismatchError, InvalidMaskError } from '../../errors';
import {
  corrupt, getNumber, getNumbers, getSequenceItem, getSequenceItems, getString, parseDicomBytes, requireNumber, Tag,
  type DicomDataset,
} from '../dicom/dataset';
import { decodePixelData, readPixelFormat } from '../dicom/pixel-data';
import type { Mat3, Vec3, Volume } from '../volume';
import { directionFromOrientation, dot, invert3, toContinuousIndex, type Grid } from './grid';

export const SEGMENTATION_STORAGE = '1.2.840.10008.5.1.4.1.1.66.4';

export interface SegReadOptions {
  /** The grid to place the segments on (the referenced image). */
  reference?: Grid;
  /** FRACTIONAL only: the fraction from which a voxel belongs to a segment (default 0.5). */
  threshold?: number;
  /** What to do when two segments claim a voxel (default 'error'). */
  overlap?: 'error' | 'higher-segment';
  /** How far from a voxel a frame may be, in voxels (default 0.01). */
  tolerance?: number;
}

export interface SegSegmentInfo {
  /** SegmentNumber, which is also the label in the mask. */
  number: number;
  name: string;
  category?: string;
  type?: string;
}

export interface DicomSegMask {
  mask: Volume<Uint8Array | Uint16Array>;
  segments: SegSegmentInfo[];
  segmentationType: 'BINARY' | 'FRACTIONAL';
  referencedSeriesInstanceUid?: string;
  frameOfReferenceUid?: string;
}

/** Where one frame goes: its segment, its position and the plane it lies in. */
interface FramePlacement {
  segmentNumber: number;
  position: number[];
  orientation: number[];
  pixelSpacing: number[];
}

const DEFAULT_THRESHOLD = 0.5;
const DEFAULT_TOLERANCE = 0.01;

/** True when the bytes are a DICOM Segmentation. */
export function isDicomSeg(ds: DicomDataset): boolean {
  return getString(ds, Tag.SOPClassUID) === SEGMENTATION_STORAGE;
}

/** Read a DICOM-SEG file into a label volume (see the module comment for the rules). */
export function readDicomSeg(bytes: Uint8Array, uri: string, options: SegReadOptions = {}): DicomSegMask {
  return readDicomSegDataset(parseDicomBytes(bytes, uri), options);
}

/** The same, from an already parsed file. */
export function readDicomSegDataset(ds: DicomDataset, options: SegReadOptions = {}): DicomSegMask {
  if (!isDicomSeg(ds)) throw corrupt(ds.uri, `not a DICOM Segmentation (SOP class ${getString(ds, Tag.SOPClassUID) ?? 'missing'})`);
  const segmentationType = getString(ds, 'x00620001');
  if (segmentationType !== 'BINARY' && segmentationType !== 'FRACTIONAL') throw corrupt(ds.uri, `unsupported SegmentationType "${segmentationType}"`);
  const segments = readSegments(ds);
  const frames = readFramePlacements(ds);
  const rows = requireNumber(ds, Tag.Rows, 'Rows');
  const columns = requireNumber(ds, Tag.Columns, 'Columns');
  const membership = readMembership(ds, segmentationType, frames.length, rows * columns, options.threshold ?? DEFAULT_THRESHOLD);

  const grid = options.reference ?? gridSpanningFrames(ds, frames, rows, columns);
  const data = segments.length > 255 ? new Uint16Array(grid.size[0] * grid.size[1] * grid.size[2]) : new Uint8Array(grid.size[0] * grid.size[1] * grid.size[2]);
  const inverse = invert3(grid.direction);
  const tolerance = options.tolerance ?? DEFAULT_TOLERANCE;
  const overlaps = new Map<string, number>();
  frames.forEach((frame, f) => {
    checkPlane(ds.uri, frame, grid, tolerance);
    const [i0, j0, k] = toContinuousIndex(grid, inverse, frame.position).map((x) => snap(ds.uri, x, tolerance, frame));
    if (k < 0 || k >= grid.size[2] || i0 < 0 || j0 < 0 || i0 + columns > grid.size[0] || j0 + rows > grid.size[1]) {
      throw new GeometryMismatchError(`${ds.uri}: frame ${f + 1} at [${frame.position.join(', ')}] lies outside the reference grid`, ds.uri);
    }
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < columns; c++) {
        if (!membership(f, r * columns + c)) continue;
        const voxel = i0 + c + grid.size[0] * (j0 + r + grid.size[1] * k);
        const previous = data[voxel];
        if (previous !== 0 && previous !== frame.segmentNumber) {
          const key = `${Math.min(previous, frame.segmentNumber)} and ${Math.max(previous, frame.segmentNumber)}`;
          overlaps.set(key, (overlaps.get(key) ?? 0) + 1);
          data[voxel] = Math.max(previous, frame.segmentNumber);
        } else data[voxel] = frame.segmentNumber;
      }
    }
  });
  if (overlaps.size > 0 && (options.overlap ?? 'error') === 'error') {
    const list = [...overlaps.entries()].map(([pair, count]) => `segments ${pair} (${count} voxels)`).join(', ');
    throw new InvalidMaskError(`${ds.uri}: overlapping segments cannot be one label map: ${list}`, ds.uri);
  }
  const mask = { data, size: [...grid.size] as Vec3, spacing: [...grid.spacing] as Vec3, origin: [...grid.origin] as Vec3, direction: [...grid.direction] as Mat3 };
  const referencedSeries = getSequenceItem(ds, 'x00081115');
  return {
    mask,
    segments,
    segmentationType,
    referencedSeriesInstanceUid: referencedSeries ? getString(referencedSeries, Tag.SeriesInstanceUID) : undefined,
    frameOfReferenceUid: getString(ds, Tag.FrameOfReferenceUID),
  };
}

/** SegmentSequence: numbers, labels and coded types. */
function readSegments(ds: DicomDataset): SegSegmentInfo[] {
  const items = getSequenceItems(ds, 'x00620002');
  if (items.length === 0) throw corrupt(ds.uri, 'empty SegmentSequence (0062,0002)');
  return items.map((item) => {
    const code = (tag: string) => {
      const codeItem = getSequenceItem(item, tag);
      return codeItem ? getString(codeItem, 'x00080104') : undefined;
    };
    const number = requireNumber(item, 'x00620004', 'SegmentNumber');
    return { number, name: getString(item, 'x00620005') ?? `segment ${number}`, category: code('x00620003'), type: code('x0062000f') };
  });
}

/** Segment, position, orientation and pixel spacing of every frame (per-frame, else shared groups). */
function readFramePlacements(ds: DicomDataset): FramePlacement[] {
  const shared = getSequenceItem(ds, Tag.SharedFunctionalGroupsSequence);
  const perFrame = getSequenceItems(ds, Tag.PerFrameFunctionalGroupsSequence);
  const count = getNumber(ds, Tag.NumberOfFrames) ?? 1;
  if (perFrame.length !== count) throw corrupt(ds.uri, `${perFrame.length} per-frame functional groups for ${count} frames`);
  const fromGroups = (frame: DicomDataset, sequenceTag: string, tag: string): number[] => {
    for (const group of [frame, shared]) {
      const item = group ? getSequenceItem(group, sequenceTag) : undefined;
      const values = item ? getNumbers(item, tag) : [];
      if (values.length > 0) return values;
    }
    return [];
  };
  return perFrame.map((frame, f) => {
    const segmentNumber = fromGroups(frame, 'x0062000a', 'x0062000b')[0];
    const position = fromGroups(frame, Tag.PlanePositionSequence, Tag.ImagePositionPatient);
    const orientation = fromGroups(frame, Tag.PlaneOrientationSequence, Tag.ImageOrientationPatient);
    const pixelSpacing = fromGroups(frame, Tag.PixelMeasuresSequence, Tag.PixelSpacing);
    if (segmentNumber === undefined) throw corrupt(ds.uri, `frame ${f + 1} has no ReferencedSegmentNumber`);
    if (position.length !== 3) throw corrupt(ds.uri, `frame ${f + 1} has no ImagePositionPatient`);
    if (orientation.length !== 6) throw corrupt(ds.uri, `frame ${f + 1} has no ImageOrientationPatient`);
    if (pixelSpacing.length !== 2) throw corrupt(ds.uri, `frame ${f + 1} has no PixelSpacing`);
    return { segmentNumber, position, orientation, pixelSpacing };
  });
}

/** A test "does frame f hold pixel p?" over the decoded pixel data. */
function readMembership(ds: DicomDataset, type: 'BINARY' | 'FRACTIONAL', frames: number, pixelsPerFrame: number, threshold: number): (f: number, p: number) => boolean {
  const bitsAllocated = requireNumber(ds, Tag.BitsAllocated, 'BitsAllocated');
  if (type === 'BINARY' && bitsAllocated === 1) {
    const element = ds.raw.elements[Tag.PixelData];
    if (!element) throw corrupt(ds.uri, 'no Pixel Data (7FE0,0010)');
    if (element.encapsulatedPixelData) throw corrupt(ds.uri, 'encapsulated 1-bit pixel data is not supported');
    if (element.length * 8 < frames * pixelsPerFrame) throw corrupt(ds.uri, `Pixel Data holds ${element.length} bytes, ${Math.ceil((frames * pixelsPerFrame) / 8)} needed`);
    const bytes = ds.raw.byteArray.subarray(element.dataOffset, element.dataOffset + element.length);
    return (f, p) => {
      const bit = f * pixelsPerFrame + p;
      return (bytes[bit >> 3] & (1 << (bit & 7))) !== 0;
    };
  }
  const values = decodePixelData(ds, readPixelFormat(ds));
  if (values.length < frames * pixelsPerFrame) throw corrupt(ds.uri, 'Pixel Data is shorter than its frames');
  if (type === 'BINARY') return (f, p) => values[f * pixelsPerFrame + p] !== 0;
  const maximum = getNumber(ds, 'x0062000e') ?? 255;
  const cut = threshold * maximum;
  return (f, p) => values[f * pixelsPerFrame + p] >= cut;
}

/** Without a reference: the smallest grid along the SEG's normal that holds every frame. */
function gridSpanningFrames(ds: DicomDataset, frames: FramePlacement[], rows: number, columns: number): Grid {
  const first = frames[0];
  const direction = directionFromOrientation(first.orientation);
  const normal = [direction[2], direction[5], direction[8]];
  const heights = [...new Set(frames.map((f) => dot(f.position, normal)))].sort((a, b) => a - b);
  const lowest = frames.find((f) => dot(f.position, normal) === heights[0])!;
  const measures = getSequenceItem(getSequenceItem(ds, Tag.SharedFunctionalGroupsSequence) ?? ds, Tag.PixelMeasuresSequence);
  const gaps = heights.slice(1).map((h, i) => h - heights[i]);
  const sliceSpacing =
    (measures ? getNumber(measures, Tag.SpacingBetweenSlices) : undefined) ??
    (gaps.length > 0 ? Math.min(...gaps) : undefined) ??
    (measures ? getNumber(measures, Tag.SliceThickness) : undefined) ??
    1;
  const slices = Math.round((heights[heights.length - 1] - heights[0]) / sliceSpacing) + 1;
  return {
    size: [columns, rows, slices],
    spacing: [first.pixelSpacing[1], first.pixelSpacing[0], sliceSpacing],
    origin: [lowest.position[0], lowest.position[1], lowest.position[2]],
    direction,
  };
}

/** The frame's plane must be the grid's: same row/column directions and pixel spacing. */
function checkPlane(uri: string, frame: FramePlacement, grid: Grid, tolerance: number): void {
  const d = grid.direction;
  const expected = [d[0], d[3], d[6], d[1], d[4], d[7]];
  if (frame.orientation.some((v, i) => Math.abs(v - expected[i]) > 1e-4)) {
    throw new GeometryMismatchError(`${uri}: frame orientation [${frame.orientation.join(', ')}] differs from the reference grid's`, uri);
  }
  if (Math.abs(frame.pixelSpacing[1] - grid.spacing[0]) > tolerance * grid.spacing[0] || Math.abs(frame.pixelSpacing[0] - grid.spacing[1]) > tolerance * grid.spacing[1]) {
    throw new GeometryMismatchError(`${uri}: frame pixel spacing [${frame.pixelSpacing.join(', ')}] differs from the reference grid's`, uri);
  }
}

/** A continuous index that must be a whole voxel to within the tolerance. */
function snap(uri: string, x: number, tolerance: number, frame: FramePlacement): number {
  const nearest = Math.round(x);
  if (Math.abs(x - nearest) > tolerance) {
    throw new GeometryMismatchError(`${uri}: frame at [${frame.position.join(', ')}] falls between voxels of the reference grid (index ${x.toFixed(3)})`, uri);
  }
  return nearest;
}
