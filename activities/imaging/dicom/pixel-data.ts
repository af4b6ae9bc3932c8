/**
 * Pixel Data (7FE0,0010) → stored values: native (implicit/explicit VR little endian, explicit big
 * endian, deflated) and encapsulated frames (JPEG lossless, JPEG-LS, JPEG 2000, RLE, baseline
 * JPEG). Values come out as one typed array of every frame (frame after frame, row after row,
 * samples interleaved), sign-extended from BitsStored when PixelRepresentation is 1 and with the
 * unused high bits cleared when it is 0. Rescale is not applied here (see image.ts).
 */
import * as dicomParser from 'dicom-parser';
import type { DicomDataset } from './dataset';
import { corrupt, getNumber, getString, requireNumber, Tag, TransferSyntax } from './dataset';
import { decodeJpeg2000, decodeJpegBaseline, decodeJpegLossless, decodeJpegLs, type DecodedFrame } from './codecs';
import { decodeRleFrame } from './rle';
import { HOST_IS_LITTLE_ENDIAN, swapBytes } from '../voxel-bytes';

/** Integer arrays stored values can be held in. */
export type StoredArray = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array;

/** The Image Pixel module attributes that say how to read Pixel Data. */
export interface PixelFormat {
  rows: number;
  columns: number;
  samplesPerPixel: number;
  bitsAllocated: number;
  bitsStored: number;
  pixelRepresentation: 0 | 1;
  numberOfFrames: number;
  photometricInterpretation: string;
  planarConfiguration: number;
}

/** How each transfer syntax's frames are decoded. */
type Encoding = 'native' | 'rle' | 'jpeg-lossless' | 'jpeg-ls' | 'jpeg2000' | 'jpeg-baseline';

const ENCODINGS: Record<string, Encoding> = {
  [TransferSyntax.ImplicitVRLittleEndian]: 'native',
  [TransferSyntax.ExplicitVRLittleEndian]: 'native',
  [TransferSyntax.DeflatedExplicitVRLittleEndian]: 'native',
  [TransferSyntax.ExplicitVRBigEndian]: 'native',
  [TransferSyntax.RLELossless]: 'rle',
  [TransferSyntax.JPEGLossless]: 'jpeg-lossless',
  [TransferSyntax.JPEGLosslessSV1]: 'jpeg-lossless',
  [TransferSyntax.JPEGLSLossless]: 'jpeg-ls',
  [TransferSyntax.JPEGLSNearLossless]: 'jpeg-ls',
  [TransferSyntax.JPEG2000Lossless]: 'jpeg2000',
  [TransferSyntax.JPEG2000]: 'jpeg2000',
  [TransferSyntax.HTJ2KLossless]: 'jpeg2000',
  [TransferSyntax.HTJ2KLosslessRPCL]: 'jpeg2000',
  [TransferSyntax.HTJ2K]: 'jpeg2000',
  [TransferSyntax.JPEGBaseline8Bit]: 'jpeg-baseline',
};

/** The transfer syntaxes whose pixel data this module decodes. */
export const SUPPORTED_TRANSFER_SYNTAXES: readonly string[] = Object.keys(ENCODINGS);

/** True when frames of this transfer syntax need the wasm codecs (loadWasmCodecs()). */
export function needsWasmCodecs(transferSyntaxUid: string): boolean {
  const encoding = ENCODINGS[transferSyntaxUid];
  return encoding === 'jpeg-ls' || encoding === 'jpeg2000' || encoding === 'jpeg-baseline';
}

/** Read the Image Pixel module; missing or impossible values are a CorruptImageError. */
export function readPixelFormat(ds: DicomDataset): PixelFormat {
  const rows = requireNumber(ds, Tag.Rows, 'Rows');
  const columns = requireNumber(ds, Tag.Columns, 'Columns');
  const bitsAllocated = requireNumber(ds, Tag.BitsAllocated, 'BitsAllocated');
  const bitsStored = getNumber(ds, Tag.BitsStored) ?? bitsAllocated;
  const pixelRepresentation = getNumber(ds, Tag.PixelRepresentation) ?? 0;
  const format: PixelFormat = {
    rows,
    columns,
    samplesPerPixel: getNumber(ds, Tag.SamplesPerPixel) ?? 1,
    bitsAllocated,
    bitsStored,
    pixelRepresentation: pixelRepresentation === 1 ? 1 : 0,
    numberOfFrames: getNumber(ds, Tag.NumberOfFrames) ?? 1,
    photometricInterpretation: getString(ds, Tag.PhotometricInterpretation) ?? 'MONOCHROME2',
    planarConfiguration: getNumber(ds, Tag.PlanarConfiguration) ?? 0,
  };
  if (!(rows > 0 && columns > 0)) throw corrupt(ds.uri, `invalid image size ${columns}x${rows}`);
  if (![8, 16, 32].includes(bitsAllocated)) throw corrupt(ds.uri, `unsupported BitsAllocated ${bitsAllocated} (8, 16 or 32 are read)`);
  if (!(bitsStored >= 1 && bitsStored <= bitsAllocated)) throw corrupt(ds.uri, `BitsStored ${bitsStored} does not fit BitsAllocated ${bitsAllocated}`);
  if (!(format.numberOfFrames >= 1 && Number.isInteger(format.numberOfFrames))) throw corrupt(ds.uri, `invalid NumberOfFrames ${format.numberOfFrames}`);
  return format;
}

