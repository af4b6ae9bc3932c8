/**
 * Writing a label mask as a DICOM Segmentation (Segmentation Storage 1.2.840.10008.5.1.4.1.1.66.4),
 * explicit VR little endian, one multi-frame instance:
 *  - one segment per requested label (segment numbers 1..n in the order given);
 *  - one frame per segment and slice where that segment has voxels (a segment with none keeps one
 *    empty frame), ordered by segment then slice, as highdicom writes them;
 *  - BINARY (1 bit per pixel, frames packed back to back, least significant bit first) by default,
 *    or FRACTIONAL (8 bits, PROBABILITY, 0..255);
 *  - shared functional groups: PixelMeasures, PlaneOrientation; per frame: PlanePosition,
 *    SegmentIdentification, FrameContent (DimensionIndexValues [segment, position index]) and
 *    DerivationImage referencing the source slice (SOP instance) it was drawn on;
 *  - ReferencedSeriesSequence listing every source instance, DimensionIndexSequence over
 *    (ReferencedSegmentNumber, ImagePositionPatient).
 * The mask must be on the referenced series' grid: slice k ↔ reference.sopInstanceUids[k].
 */
import { InvalidMaskError, InvalidSettingsError } from '../../errors';
import type { Volume } from '../volume';
import { sliceGeometry, type SeriesReference } from './series';
import { contentSeed, deterministicUid } from './uids';
import { element, sequence, writePart10, type DicomElement, type DicomItem } from './writer';

export const SEGMENTATION_STORAGE = '1.2.840.10008.5.1.4.1.1.66.4';

/** A coded concept (CodeValue, CodingSchemeDesignator, CodeMeaning). */
export interface Code {
  value: string;
  scheme: string;
  meaning: string;
}

/** Common codes (SNOMED CT) for segment categories and types. */
export const CODES = {
  tissue: { value: '85756007', scheme: 'SCT', meaning: 'Tissue' },
  morphologicallyAlteredStructure: { value: '49755003', scheme: 'SCT', meaning: 'Morphologically Altered Structure' },
  anatomicalStructure: { value: '123037004', scheme: 'SCT', meaning: 'Anatomical Structure' },
  neoplasm: { value: '108369006', scheme: 'SCT', meaning: 'Neoplasm' },
  necrosis: { value: '6574001', scheme: 'SCT', meaning: 'Necrosis' },
  edema: { value: '79654002', scheme: 'SCT', meaning: 'Edema' },
} as const satisfies Record<string, Code>;

export interface SegmentDescription {
  /** The mask value of this segment. */
  label: number;
  /** SegmentLabel. */
  name: string;
  category: Code;
  type: Code;
  algorithmType?: 'MANUAL' | 'SEMIAUTOMATIC' | 'AUTOMATIC';
  /** Needed when algorithmType is not MANUAL. */
  algorithmName?: string;
  /** FRACTIONAL only: probabilities 0..1 on the mask grid (default: 1 where mask == label, else 0). */
  fractions?: Volume;
}

export interface DicomSegOptions {
  fractional?: boolean;
  seriesNumber?: number;
  seriesDescription?: string;
  /** ContentLabel: uppercase letters, digits, underscore, at most 16 characters. */
  contentLabel?: string;
  contentCreatorName?: string;
  /** ContentDate (YYYYMMDD) and ContentTime (HHMMSS), type 1: default 20000101 000000 (fixed, so reruns give identical bytes). */
  contentDate?: string;
  contentTime?: string;
  /** SeriesInstanceUID / SOPInstanceUID of the SEG; default derived from the content. */
  seriesInstanceUid?: string;
  sopInstanceUid?: string;
}

const MAX_FRACTIONAL_VALUE = 255;

/** One frame of the SEG: which segment, which slice. */
interface Frame {
  segmentNumber: number;
  slice: number;
}

