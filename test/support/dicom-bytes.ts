/**
 * A tiny DICOM writer for tests: explicit VR little endian Part 10 files (or, with
 * `implicitWithoutMeta`, a bare implicit-VR data set with no preamble), and a helper that builds one
 * CT-like slice with the geometry, rescale and pixel format a test asks for.
 */

/** One data element: tag as 'GGGGEEEE' hex, VR, value (text, numbers, or raw bytes). */
export interface TestElement {
  tag: string;
  vr: string;
  value: string | number[] | Uint8Array;
}

/** Encode one element's value bytes, padded to even length. */
function valueBytes(element: TestElement): Uint8Array {
  const { vr, value } = element;
  if (value instanceof Uint8Array) return value.length % 2 ? concat([value, new Uint8Array(1)]) : value;
  if (typeof value === 'string') {
    const padded = value.length % 2 ? value + (vr === 'UI' ? '\0' : ' ') : value;
    return new Uint8Array(Buffer.from(padded, 'latin1'));
  }
  const width = vr === 'US' || vr === 'SS' ? 2 : vr === 'FD' ? 8 : 4;
  const view = new DataView(new ArrayBuffer(value.length * width));
  value.forEach((v, i) => {
    if (vr === 'US') view.setUint16(i * width, v, true);
    else if (vr === 'SS') view.setInt16(i * width, v, true);
    else if (vr === 'UL') view.setUint32(i * width, v, true);
    else if (vr === 'SL') view.setInt32(i * width, v, true);
    else if (vr === 'FL') view.setFloat32(i * width, v, true);
    else view.setFloat64(i * width, v, true);
  });
  return new Uint8Array(view.buffer);
}

