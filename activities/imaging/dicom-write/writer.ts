/**
 * A small DICOM Part 10 writer: explicit VR little endian (1.2.840.10008.1.2.1) only.
 *
 * A dataset is a list of elements ({ tag, vr, value }); `writePart10` sorts them by tag, pads each
 * value to an even length as PS3.5 §6.2 asks (UI with NUL, text with space, binary with 0), writes
 * sequences with defined lengths (or undefined lengths with delimiters, on request) and prepends
 * the 128-byte preamble, "DICM" and the file meta group with its group length.
 * The same dataset always gives the same bytes.
 */
import { deterministicUid } from './uids';

/** Value representations the writer knows. */
export type Vr =
  | 'AE' | 'AS' | 'AT' | 'CS' | 'DA' | 'DS' | 'DT' | 'FD' | 'FL' | 'IS' | 'LO' | 'LT' | 'OB' | 'OD' | 'OF'
  | 'OL' | 'OW' | 'PN' | 'SH' | 'SL' | 'SQ' | 'SS' | 'ST' | 'TM' | 'UC' | 'UI' | 'UL' | 'UN' | 'UR' | 'US' | 'UT';

/** One item of a sequence: a nested dataset. */
export type DicomItem = DicomElement[];

/**
 * An element. Value by VR: text VRs take a string or string[] (joined with "\"); DS and IS also
 * take numbers; US/SS/UL/SL/FL/FD take numbers; AT takes tags (0xGGGGEEEE); OB/OW/OD/OF/OL/UN take
 * bytes (little endian); SQ takes items. `undefinedLength` writes a sequence with delimiters.
 */
export interface DicomElement {
  tag: number;
  vr: Vr;
  value: string | number | readonly (string | number)[] | Uint8Array | DicomItem[];
  undefinedLength?: boolean;
}

export const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';
/** Our implementation class UID (2.25 form, derived from the name "radiogenomics dicom-write"). */
export const IMPLEMENTATION_CLASS_UID = deterministicUid('radiogenomics dicom-write');
export const IMPLEMENTATION_VERSION_NAME = 'RADIOGENOMICS01';

/** VRs whose explicit-VR header has 2 reserved bytes and a 4-byte length. */
const LONG_LENGTH_VRS = new Set<Vr>(['OB', 'OD', 'OF', 'OL', 'OW', 'SQ', 'UC', 'UN', 'UR', 'UT']);
const TEXT_VRS = new Set<Vr>(['AE', 'AS', 'CS', 'DA', 'DS', 'DT', 'IS', 'LO', 'LT', 'PN', 'SH', 'ST', 'TM', 'UC', 'UI', 'UR', 'UT']);
const NUMBER_WIDTH: Partial<Record<Vr, number>> = { US: 2, SS: 2, UL: 4, SL: 4, FL: 4, FD: 8, AT: 4 };
const UNDEFINED_LENGTH = 0xffffffff;

/** Shorthand for an element. */
export function element(tag: number, vr: Vr, value: DicomElement['value'], undefinedLength = false): DicomElement {
  return undefinedLength ? { tag, vr, value, undefinedLength } : { tag, vr, value };
}

/** A sequence element from its items. */
export function sequence(tag: number, items: DicomItem[], undefinedLength = false): DicomElement {
  return element(tag, 'SQ', items, undefinedLength);
}

/** A complete Part 10 file: preamble, "DICM", file meta group, then the dataset. */
export function writePart10(dataset: DicomElement[], sopClassUid: string, sopInstanceUid: string): Uint8Array {
  const metaElements = [
    element(0x00020001, 'OB', new Uint8Array([0, 1])), // FileMetaInformationVersion
    element(0x00020002, 'UI', sopClassUid), // MediaStorageSOPClassUID
    element(0x00020003, 'UI', sopInstanceUid), // MediaStorageSOPInstanceUID
    element(0x00020010, 'UI', EXPLICIT_VR_LITTLE_ENDIAN), // TransferSyntaxUID
    element(0x00020012, 'UI', IMPLEMENTATION_CLASS_UID), // ImplementationClassUID
    element(0x00020013, 'SH', IMPLEMENTATION_VERSION_NAME), // ImplementationVersionName
  ];
  const meta = encodeDataset(metaElements);
  const groupLength = encodeElement(element(0x00020000, 'UL', meta.length)); // FileMetaInformationGroupLength
  const preamble = new Uint8Array(132);
  preamble.set(Buffer.from('DICM', 'latin1'), 128);
  return concat([preamble, groupLength, meta, encodeDataset(dataset)]);
}

/** Encode a dataset (elements sorted by tag, duplicates refused). */
export function encodeDataset(elements: readonly DicomElement[]): Uint8Array {
  const sorted = [...elements].sort((a, b) => a.tag - b.tag);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].tag === sorted[i - 1].tag) throw new Error(`DICOM writer: tag ${tagText(sorted[i].tag)} appears twice`);
  }
  return concat(sorted.map(encodeElement));
}