/** The bytes of a DICOM-SEG of `mask` referencing the series `reference`. */
export function writeDicomSeg(mask: Volume, reference: SeriesReference, segments: SegmentDescription[], options: DicomSegOptions = {}): Uint8Array {
  checkInputs(mask, reference, segments, options);
  const geometry = sliceGeometry(mask);
  const [columns, rows] = mask.size;
  const perSlice = columns * rows;
  const frames = chooseFrames(mask, segments);
  const usedSlices = [...new Set(frames.map((f) => f.slice))].sort((a, b) => a - b);
  const positionIndex = new Map(usedSlices.map((slice, index) => [slice, index + 1]));

  const seed = contentSeed(...[mask, ...segments.flatMap((s) => (s.fractions ? [s.fractions] : []))].map(voxelBytes), JSON.stringify([reference, segments.map(({ fractions, ...rest }) => rest), { ...options, fractional: !!options.fractional }]));
  const seriesInstanceUid = options.seriesInstanceUid ?? deterministicUid('seg-series', reference.seriesInstanceUid, seed);
  const sopInstanceUid = options.sopInstanceUid ?? deterministicUid('seg-instance', seriesInstanceUid, seed);
  const dimensionOrganizationUid = deterministicUid('seg-dimensions', sopInstanceUid);

  const pixelData = options.fractional
    ? fractionalPixels(mask, segments, frames, perSlice)
    : binaryPixels(mask, segments, frames, perSlice);

  const perFrame: DicomItem[] = frames.map((frame) => [
    sequence(0x00089124, [derivationItem(reference, frame.slice)]), // DerivationImageSequence
    sequence(0x00209111, [[element(0x00209157, 'UL', [frame.segmentNumber, positionIndex.get(frame.slice)!])]]), // FrameContentSequence / DimensionIndexValues
    sequence(0x00209113, [[element(0x00200032, 'DS', geometry.positionOf(frame.slice))]]), // PlanePositionSequence / ImagePositionPatient
    sequence(0x0062000a, [[element(0x0062000b, 'US', frame.segmentNumber)]]), // SegmentIdentificationSequence / ReferencedSegmentNumber
  ]);
  const shared: DicomItem = [
    sequence(0x00289110, [[ // PixelMeasuresSequence
      element(0x00180050, 'DS', mask.spacing[2]), // SliceThickness
      element(0x00180088, 'DS', mask.spacing[2]), // SpacingBetweenSlices
      element(0x00280030, 'DS', [mask.spacing[1], mask.spacing[0]]), // PixelSpacing
    ]]),
    sequence(0x00209116, [[element(0x00200037, 'DS', geometry.orientation)]]), // PlaneOrientationSequence
  ];

  const dataset: DicomElement[] = [
    element(0x00080005, 'CS', 'ISO_IR 192'), // SpecificCharacterSet
    element(0x00080008, 'CS', ['DERIVED', 'PRIMARY']), // ImageType
    element(0x00080016, 'UI', SEGMENTATION_STORAGE), // SOPClassUID
    element(0x00080018, 'UI', sopInstanceUid), // SOPInstanceUID
    element(0x00080020, 'DA', ''), // StudyDate
    element(0x00080023, 'DA', options.contentDate ?? '20000101'), // ContentDate
    element(0x00080030, 'TM', ''), // StudyTime
    element(0x00080033, 'TM', options.contentTime ?? '000000'), // ContentTime
    element(0x00080050, 'SH', ''), // AccessionNumber
    element(0x00080060, 'CS', 'SEG'), // Modality
    element(0x00080070, 'LO', 'radiogenomics'), // Manufacturer
    element(0x00080090, 'PN', ''), // ReferringPhysicianName
    element(0x0008103e, 'LO', options.seriesDescription ?? 'segmentation'), // SeriesDescription
    element(0x00081090, 'LO', 'radiogenomics dicom-write'), // ManufacturerModelName
    sequence(0x00081115, [referencedSeriesItem(reference)]), // ReferencedSeriesSequence
    element(0x00100010, 'PN', reference.patientName), // PatientName
    element(0x00100020, 'LO', reference.patientId), // PatientID
    element(0x00100030, 'DA', ''), // PatientBirthDate
    element(0x00100040, 'CS', ''), // PatientSex
    element(0x00181000, 'LO', '1'), // DeviceSerialNumber
    element(0x00181020, 'LO', '1'), // SoftwareVersions
    element(0x0020000d, 'UI', reference.studyInstanceUid), // StudyInstanceUID
    element(0x0020000e, 'UI', seriesInstanceUid), // SeriesInstanceUID
    element(0x00200010, 'SH', ''), // StudyID
    element(0x00200011, 'IS', options.seriesNumber ?? 100), // SeriesNumber
    element(0x00200013, 'IS', 1), // InstanceNumber
    element(0x00200052, 'UI', reference.frameOfReferenceUid), // FrameOfReferenceUID
    element(0x00201040, 'LO', ''), // PositionReferenceIndicator
    sequence(0x00209221, [[element(0x00209164, 'UI', dimensionOrganizationUid)]]), // DimensionOrganizationSequence
    sequence(0x00209222, dimensionIndexItems(dimensionOrganizationUid)), // DimensionIndexSequence
    element(0x00280002, 'US', 1), // SamplesPerPixel
    element(0x00280004, 'CS', 'MONOCHROME2'), // PhotometricInterpretation
    element(0x00280008, 'IS', frames.length), // NumberOfFrames
    element(0x00280010, 'US', rows), // Rows
    element(0x00280011, 'US', columns), // Columns
    element(0x00280100, 'US', options.fractional ? 8 : 1), // BitsAllocated
    element(0x00280101, 'US', options.fractional ? 8 : 1), // BitsStored
    element(0x00280102, 'US', options.fractional ? 7 : 0), // HighBit
    element(0x00280103, 'US', 0), // PixelRepresentation
    element(0x00282110, 'CS', '00'), // LossyImageCompression
    element(0x00620001, 'CS', options.fractional ? 'FRACTIONAL' : 'BINARY'), // SegmentationType
    sequence(0x00620002, segments.map((segment, index) => segmentItem(segment, index + 1))), // SegmentSequence
    element(0x00700080, 'CS', options.contentLabel ?? 'SEGMENTATION'), // ContentLabel
    element(0x00700081, 'LO', ''), // ContentDescription
    element(0x00700084, 'PN', options.contentCreatorName ?? ''), // ContentCreatorName
    sequence(0x52009229, [shared]), // SharedFunctionalGroupsSequence
    sequence(0x52009230, perFrame), // PerFrameFunctionalGroupsSequence
    element(0x7fe00010, 'OB', pixelData), // PixelData
  ];
  if (options.fractional) {
    dataset.push(element(0x0062000e, 'US', MAX_FRACTIONAL_VALUE)); // MaximumFractionalValue
    dataset.push(element(0x00620010, 'CS', 'PROBABILITY')); // SegmentationFractionalType
  }
  return writePart10(dataset, SEGMENTATION_STORAGE, sopInstanceUid);
}

