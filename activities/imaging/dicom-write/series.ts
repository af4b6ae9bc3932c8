/**
 * Writing a Volume as a DICOM series (CT Image Storage or MR Image Storage), one file per slice k:
 * ImagePositionPatient = origin + k · spacing[2] · (third direction column), ImageOrientationPatient
 * = the first two direction columns (row then column direction, LPS), PixelSpacing = [spacing[1],
 * spacing[0]] (between rows, between columns). Pixels are 16-bit, signed or unsigned, with
 * RescaleSlope/Intercept chosen so that every voxel reads back exactly (see rescale.ts).
 * UIDs are deterministic (2.25.<hash>), so the same volume and options give identical bytes.
 */
import { InvalidSettingsError } from '../../errors';
import type { Volume } from '../volume';
import { choosePixelEncoding, type RescaleChoice } from './rescale';
import { contentSeed, deterministicUid } from './uids';
import { element, sequence, writePart10, type DicomElement } from './writer';

export const CT_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.2';
export const MR_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.4';

export interface DicomSeriesOptions {
  patientId: string;
  patientName?: string;
  modality: 'CT' | 'MR';
  studyInstanceUid?: string;
  seriesInstanceUid?: string;
  frameOfReferenceUid?: string;
  seriesNumber?: number;
  seriesDescription?: string;
  /** Fixed slope/intercept instead of the automatic choice (refused when a voxel does not fit). */
  rescale?: RescaleChoice;
  /** Seed of the UIDs not given; default: a hash of the voxels, geometry, patient and modality. */
  seed?: string;
  /** StudyDate/SeriesDate/ContentDate (YYYYMMDD) and times (HHMMSS); default empty (type 2). */
  studyDate?: string;
  studyTime?: string;
}

/** The UIDs of a written series: what a DICOM-SEG or RTSTRUCT needs to reference it. */
export interface SeriesReference {
  patientId: string;
  patientName: string;
  studyInstanceUid: string;
  seriesInstanceUid: string;
  frameOfReferenceUid: string;
  sopClassUid: string;
  /** One per slice k, in slice order. */
  sopInstanceUids: string[];
}

export interface WrittenFile {
  name: string;
  bytes: Uint8Array;
}

/** The UIDs writeDicomSeries(volume, options) uses, without writing anything. */
export function dicomSeriesReference(volume: Volume, options: DicomSeriesOptions): SeriesReference {
  const seed = options.seed ?? volumeSeed(volume, options);
  const studyInstanceUid = options.studyInstanceUid ?? deterministicUid('study', options.patientId, seed);
  const seriesInstanceUid = options.seriesInstanceUid ?? deterministicUid('series', studyInstanceUid, options.modality, seed);
  const frameOfReferenceUid = options.frameOfReferenceUid ?? deterministicUid('frame-of-reference', studyInstanceUid, seed);
  const sopInstanceUids = Array.from({ length: volume.size[2] }, (_, k) => deterministicUid('instance', seriesInstanceUid, k));
  return {
    patientId: options.patientId,
    patientName: options.patientName ?? options.patientId,
    studyInstanceUid,
    seriesInstanceUid,
    frameOfReferenceUid,
    sopClassUid: options.modality === 'CT' ? CT_IMAGE_STORAGE : MR_IMAGE_STORAGE,
    sopInstanceUids,
  };
}