/** Decode every frame of the file's Pixel Data into stored values (see the module comment). */
export function decodePixelData(ds: DicomDataset, format: PixelFormat): StoredArray {
  const encoding = ENCODINGS[ds.transferSyntaxUid];
  if (!encoding) throw corrupt(ds.uri, `unsupported transfer syntax ${ds.transferSyntaxUid}`);
  const element = ds.raw.elements[Tag.PixelData];
  if (!element) throw corrupt(ds.uri, 'no Pixel Data (7FE0,0010)');
  const bytesPerSample = format.bitsAllocated / 8;
  const samplesPerFrame = format.rows * format.columns * format.samplesPerPixel;
  const frameBytes = samplesPerFrame * bytesPerSample;
  const all = new Uint8Array(frameBytes * format.numberOfFrames);
  if (encoding === 'native') {
    all.set(readNativeBytes(ds, element, all.length, format));
  } else {
    if (!element.encapsulatedPixelData) throw corrupt(ds.uri, `transfer syntax ${ds.transferSyntaxUid} needs encapsulated Pixel Data`);
    const frames = readEncapsulatedFrames(ds, element, format.numberOfFrames, encoding);
    frames.forEach((frame, index) => {
      const decoded = decodeFrame(ds, frame, encoding, format, index);
      all.set(decoded, index * frameBytes);
    });
  }
  return toStoredValues(all, format);
}

/** The native Pixel Data bytes (little endian), refusing a value shorter than the image. */
function readNativeBytes(ds: DicomDataset, element: dicomParser.Element, expected: number, format: PixelFormat): Uint8Array {
  const available = Math.min(element.length, ds.raw.byteArray.length - element.dataOffset);
  if (element.encapsulatedPixelData) throw corrupt(ds.uri, 'native transfer syntax but encapsulated Pixel Data');
  if (available < expected) {
    throw corrupt(ds.uri, `Pixel Data holds ${available} bytes, expected ${expected} (${format.columns}x${format.rows}x${format.numberOfFrames} frames x ${format.samplesPerPixel} samples x ${format.bitsAllocated} bits)`);
  }
  const bytes = ds.raw.byteArray.slice(element.dataOffset, element.dataOffset + expected);
  if (ds.transferSyntaxUid === TransferSyntax.ExplicitVRBigEndian) {
    // OW words are big endian: swap per sample, or per 16-bit word when 8-bit samples sit in OW.
    const width = format.bitsAllocated === 8 ? (element.vr === 'OW' ? 2 : 1) : format.bitsAllocated / 8;
    swapBytes(bytes, width);
  }
  return bytes;
}

/** Split encapsulated Pixel Data into one byte string per frame. */
function readEncapsulatedFrames(ds: DicomDataset, element: dicomParser.Element, frameCount: number, encoding: Encoding): Uint8Array[] {
  const fragments = element.fragments ?? [];
  if (fragments.length === 0) throw corrupt(ds.uri, 'encapsulated Pixel Data has no fragments');
  try {
    if (frameCount === 1) {
      return [dicomParser.readEncapsulatedPixelDataFromFragments(ds.raw, element, 0, fragments.length) as Uint8Array];
    }
    let offsets = element.basicOffsetTable ?? [];
    if (offsets.length === 0) {
      if (fragments.length === frameCount) offsets = fragments.map((fragment) => fragment.offset);
      else if (encoding === 'jpeg-lossless' || encoding === 'jpeg-baseline' || encoding === 'jpeg-ls') {
        offsets = dicomParser.createJPEGBasicOffsetTable(ds.raw, element);
      } else {
        throw corrupt(ds.uri, `${fragments.length} fragments for ${frameCount} frames and no basic offset table`);
      }
    }
    if (offsets.length < frameCount) throw corrupt(ds.uri, `${offsets.length} frame offsets for ${frameCount} frames`);
    const frames: Uint8Array[] = [];
    for (let frame = 0; frame < frameCount; frame++) {
      frames.push(dicomParser.readEncapsulatedImageFrame(ds.raw, element, frame, offsets) as Uint8Array);
    }
    return frames;
  } catch (error) {
    if (error instanceof Error && error.name === 'CorruptImageError') throw error;
    throw corrupt(ds.uri, `cannot split encapsulated Pixel Data into frames (${error instanceof Error ? error.message : String(error)})`);
  }
}