/** The raw bytes of a volume's voxels (for the UID seed). */
function voxelBytes(volume: Volume): Uint8Array {
  return new Uint8Array(volume.data.buffer, volume.data.byteOffset, volume.data.byteLength);
}

/** Refuse inputs the SEG cannot describe faithfully. */
function checkInputs(mask: Volume, reference: SeriesReference, segments: SegmentDescription[], options: DicomSegOptions): void {
  if (segments.length === 0) throw new InvalidSettingsError('segments: at least one segment is needed');
  if (reference.sopInstanceUids.length !== mask.size[2]) {
    throw new InvalidSettingsError(`reference: ${reference.sopInstanceUids.length} SOP instances for a mask of ${mask.size[2]} slices`);
  }
  const labels = new Set<number>();
  for (const segment of segments) {
    if (labels.has(segment.label)) throw new InvalidSettingsError(`segments: label ${segment.label} is listed twice`);
    labels.add(segment.label);
    if ((segment.algorithmType ?? 'MANUAL') !== 'MANUAL' && !segment.algorithmName) {
      throw new InvalidSettingsError(`segments: "${segment.name}" needs algorithmName (algorithm type ${segment.algorithmType})`);
    }
    if (segment.fractions && !options.fractional) throw new InvalidSettingsError(`segments: "${segment.name}" has fractions but the SEG is BINARY`);
    if (segment.fractions && segment.fractions.data.length !== mask.data.length) {
      throw new InvalidMaskError(`segments: the fractions of "${segment.name}" are not on the mask grid`);
    }
  }
  if (options.contentLabel !== undefined && !/^[A-Z0-9_ ]{1,16}$/.test(options.contentLabel)) {
    throw new InvalidSettingsError(`contentLabel "${options.contentLabel}" must be 1-16 uppercase letters, digits or underscores`);
  }
}

/** Frames (segment, slice) where the segment is present; an absent segment keeps slice 0. */
function chooseFrames(mask: Volume, segments: SegmentDescription[]): Frame[] {
  const [columns, rows, slices] = mask.size;
  const perSlice = columns * rows;
  const frames: Frame[] = [];
  segments.forEach((segment, index) => {
    const segmentNumber = index + 1;
    const before = frames.length;
    for (let k = 0; k < slices; k++) {
      for (let p = k * perSlice; p < (k + 1) * perSlice; p++) {
        if (segmentValue(mask, segment, p) > 0) {
          frames.push({ segmentNumber, slice: k });
          break;
        }
      }
    }
    if (frames.length === before) frames.push({ segmentNumber, slice: 0 });
  });
  return frames;
}

/** Membership of voxel p in a segment: 0..1 (fractions) or 0/1 (label match). */
function segmentValue(mask: Volume, segment: SegmentDescription, p: number): number {
  if (segment.fractions) return Math.min(1, Math.max(0, segment.fractions.data[p]));
  return mask.data[p] === segment.label ? 1 : 0;
}

