/**
 * RTSTRUCT → binary mask on a reference image grid.
 *
 *  - The ROI is chosen by name (StructureSetROISequence ROIName; exact match first, then ignoring
 *    case and surrounding spaces). An absent name is an InvalidMaskError listing the names present.
 *  - Only CLOSED_PLANAR contours are rasterized (POINT and OPEN_PLANAR ones are skipped); their
 *    points (LPS, mm) are mapped to continuous voxel indices through the inverse direction.
 *  - Each contour must be parallel to the slices and lie within `tolerance` slices (default 0.25)
 *    of a slice of the grid: it is drawn on that nearest slice, else GeometryMismatchError.
 *  - All contours of a slice are filled together by the even-odd rule: a voxel whose center is
 *    inside an odd number of contours is in the ROI, so a contour inside another is a hole.
 *    A voxel center exactly on an edge counts as inside on the left/lower edge, outside on the
 *    right/upper one (half-open scanline rule), so shapes that share an edge do not double count.
 */
import { GeometryMismatchError, InvalidMaskError } from '../../errors';
import { corrupt, getNumbers, getSequenceItems, getString, parseDicomBytes, Tag, type DicomDataset } from '../dicom/dataset';
import type { Mat3, Vec3, Volume } from '../volume';
import { invert3, toContinuousIndex, type Grid } from './grid';

export const RT_STRUCTURE_SET_STORAGE = '1.2.840.10008.5.1.4.1.1.481.3';

export interface RtStructReadOptions {
  /** How far (in slices) a contour may lie from the slice it is drawn on (default 0.25). */
  tolerance?: number;
}

export interface RtStructMask {
  /** 1 inside the ROI, 0 outside, on the reference grid. */
  mask: Volume<Uint8Array>;
  roiName: string;
  roiNumber: number;
  /** Number of CLOSED_PLANAR contours drawn. */
  contours: number;
}

/** A contour in continuous voxel coordinates (i, j) on slice k. */
interface PlanarContour {
  slice: number;
  points: Array<[number, number]>;
}

const DEFAULT_TOLERANCE = 0.25;

/** True when the parsed file is an RT Structure Set. */
export function isRtStruct(ds: DicomDataset): boolean {
  return getString(ds, Tag.SOPClassUID) === RT_STRUCTURE_SET_STORAGE;
}

/** The ROI names of a structure set, in file order. */
export function listRoiNames(ds: DicomDataset): string[] {
  return getSequenceItems(ds, 'x30060020').map((item) => getString(item, 'x30060026') ?? '');
}

/** The names of the ROIs that have at least one CLOSED_PLANAR contour, in file order. */
export function listClosedRoiNames(ds: DicomDataset): string[] {
  const roiNumbersWithClosedContours = new Set(
    getSequenceItems(ds, 'x30060039')
      .filter((item) => getSequenceItems(item, 'x30060040').some((c) => getString(c, 'x30060042') === 'CLOSED_PLANAR'))
      .map((item) => getNumbers(item, 'x30060084')[0]),
  );
  return getSequenceItems(ds, 'x30060020')
    .filter((item) => roiNumbersWithClosedContours.has(getNumbers(item, 'x30060022')[0]))
    .map((item) => getString(item, 'x30060026') ?? '');
}

/** Rasterize the ROI `roiName` of an RTSTRUCT file on the reference grid. */
export function readRtStruct(bytes: Uint8Array, uri: string, reference: Grid, roiName: string, options: RtStructReadOptions = {}): RtStructMask {
  return readRtStructDataset(parseDicomBytes(bytes, uri), reference, roiName, options);
}

/** The same, from an already parsed file. */
export function readRtStructDataset(ds: DicomDataset, reference: Grid, roiName: string, options: RtStructReadOptions = {}): RtStructMask {
  if (!isRtStruct(ds)) throw corrupt(ds.uri, `not an RT Structure Set (SOP class ${getString(ds, Tag.SOPClassUID) ?? 'missing'})`);
  const roi = findRoi(ds, roiName);
  const contours = readClosedContours(ds, roi.number, reference, options.tolerance ?? DEFAULT_TOLERANCE);
  if (contours.length === 0) throw new InvalidMaskError(`${ds.uri}: ROI "${roi.name}" has no CLOSED_PLANAR contours`, ds.uri);
  const data = new Uint8Array(reference.size[0] * reference.size[1] * reference.size[2]);
  for (let k = 0; k < reference.size[2]; k++) {
    const onSlice = contours.filter((c) => c.slice === k);
    if (onSlice.length > 0) fillEvenOdd(data, reference.size, k, onSlice);
  }
  const mask = { data, size: [...reference.size] as Vec3, spacing: [...reference.spacing] as Vec3, origin: [...reference.origin] as Vec3, direction: [...reference.direction] as Mat3 };
  return { mask, roiName: roi.name, roiNumber: roi.number, contours: contours.length };
}