/** Decode one encapsulated frame into little-endian samples of BitsAllocated width. */
function decodeFrame(ds: DicomDataset, frame: Uint8Array, encoding: Encoding, format: PixelFormat, index: number): Uint8Array {
  const bytesPerSample = format.bitsAllocated / 8;
  const pixelCount = format.rows * format.columns;
  const expected = pixelCount * format.samplesPerPixel * bytesPerSample;
  let decoded: DecodedFrame | undefined;
  let bytes: Uint8Array;
  try {
    switch (encoding) {
      case 'rle':
        bytes = decodeRleFrame(frame, pixelCount, format.samplesPerPixel, bytesPerSample);
        break;
      case 'jpeg-lossless':
        decoded = decodeJpegLossless(frame, bytesPerSample > 1 ? 2 : 1);
        bytes = decoded.bytes;
        break;
      case 'jpeg-ls':
        decoded = decodeJpegLs(frame);
        bytes = decoded.bytes;
        break;
      case 'jpeg2000':
        decoded = decodeJpeg2000(frame);
        bytes = decoded.bytes;
        break;
      default:
        decoded = decodeJpegBaseline(frame);
        bytes = decoded.bytes;
    }
  } catch (error) {
    const reason = error instanceof Error ? error.message : typeof error === 'number' ? `codec error ${error}` : String(error);
    throw corrupt(ds.uri, `frame ${index + 1}: ${encoding} decoding failed (${reason})`);
  }
  if (decoded && (decoded.width !== format.columns || decoded.height !== format.rows)) {
    throw corrupt(ds.uri, `frame ${index + 1}: ${encoding} frame is ${decoded.width}x${decoded.height}, header says ${format.columns}x${format.rows}`);
  }
  const samples = pixelCount * format.samplesPerPixel;
  if (bytes.length === samples * bytesPerSample) return bytes;
  if (bytes.length >= samples && bytes.length < samples * bytesPerSample) {
    const codecWidth = Math.floor(bytes.length / samples);
    if (codecWidth >= 1 && bytes.length === samples * codecWidth) return widenSamples(bytes, codecWidth, bytesPerSample);
  }
  if (bytes.length > expected) return bytes.subarray(0, expected);
  throw corrupt(ds.uri, `frame ${index + 1}: ${encoding} decoded to ${bytes.length} bytes, expected ${expected}`);
}

/** Zero-extend little-endian samples from `from` bytes to `to` bytes each. */
function widenSamples(bytes: Uint8Array, from: number, to: number): Uint8Array {
  const count = bytes.length / from;
  const out = new Uint8Array(count * to);
  for (let i = 0; i < count; i++) for (let b = 0; b < from; b++) out[i * to + b] = bytes[i * from + b];
  return out;
}

/** Little-endian sample bytes → typed stored values, sign-extended or masked to BitsStored. */
function toStoredValues(bytes: Uint8Array, format: PixelFormat): StoredArray {
  if (!HOST_IS_LITTLE_ENDIAN) swapBytes(bytes, format.bitsAllocated / 8);
  const signed = format.pixelRepresentation === 1;
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const values: StoredArray =
    format.bitsAllocated === 8 ? (signed ? new Int8Array(buffer) : new Uint8Array(buffer))
    : format.bitsAllocated === 16 ? (signed ? new Int16Array(buffer) : new Uint16Array(buffer))
    : signed ? new Int32Array(buffer) : new Uint32Array(buffer);
  const bits = format.bitsStored;
  if (bits >= format.bitsAllocated) return values;
  const shift = 32 - bits;
  for (let i = 0; i < values.length; i++) {
    // Shifting through a 32-bit int keeps the low `bits` bits, sign-extended (>>) or not (>>>).
    values[i] = signed ? (values[i] << shift) >> shift : (values[i] << shift) >>> shift;
  }
  return values;
}