/** 1-bit pixels of every frame, packed back to back, least significant bit first. */
function binaryPixels(mask: Volume, segments: SegmentDescription[], frames: Frame[], perSlice: number): Uint8Array {
  const bytes = new Uint8Array(Math.ceil((frames.length * perSlice) / 8));
  let bit = 0;
  for (const frame of frames) {
    const segment = segments[frame.segmentNumber - 1];
    for (let p = frame.slice * perSlice; p < (frame.slice + 1) * perSlice; p++, bit++) {
      if (segmentValue(mask, segment, p) > 0) bytes[bit >> 3] |= 1 << (bit & 7);
    }
  }
  return bytes;
}

/** 8-bit pixels 0..255 of every frame. */
function fractionalPixels(mask: Volume, segments: SegmentDescription[], frames: Frame[], perSlice: number): Uint8Array {
  const bytes = new Uint8Array(frames.length * perSlice);
  let out = 0;
  for (const frame of frames) {
    const segment = segments[frame.segmentNumber - 1];
    for (let p = frame.slice * perSlice; p < (frame.slice + 1) * perSlice; p++) {
      bytes[out++] = Math.round(segmentValue(mask, segment, p) * MAX_FRACTIONAL_VALUE);
    }
  }
  return bytes;
}

/** A code sequence item. */
function codeItem(code: Code): DicomItem {
  return [
    element(0x00080100, 'SH', code.value), // CodeValue
    element(0x00080102, 'SH', code.scheme), // CodingSchemeDesignator
    element(0x00080104, 'LO', code.meaning), // CodeMeaning
  ];
}

/** One SegmentSequence item. */
function segmentItem(segment: SegmentDescription, segmentNumber: number): DicomItem {
  const algorithmType = segment.algorithmType ?? 'MANUAL';
  const item: DicomItem = [
    sequence(0x00620003, [codeItem(segment.category)]), // SegmentedPropertyCategoryCodeSequence
    element(0x00620004, 'US', segmentNumber), // SegmentNumber
    element(0x00620005, 'LO', segment.name), // SegmentLabel
    element(0x00620008, 'CS', algorithmType), // SegmentAlgorithmType
    sequence(0x0062000f, [codeItem(segment.type)]), // SegmentedPropertyTypeCodeSequence
  ];
  if (algorithmType !== 'MANUAL') item.push(element(0x00620009, 'LO', segment.algorithmName!)); // SegmentAlgorithmName
  return item;
}

/** DerivationImageSequence item: this frame was derived from source slice `slice`. */
function derivationItem(reference: SeriesReference, slice: number): DicomItem {
  return [
    sequence(0x00082112, [[ // SourceImageSequence
      element(0x00081150, 'UI', reference.sopClassUid), // ReferencedSOPClassUID
      element(0x00081155, 'UI', reference.sopInstanceUids[slice]), // ReferencedSOPInstanceUID
      element(0x0028135a, 'CS', 'YES'), // SpatialLocationsPreserved
      sequence(0x0040a170, [codeItem({ value: '121322', scheme: 'DCM', meaning: 'Source image for image processing operation' })]), // PurposeOfReferenceCodeSequence
    ]]),
    sequence(0x00089215, [codeItem({ value: '113076', scheme: 'DCM', meaning: 'Segmentation' })]), // DerivationCodeSequence
  ];
}

/** ReferencedSeriesSequence item listing every source instance. */
function referencedSeriesItem(reference: SeriesReference): DicomItem {
  return [
    sequence(0x0008114a, reference.sopInstanceUids.map((uid) => [ // ReferencedInstanceSequence
      element(0x00081150, 'UI', reference.sopClassUid),
      element(0x00081155, 'UI', uid),
    ])),
    element(0x0020000e, 'UI', reference.seriesInstanceUid), // SeriesInstanceUID
  ];
}

/** The two dimensions: segment number, then plane position. */
function dimensionIndexItems(dimensionOrganizationUid: string): DicomItem[] {
  const item = (indexPointer: number, groupPointer: number, label: string): DicomItem => [
    element(0x00209164, 'UI', dimensionOrganizationUid), // DimensionOrganizationUID
    element(0x00209165, 'AT', indexPointer), // DimensionIndexPointer
    element(0x00209167, 'AT', groupPointer), // FunctionalGroupPointer
    element(0x00209421, 'LO', label), // DimensionDescriptionLabel
  ];
  return [
    item(0x0062000b, 0x0062000a, 'Segment Number'),
    item(0x00200032, 0x00209113, 'Image Position Patient'),
  ];
}