/** The ROI number of `name`; an InvalidMaskError listing the names present when it is absent. */
function findRoi(ds: DicomDataset, name: string): { number: number; name: string } {
  const rois = getSequenceItems(ds, 'x30060020').map((item) => ({ number: getNumbers(item, 'x30060022')[0], name: getString(item, 'x30060026') ?? '' }));
  const wanted = name.trim().toLowerCase();
  const roi = rois.find((r) => r.name === name) ?? rois.find((r) => r.name.trim().toLowerCase() === wanted);
  if (!roi) {
    const present = rois.map((r) => `"${r.name}"`).join(', ') || 'none';
    throw new InvalidMaskError(`${ds.uri}: ROI "${name}" is absent from the structure set (ROIs present: ${present})`, ds.uri);
  }
  if (roi.number === undefined || Number.isNaN(roi.number)) throw corrupt(ds.uri, `ROI "${roi.name}" has no ROINumber`);
  return roi;
}

/** The ROI's CLOSED_PLANAR contours in voxel coordinates, each assigned to its slice. */
function readClosedContours(ds: DicomDataset, roiNumber: number, grid: Grid, tolerance: number): PlanarContour[] {
  const roiContour = getSequenceItems(ds, 'x30060039').find((item) => getNumbers(item, 'x30060084')[0] === roiNumber);
  if (!roiContour) return [];
  const inverse = invert3(grid.direction);
  const contours: PlanarContour[] = [];
  for (const contour of getSequenceItems(roiContour, 'x30060040')) {
    if (getString(contour, 'x30060042') !== 'CLOSED_PLANAR') continue;
    const coordinates = getNumbers(contour, 'x30060050');
    if (coordinates.length < 9 || coordinates.length % 3 !== 0 || coordinates.some((v) => !Number.isFinite(v))) {
      throw corrupt(ds.uri, `a contour of ROI ${roiNumber} has malformed ContourData (${coordinates.length} values)`);
    }
    const points: Array<[number, number]> = [];
    const depths: number[] = [];
    for (let p = 0; p < coordinates.length; p += 3) {
      const [i, j, k] = toContinuousIndex(grid, inverse, coordinates.slice(p, p + 3));
      points.push([i, j]);
      depths.push(k);
    }
    contours.push({ slice: nearestSlice(ds.uri, depths, grid, tolerance, coordinates.slice(0, 3)), points });
  }
  return contours;
}

/** The slice a contour lies on: every point within `tolerance` of it, and inside the grid. */
function nearestSlice(uri: string, depths: number[], grid: Grid, tolerance: number, firstPoint: number[]): number {
  const mean = depths.reduce((a, b) => a + b, 0) / depths.length;
  const slice = Math.round(mean);
  const where = `contour at [${firstPoint.map((v) => +v.toFixed(3)).join(', ')}]`;
  if (depths.some((k) => Math.abs(k - slice) > tolerance)) {
    const spread = Math.max(...depths.map((k) => Math.abs(k - slice)));
    throw new GeometryMismatchError(`${uri}: ${where} is ${spread.toFixed(3)} slices from the nearest slice of the reference grid (tolerance ${tolerance})`, uri);
  }
  if (slice < 0 || slice >= grid.size[2]) throw new GeometryMismatchError(`${uri}: ${where} lies outside the reference grid (slice ${slice})`, uri);
  return slice;
}

/** Fill slice k with the even-odd union of its contours, one scanline per voxel row. */
function fillEvenOdd(data: Uint8Array, size: Vec3, k: number, contours: PlanarContour[]): void {
  const [columns, rows] = size;
  for (let j = 0; j < rows; j++) {
    const crossings: number[] = [];
    for (const { points } of contours) {
      for (let p = 0; p < points.length; p++) {
        const [x0, y0] = points[p];
        const [x1, y1] = points[(p + 1) % points.length];
        if (y0 <= j !== y1 <= j) crossings.push(x0 + ((j - y0) * (x1 - x0)) / (y1 - y0));
      }
    }
    crossings.sort((a, b) => a - b);
    for (let c = 0; c + 1 < crossings.length; c += 2) {
      const first = Math.max(0, Math.ceil(crossings[c]));
      const last = Math.min(columns - 1, Math.ceil(crossings[c + 1]) - 1);
      for (let i = first; i <= last; i++) data[i + columns * (j + rows * k)] = 1;
    }
  }
}
