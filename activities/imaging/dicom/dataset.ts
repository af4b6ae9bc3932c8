/**
 * Thin typed helpers over dicom-parser: parse a file (Part 10 with or without preamble, implicit or
 * explicit VR, little or big endian, deflated), read strings, numbers, multi-valued DS/IS and
 * sequences by tag. Tags are written as dicom-parser spells them: 'x00280010' (see `Tag`).
 * Every failure is a CorruptImageError naming the URI and the problem.
 */
import * as dicomParser from 'dicom-parser';
import { inflateRawSync } from 'node:zlib';
import { CorruptImageError } from '../../errors';

/** Transfer syntax UIDs this reader knows by name. */
export const TransferSyntax = {
  ImplicitVRLittleEndian: '1.2.840.10008.1.2',
  ExplicitVRLittleEndian: '1.2.840.10008.1.2.1',
  DeflatedExplicitVRLittleEndian: '1.2.840.10008.1.2.1.99',
  ExplicitVRBigEndian: '1.2.840.10008.1.2.2',
  JPEGBaseline8Bit: '1.2.840.10008.1.2.4.50',
  JPEGExtended12Bit: '1.2.840.10008.1.2.4.51',
  JPEGLossless: '1.2.840.10008.1.2.4.57',
  JPEGLosslessSV1: '1.2.840.10008.1.2.4.70',
  JPEGLSLossless: '1.2.840.10008.1.2.4.80',
  JPEGLSNearLossless: '1.2.840.10008.1.2.4.81',
  JPEG2000Lossless: '1.2.840.10008.1.2.4.90',
  JPEG2000: '1.2.840.10008.1.2.4.91',
  HTJ2KLossless: '1.2.840.10008.1.2.4.201',
  HTJ2KLosslessRPCL: '1.2.840.10008.1.2.4.202',
  HTJ2K: '1.2.840.10008.1.2.4.203',
  RLELossless: '1.2.840.10008.1.2.5',
} as const;

/** Tags used by the readers (dicom-parser spelling), with their DICOM keyword as the key. */
export const Tag = {
  TransferSyntaxUID: 'x00020010',
  MediaStorageSOPClassUID: 'x00020002',
  SOPClassUID: 'x00080016',
  SOPInstanceUID: 'x00080018',
  Modality: 'x00080060',
  PatientID: 'x00100020',
  StudyInstanceUID: 'x0020000d',
  SeriesInstanceUID: 'x0020000e',
  SeriesNumber: 'x00200011',
  InstanceNumber: 'x00200013',
  ImagePositionPatient: 'x00200032',
  ImageOrientationPatient: 'x00200037',
  FrameOfReferenceUID: 'x00200052',
  SliceThickness: 'x00180050',
  SpacingBetweenSlices: 'x00180088',
  SamplesPerPixel: 'x00280002',
  PhotometricInterpretation: 'x00280004',
  PlanarConfiguration: 'x00280006',
  NumberOfFrames: 'x00280008',
  Rows: 'x00280010',
  Columns: 'x00280011',
  PixelSpacing: 'x00280030',
  BitsAllocated: 'x00280100',
  BitsStored: 'x00280101',
  HighBit: 'x00280102',
  PixelRepresentation: 'x00280103',
  RescaleIntercept: 'x00281052',
  RescaleSlope: 'x00281053',
  RescaleType: 'x00281054',
  GridFrameOffsetVector: 'x3004000c',
  SharedFunctionalGroupsSequence: 'x52009229',
  PerFrameFunctionalGroupsSequence: 'x52009230',
  PixelMeasuresSequence: 'x00289110',
  PlanePositionSequence: 'x00209113',
  PlaneOrientationSequence: 'x00209116',
  PixelValueTransformationSequence: 'x00289145',
  FrameContentSequence: 'x00209111',
  PixelData: 'x7fe00010',
} as const;

/**
 * Value representations of the tags read as numbers, for implicit-VR files where the file does not
 * say (dicom-parser then leaves `vr` undefined).
 */
const KNOWN_VRS: Record<string, string> = {
  x00280002: 'US', x00280006: 'US', x00280008: 'IS', x00280010: 'US', x00280011: 'US',
  x00280030: 'DS', x00280100: 'US', x00280101: 'US', x00280102: 'US', x00280103: 'US',
  x00281052: 'DS', x00281053: 'DS', x00200032: 'DS', x00200037: 'DS', x00180050: 'DS',
  x00180088: 'DS', x00200011: 'IS', x00200013: 'IS', x3004000c: 'DS',
};