/** One Part 10 file per slice, named slice-0001.dcm, ... in slice order. */
export function writeDicomSeries(volume: Volume, options: DicomSeriesOptions): WrittenFile[] {
  if (options.modality !== 'CT' && options.modality !== 'MR') throw new InvalidSettingsError(`modality must be CT or MR, not "${options.modality}"`);
  const geometry = sliceGeometry(volume);
  const encoding = choosePixelEncoding(volume.data, options.rescale);
  const reference = dicomSeriesReference(volume, options);
  const [columns, rows, slices] = volume.size;
  const perSlice = columns * rows;
  const files: WrittenFile[] = [];
  for (let k = 0; k < slices; k++) {
    const pixels = encoding.stored.subarray(k * perSlice, (k + 1) * perSlice);
    const dataset = [
      ...commonModules(reference, options),
      element(0x00080008, 'CS', ['ORIGINAL', 'PRIMARY', options.modality === 'CT' ? 'AXIAL' : 'OTHER']), // ImageType
      element(0x00080018, 'UI', reference.sopInstanceUids[k]), // SOPInstanceUID
      element(0x00180050, 'DS', volume.spacing[2]), // SliceThickness
      element(0x00180088, 'DS', volume.spacing[2]), // SpacingBetweenSlices
      element(0x00200013, 'IS', k + 1), // InstanceNumber
      element(0x00200032, 'DS', geometry.positionOf(k)), // ImagePositionPatient
      element(0x00200037, 'DS', geometry.orientation), // ImageOrientationPatient
      element(0x00201041, 'DS', geometry.sliceLocationOf(k)), // SliceLocation
      ...imagePixelModule(rows, columns, encoding.pixelRepresentation),
      element(0x00280030, 'DS', [volume.spacing[1], volume.spacing[0]]), // PixelSpacing
      ...rescaleElements(options.modality, encoding.slope, encoding.intercept),
      element(0x7fe00010, 'OW', new Uint8Array(littleEndianBytes(pixels))), // PixelData
      ...modalityElements(options.modality),
    ];
    const name = `slice-${String(k + 1).padStart(4, '0')}.dcm`;
    files.push({ name, bytes: writePart10(dataset, reference.sopClassUid, reference.sopInstanceUids[k]) });
  }
  return files;
}

/** Patient, study, series, frame of reference and equipment attributes shared by every slice. */
function commonModules(reference: SeriesReference, options: DicomSeriesOptions): DicomElement[] {
  return [
    element(0x00080005, 'CS', 'ISO_IR 192'), // SpecificCharacterSet (UTF-8)
    element(0x00080016, 'UI', reference.sopClassUid), // SOPClassUID
    element(0x00080020, 'DA', options.studyDate ?? ''), // StudyDate
    element(0x00080030, 'TM', options.studyTime ?? ''), // StudyTime
    element(0x00080050, 'SH', ''), // AccessionNumber
    element(0x00080060, 'CS', options.modality), // Modality
    element(0x00080070, 'LO', 'radiogenomics'), // Manufacturer
    element(0x00080090, 'PN', ''), // ReferringPhysicianName
    element(0x0008103e, 'LO', options.seriesDescription ?? 'synthetic'), // SeriesDescription
    element(0x00100010, 'PN', reference.patientName), // PatientName
    element(0x00100020, 'LO', reference.patientId), // PatientID
    element(0x00100030, 'DA', ''), // PatientBirthDate
    element(0x00100040, 'CS', ''), // PatientSex
    element(0x0020000d, 'UI', reference.studyInstanceUid), // StudyInstanceUID
    element(0x0020000e, 'UI', reference.seriesInstanceUid), // SeriesInstanceUID
    element(0x00200010, 'SH', ''), // StudyID
    element(0x00200011, 'IS', options.seriesNumber ?? 1), // SeriesNumber
    element(0x00185100, 'CS', 'HFS'), // PatientPosition
    element(0x00200052, 'UI', reference.frameOfReferenceUid), // FrameOfReferenceUID
    element(0x00200060, 'CS', ''), // Laterality
    element(0x00201040, 'LO', ''), // PositionReferenceIndicator
  ];
}

/** Image Pixel module for 16-bit monochrome pixels. */
function imagePixelModule(rows: number, columns: number, pixelRepresentation: 0 | 1): DicomElement[] {
  return [
    element(0x00280002, 'US', 1), // SamplesPerPixel
    element(0x00280004, 'CS', 'MONOCHROME2'), // PhotometricInterpretation
    element(0x00280010, 'US', rows), // Rows
    element(0x00280011, 'US', columns), // Columns
    element(0x00280100, 'US', 16), // BitsAllocated
    element(0x00280101, 'US', 16), // BitsStored
    element(0x00280102, 'US', 15), // HighBit
    element(0x00280103, 'US', pixelRepresentation), // PixelRepresentation
  ];
}