/** Encode one element: tag, VR, length, padded value. */
export function encodeElement(el: DicomElement): Uint8Array {
  if (el.vr === 'SQ') return encodeSequence(el);
  const value = encodeValue(el);
  const longLength = LONG_LENGTH_VRS.has(el.vr);
  if (!longLength && value.length > 0xffff) throw new Error(`DICOM writer: ${tagText(el.tag)} ${el.vr} value is too long`);
  const header = new DataView(new ArrayBuffer(longLength ? 12 : 8));
  writeTag(header, 0, el.tag);
  header.setUint8(4, el.vr.charCodeAt(0));
  header.setUint8(5, el.vr.charCodeAt(1));
  if (longLength) header.setUint32(8, value.length, true);
  else header.setUint16(6, value.length, true);
  return concat([new Uint8Array(header.buffer), value]);
}

/** A sequence with its items, each item and the sequence of defined length unless asked otherwise. */
function encodeSequence(el: DicomElement): Uint8Array {
  const items = (el.value as DicomItem[]).map((item) => {
    const body = encodeDataset(item);
    return concat([itemHeader(0xfffee000, el.undefinedLength ? UNDEFINED_LENGTH : body.length), body, el.undefinedLength ? itemHeader(0xfffee00d, 0) : new Uint8Array(0)]);
  });
  const body = concat(items);
  const header = new DataView(new ArrayBuffer(12));
  writeTag(header, 0, el.tag);
  header.setUint8(4, 'S'.charCodeAt(0));
  header.setUint8(5, 'Q'.charCodeAt(0));
  header.setUint32(8, el.undefinedLength ? UNDEFINED_LENGTH : body.length, true);
  const end = el.undefinedLength ? itemHeader(0xfffee0dd, 0) : new Uint8Array(0);
  return concat([new Uint8Array(header.buffer), body, end]);
}

/** Item, item delimiter or sequence delimiter header: tag and 4-byte length. */
function itemHeader(tag: number, length: number): Uint8Array {
  const view = new DataView(new ArrayBuffer(8));
  writeTag(view, 0, tag);
  view.setUint32(4, length, true);
  return new Uint8Array(view.buffer);
}

/** The value bytes of a non-sequence element, padded to an even length. */
function encodeValue(el: DicomElement): Uint8Array {
  const { vr, value } = el;
  if (TEXT_VRS.has(vr)) {
    const parts = Array.isArray(value) ? value : [value];
    const text = parts.map((part) => (typeof part === 'number' ? formatNumberString(part, vr) : String(part))).join('\\');
    const bytes = Buffer.from(text, vr === 'UI' ? 'latin1' : 'utf8');
    return padEven(bytes, vr === 'UI' ? 0x00 : 0x20);
  }
  const width = NUMBER_WIDTH[vr];
  if (width !== undefined) {
    const numbers = (Array.isArray(value) ? value : [value]) as number[];
    const view = new DataView(new ArrayBuffer(numbers.length * width));
    numbers.forEach((n, i) => writeNumber(view, i * width, vr, Number(n)));
    return new Uint8Array(view.buffer);
  }
  if (!(value instanceof Uint8Array)) throw new Error(`DICOM writer: ${tagText(el.tag)} ${vr} needs bytes`);
  return padEven(value, 0x00);
}

/** One binary number of the given VR at `offset`, little endian. */
function writeNumber(view: DataView, offset: number, vr: Vr, n: number): void {
  if (vr === 'US') view.setUint16(offset, n, true);
  else if (vr === 'SS') view.setInt16(offset, n, true);
  else if (vr === 'UL') view.setUint32(offset, n, true);
  else if (vr === 'SL') view.setInt32(offset, n, true);
  else if (vr === 'FL') view.setFloat32(offset, n, true);
  else if (vr === 'FD') view.setFloat64(offset, n, true);
  else writeTag(view, offset, n); // AT
}

/** A tag as group then element, each 16-bit little endian. */
function writeTag(view: DataView, offset: number, tag: number): void {
  view.setUint16(offset, tag >>> 16, true);
  view.setUint16(offset + 2, tag & 0xffff, true);
}

/** A number as DS (≤ 16 characters, the shortest exact form when it fits) or IS text. */
export function formatNumberString(n: number, vr: Vr = 'DS'): string {
  if (!Number.isFinite(n)) throw new Error(`DICOM writer: ${n} cannot be written as ${vr}`);
  if (vr === 'IS') {
    if (!Number.isInteger(n)) throw new Error(`DICOM writer: ${n} is not an integer (IS)`);
    return String(n);
  }
  const plain = String(Object.is(n, -0) ? 0 : n);
  if (plain.length <= 16) return plain;
  for (let digits = 16; digits >= 1; digits--) {
    const text = trimExponent(n.toPrecision(digits));
    if (text.length <= 16) return text;
  }
  throw new Error(`DICOM writer: ${n} does not fit in 16 characters (DS)`);
}

/** "1.50000e+3" → "1.50000e3": shorter exponents, still valid DS. */
function trimExponent(text: string): string {
  return text.replace('e+', 'e');
}

function padEven(bytes: Uint8Array, pad: number): Uint8Array {
  if (bytes.length % 2 === 0) return bytes;
  const padded = new Uint8Array(bytes.length + 1);
  padded.set(bytes);
  padded[bytes.length] = pad;
  return padded;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

/** "(GGGG,EEEE)" for messages. */
export function tagText(tag: number): string {
  const hex = (tag >>> 0).toString(16).toUpperCase().padStart(8, '0');
  return `(${hex.slice(0, 4)},${hex.slice(4)})`;
}