/** A parsed DICOM data set (or a sequence item), with the URI of the file it came from. */
export interface DicomDataset {
  /** dicom-parser's data set, for anything these helpers do not cover. */
  raw: dicomParser.DataSet;
  uri: string;
  /** Transfer syntax of the file (of the enclosing file for sequence items). */
  transferSyntaxUid: string;
}

/** Makes the error for a problem with the file `uri` (the URI starts the message). */
export function corrupt(uri: string, problem: string): CorruptImageError {
  return new CorruptImageError(`${uri}: ${problem}`, uri);
}

/** True when bytes look like DICOM: "DICM" at 128, or a plausible data set starting at byte 0. */
export function isDicom(bytes: Uint8Array): boolean {
  if (bytes.length >= 132 && latin1(bytes, 128, 4) === 'DICM') return true;
  return guessHeaderlessSyntax(bytes) !== null;
}

/**
 * The transfer syntax of a file without preamble: it must start with a group 0x0002..0x0008 little
 * endian element; explicit VR when bytes 4-5 spell a VR, else implicit (with a sane length).
 */
function guessHeaderlessSyntax(bytes: Uint8Array): string | null {
  if (bytes.length < 8) return null;
  const group = bytes[0] | (bytes[1] << 8);
  if (group < 0x0002 || group > 0x0008) return null;
  const vr = latin1(bytes, 4, 2);
  if (/^(AE|AS|AT|CS|DA|DS|DT|FL|FD|IS|LO|LT|OB|OD|OF|OL|OW|PN|SH|SL|SQ|SS|ST|TM|UC|UI|UL|UN|UR|US|UT)$/.test(vr)) {
    return TransferSyntax.ExplicitVRLittleEndian;
  }
  const length = (bytes[4] | (bytes[5] << 8) | (bytes[6] << 16)) + bytes[7] * 0x1000000;
  if (length === 0xffffffff || length <= bytes.length - 8) return TransferSyntax.ImplicitVRLittleEndian;
  return null;
}

/** Parse a whole DICOM file; a truncated or non-DICOM file is a CorruptImageError naming `uri`. */
export function parseDicomBytes(bytes: Uint8Array, uri: string): DicomDataset {
  const hasPreamble = bytes.length >= 132 && latin1(bytes, 128, 4) === 'DICM';
  const fallbackSyntax = hasPreamble ? undefined : guessHeaderlessSyntax(bytes);
  if (!hasPreamble && !fallbackSyntax) throw corrupt(uri, 'not a DICOM file (no "DICM" prefix and no data set at byte 0)');
  let raw: dicomParser.DataSet;
  try {
    raw = dicomParser.parseDicom(bytes, {
      ...(fallbackSyntax ? { TransferSyntaxUID: fallbackSyntax } : {}),
      inflater: (array: Uint8Array, position: number) => inflate(array, position, uri),
    });
  } catch (error) {
    throw corrupt(uri, `DICOM parsing failed (${describeParserError(error)})`);
  }
  const transferSyntaxUid = (raw.string(Tag.TransferSyntaxUID) ?? fallbackSyntax ?? '').replace(/\0/g, '').trim();
  if (!transferSyntaxUid) throw corrupt(uri, 'missing transfer syntax (0002,0010)');
  return { raw, uri, transferSyntaxUid };
}

/** Inflate a deflated data set: the meta header bytes followed by the inflated rest. */
function inflate(array: Uint8Array, position: number, uri: string): Uint8Array {
  let inflated: Uint8Array;
  try {
    inflated = inflateRawSync(array.subarray(position));
  } catch (error) {
    throw corrupt(uri, `deflated data set is corrupt (${error instanceof Error ? error.message : String(error)})`);
  }
  const full = new Uint8Array(position + inflated.length);
  full.set(array.subarray(0, position), 0);
  full.set(inflated, position);
  return full;
}

/** dicom-parser throws strings, Errors, or {exception, dataSet}: make one readable line. */
function describeParserError(error: unknown): string {
  if (error instanceof CorruptImageError) return error.message;
  if (typeof error === 'string') return error;
  if (error instanceof Error) return error.message;
  if (error && typeof error === 'object' && 'exception' in error) return describeParserError((error as { exception: unknown }).exception);
  return String(error);
}

/** True when the data set holds the tag (even with an empty value). */
export function hasTag(ds: DicomDataset, tag: string): boolean {
  return ds.raw.elements[tag] !== undefined;
}