/**
 * RescaleIntercept/Slope. MR images have no Modality LUT in the standard IOD: they are written only
 * when needed (slope ≠ 1 or intercept ≠ 0), with RescaleType "US" (unspecified), as vendors do.
 */
function rescaleElements(modality: 'CT' | 'MR', slope: string, intercept: string): DicomElement[] {
  const rescale = [element(0x00281052, 'DS', intercept), element(0x00281053, 'DS', slope)];
  if (modality === 'CT') return rescale;
  return slope === '1' && intercept === '0' ? [] : [...rescale, element(0x00281054, 'LO', 'US')];
}

/** The modality-specific type 1/2 attributes (CT Image or MR Image module). */
function modalityElements(modality: 'CT' | 'MR'): DicomElement[] {
  if (modality === 'CT') {
    return [element(0x00180060, 'DS', ''), element(0x00200012, 'IS', 1)]; // KVP, AcquisitionNumber
  }
  return [
    element(0x00180020, 'CS', 'RM'), // ScanningSequence: research mode
    element(0x00180021, 'CS', 'NONE'), // SequenceVariant
    element(0x00180022, 'CS', ''), // ScanOptions
    element(0x00180023, 'CS', '3D'), // MRAcquisitionType
    element(0x00180080, 'DS', ''), // RepetitionTime
    element(0x00180081, 'DS', ''), // EchoTime
    element(0x00180091, 'IS', ''), // EchoTrainLength
    element(0x00200012, 'IS', 1), // AcquisitionNumber
  ];
}

/** Positions and orientation of the slices; refuses directions a DICOM series cannot express. */
export function sliceGeometry(volume: Volume): {
  orientation: number[];
  normal: number[];
  positionOf: (k: number) => number[];
  sliceLocationOf: (k: number) => number;
} {
  const d = volume.direction;
  const row = [d[0], d[3], d[6]];
  const column = [d[1], d[4], d[7]];
  const slice = [d[2], d[5], d[8]];
  const normal = cross(row, column);
  const unit = (v: number[]) => Math.abs(Math.hypot(...v) - 1) <= 1e-6;
  if (!unit(row) || !unit(column) || Math.abs(dot(row, column)) > 1e-6) {
    throw new InvalidSettingsError('direction: the first two columns must be orthonormal to be written as DICOM slices');
  }
  if (normal.some((n, i) => Math.abs(n - slice[i]) > 1e-6)) {
    throw new InvalidSettingsError(
      'direction: the third column must be the cross product of the first two (DICOM orders slices along the normal); reverse the slices first (withRightHandedSlices in imaging/volume.ts)',
    );
  }
  const positionOf = (k: number) => volume.origin.map((o, axis) => o + k * volume.spacing[2] * slice[axis]);
  return { orientation: [...row, ...column], normal, positionOf, sliceLocationOf: (k) => dot(positionOf(k), normal) };
}

/** Little-endian bytes of 16-bit pixels (a copy). */
function littleEndianBytes(pixels: Int16Array | Uint16Array): Uint8Array {
  const bytes = new Uint8Array(pixels.length * 2);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < pixels.length; i++) view.setUint16(i * 2, pixels[i] & 0xffff, true);
  return bytes;
}

/** A seed that changes with anything that would make the series different. */
function volumeSeed(volume: Volume, options: DicomSeriesOptions): string {
  const geometry = JSON.stringify([volume.size, volume.spacing, volume.origin, volume.direction, options.patientId, options.modality]);
  return contentSeed(new Uint8Array(volume.data.buffer, volume.data.byteOffset, volume.data.byteLength), geometry);
}

function cross(a: number[], b: number[]): number[] {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

function dot(a: number[], b: number[]): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}