/** Encode one element in explicit (or implicit) VR little endian. */
function encodeElement(element: TestElement, explicit: boolean): Uint8Array {
  const data = valueBytes(element);
  const group = parseInt(element.tag.slice(0, 4), 16);
  const number = parseInt(element.tag.slice(4, 8), 16);
  const long = ['OB', 'OW', 'OF', 'SQ', 'UT', 'UN'].includes(element.vr);
  const headerLength = explicit ? (long ? 12 : 8) : 8;
  const out = new Uint8Array(headerLength + data.length);
  const view = new DataView(out.buffer);
  view.setUint16(0, group, true);
  view.setUint16(2, number, true);
  if (!explicit) view.setUint32(4, data.length, true);
  else {
    out[4] = element.vr.charCodeAt(0);
    out[5] = element.vr.charCodeAt(1);
    if (long) view.setUint32(8, data.length, true);
    else view.setUint16(6, data.length, true);
  }
  out.set(data, headerLength);
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** A Part 10 file in explicit VR little endian (or a bare implicit-VR data set). */
export function writeTestDicom(elements: TestElement[], options: { implicitWithoutMeta?: boolean } = {}): Uint8Array {
  const sorted = [...elements].sort((a, b) => a.tag.localeCompare(b.tag));
  if (options.implicitWithoutMeta) return concat(sorted.map((e) => encodeElement(e, false)));
  const sopClass = (elements.find((e) => e.tag === '00080016')?.value as string) ?? '1.2.840.10008.5.1.4.1.1.2';
  const sopInstance = (elements.find((e) => e.tag === '00080018')?.value as string) ?? '1.2.3.4';
  const meta = concat([
    encodeElement({ tag: '00020001', vr: 'OB', value: new Uint8Array([0, 1]) }, true),
    encodeElement({ tag: '00020002', vr: 'UI', value: sopClass }, true),
    encodeElement({ tag: '00020003', vr: 'UI', value: sopInstance }, true),
    encodeElement({ tag: '00020010', vr: 'UI', value: '1.2.840.10008.1.2.1' }, true),
  ]);
  const groupLength = encodeElement({ tag: '00020000', vr: 'UL', value: [meta.length] }, true);
  const preamble = new Uint8Array(132);
  preamble.set(Buffer.from('DICM', 'latin1'), 128);
  return concat([preamble, groupLength, meta, ...sorted.map((e) => encodeElement(e, true))]);
}

/** What a synthetic slice looks like; every field has a plain default. */
export interface TestSlice {
  rows?: number;
  columns?: number;
  position?: [number, number, number];
  orientation?: [number, number, number, number, number, number];
  pixelSpacing?: [number, number];
  sliceThickness?: number;
  seriesInstanceUid?: string;
  sopInstanceUid?: string;
  instanceNumber?: number;
  rescaleSlope?: number;
  rescaleIntercept?: number;
  bitsStored?: number;
  pixelRepresentation?: 0 | 1;
  photometricInterpretation?: string;
  /** Stored values (16-bit), rows × columns; default: every value = `fill`. */
  pixels?: number[];
  fill?: number;
  /** Override the Pixel Data bytes (e.g. a wrong length). */
  pixelBytes?: Uint8Array;
  implicitWithoutMeta?: boolean;
}

/** A CT slice with 16-bit pixels as a DICOM file. */
export function makeTestSlice(slice: TestSlice = {}): Uint8Array {
  const rows = slice.rows ?? 4;
  const columns = slice.columns ?? 3;
  const signed = slice.pixelRepresentation ?? 1;
  const values = slice.pixels ?? new Array<number>(rows * columns).fill(slice.fill ?? 0);
  const pixelView = new DataView(new ArrayBuffer(values.length * 2));
  values.forEach((v, i) => (signed ? pixelView.setInt16(i * 2, v, true) : pixelView.setUint16(i * 2, v, true)));
  const ds = (values: number[]) => values.map((v) => String(v)).join('\\');
  const elements: TestElement[] = [
    { tag: '00080016', vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.2' },
    { tag: '00080018', vr: 'UI', value: slice.sopInstanceUid ?? `1.2.3.${Math.floor(Math.random() * 1e9)}` },
    { tag: '00080060', vr: 'CS', value: 'CT' },
    { tag: '0020000E', vr: 'UI', value: slice.seriesInstanceUid ?? '1.2.3.100' },
    { tag: '00200013', vr: 'IS', value: String(slice.instanceNumber ?? 1) },
    { tag: '00200037', vr: 'DS', value: ds(slice.orientation ?? [1, 0, 0, 0, 1, 0]) },
    { tag: '00280002', vr: 'US', value: [1] },
    { tag: '00280004', vr: 'CS', value: slice.photometricInterpretation ?? 'MONOCHROME2' },
    { tag: '00280010', vr: 'US', value: [rows] },
    { tag: '00280011', vr: 'US', value: [columns] },
    { tag: '00280030', vr: 'DS', value: ds(slice.pixelSpacing ?? [0.5, 0.75]) },
    { tag: '00280100', vr: 'US', value: [16] },
    { tag: '00280101', vr: 'US', value: [slice.bitsStored ?? 16] },
    { tag: '00280102', vr: 'US', value: [(slice.bitsStored ?? 16) - 1] },
    { tag: '00280103', vr: 'US', value: [signed] },
    { tag: '7FE00010', vr: 'OW', value: slice.pixelBytes ?? new Uint8Array(pixelView.buffer) },
  ];
  if (slice.position) elements.push({ tag: '00200032', vr: 'DS', value: ds(slice.position) });
  if (slice.sliceThickness !== undefined) elements.push({ tag: '00180050', vr: 'DS', value: String(slice.sliceThickness) });
  if (slice.rescaleSlope !== undefined) elements.push({ tag: '00281053', vr: 'DS', value: String(slice.rescaleSlope) });
  if (slice.rescaleIntercept !== undefined) elements.push({ tag: '00281052', vr: 'DS', value: String(slice.rescaleIntercept) });
  return writeTestDicom(elements, { implicitWithoutMeta: slice.implicitWithoutMeta });
}