/** The value representation of a tag: from the file (explicit VR) or the built-in table. */
export function vrOf(ds: DicomDataset, tag: string): string | undefined {
  return ds.raw.elements[tag]?.vr ?? KNOWN_VRS[tag];
}

/** A string value (first value of a multi-valued element), trimmed; undefined when absent or empty. */
export function getString(ds: DicomDataset, tag: string): string | undefined {
  const text = ds.raw.string(tag);
  const value = text?.replace(/\0/g, '').trim();
  return value ? value : undefined;
}

/** Every value of a backslash-separated string element, trimmed ([] when absent). */
export function getStrings(ds: DicomDataset, tag: string): string[] {
  const element = ds.raw.elements[tag];
  if (!element || element.length === 0) return [];
  const text = dicomParser.readFixedString(ds.raw.byteArray, element.dataOffset, element.length);
  return text.replace(/\0/g, '').split('\\').map((value) => value.trim());
}

/** Width in bytes of a binary numeric VR, or 0 for the string VRs (DS, IS). */
function binaryWidth(vr: string | undefined): number {
  switch (vr) {
    case 'US': case 'SS': return 2;
    case 'UL': case 'SL': case 'FL': return 4;
    case 'FD': return 8;
    default: return 0;
  }
}

/** Every number of a numeric element (US/SS/UL/SL/FL/FD binary, or DS/IS text); [] when absent. */
export function getNumbers(ds: DicomDataset, tag: string): number[] {
  const element = ds.raw.elements[tag];
  if (!element || element.length === 0) return [];
  const vr = vrOf(ds, tag);
  const width = binaryWidth(vr);
  if (width === 0) {
    return getStrings(ds, tag).filter((text) => text !== '').map((text) => Number(text));
  }
  const values: number[] = [];
  for (let index = 0; index < Math.floor(element.length / width); index++) {
    const value =
      vr === 'US' ? ds.raw.uint16(tag, index)
      : vr === 'SS' ? ds.raw.int16(tag, index)
      : vr === 'UL' ? ds.raw.uint32(tag, index)
      : vr === 'SL' ? ds.raw.int32(tag, index)
      : vr === 'FL' ? ds.raw.float(tag, index)
      : ds.raw.double(tag, index);
    if (value !== undefined) values.push(value);
  }
  return values;
}

/** The first number of a numeric element; undefined when absent, empty or not a number. */
export function getNumber(ds: DicomDataset, tag: string): number | undefined {
  const value = getNumbers(ds, tag)[0];
  return value === undefined || Number.isNaN(value) ? undefined : value;
}

/** A number the file must have: a CorruptImageError naming the tag when missing. */
export function requireNumber(ds: DicomDataset, tag: string, keyword: string): number {
  const value = getNumber(ds, tag);
  if (value === undefined) throw corrupt(ds.uri, `missing or invalid ${keyword} (${tagLabel(tag)})`);
  return value;
}

/** Exactly `count` numbers the file must have: a CorruptImageError naming the tag otherwise. */
export function requireNumbers(ds: DicomDataset, tag: string, keyword: string, count: number): number[] {
  const values = getNumbers(ds, tag);
  if (values.length !== count || values.some((v) => !Number.isFinite(v))) {
    throw corrupt(ds.uri, `${keyword} (${tagLabel(tag)}) must hold ${count} numbers, found "${values.join('\\')}"`);
  }
  return values;
}

/** The items of a sequence as data sets ([] when absent or empty). */
export function getSequenceItems(ds: DicomDataset, tag: string): DicomDataset[] {
  const items = ds.raw.elements[tag]?.items ?? [];
  return items
    .filter((item): item is dicomParser.Element & { dataSet: dicomParser.DataSet } => item.dataSet !== undefined)
    .map((item) => ({ raw: item.dataSet, uri: ds.uri, transferSyntaxUid: ds.transferSyntaxUid }));
}

/** The first item of a sequence, or undefined. */
export function getSequenceItem(ds: DicomDataset, tag: string): DicomDataset | undefined {
  return getSequenceItems(ds, tag)[0];
}

/** "(0028,0010)" for 'x00280010'. */
export function tagLabel(tag: string): string {
  const hex = tag.replace(/^x/, '').toUpperCase();
  return `(${hex.slice(0, 4)},${hex.slice(4, 8)})`;
}

function latin1(bytes: Uint8Array, start: number, length: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, Math.min(length, Math.max(0, bytes.length - start))).toString('latin1');
}
