/**
 * Pixel Data (7FE0,0010) → stored values: native (implicit/explicit VR little endian, explicit big
 * endian, deflated) and encapsulated frames (JPEG lossless, JPEG-LS, JPEG 2000, RLE, baseline
 * JPEG), one frame at a time: `forEachFrame` hands each frame's little-endian sample bytes to a
 * callback (a view into the file, or into the codec's memory, valid only during the call), and
 * `writeFrameValues` turns them into values — sign-extended from BitsStored when
 * PixelRepresentation is 1, unused high bits cleared when it is 0, optionally rescaled — written
 * straight into a caller's array (the series reader's output volume). `decodePixelData` gives every
 * frame's stored values as one typed array (frame after frame, row after row, samples interleaved).
 */
import * as dicomParser from 'dicom-parser';
import type { DicomDataset } from './dataset';
import { corrupt, getNumber, getString, requireNumber, Tag, TransferSyntax } from './dataset';
import { codecErrorReason, decodeJpegLossless, decodeWasmFrame, type DecodedFrame, type WasmEncoding } from './codecs';
import type { VoxelArray } from '../volume';
import { decodeRleFrame } from './rle';
import type { CorruptImageError } from '../../errors';
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
export type Encoding = 'native' | 'rle' | 'jpeg-lossless' | 'jpeg-ls' | 'jpeg2000' | 'jpeg-baseline';

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
  return wasmEncodingOf(transferSyntaxUid) !== undefined;
}

/** The wasm encoding of a transfer syntax, undefined for the others (native, RLE, JPEG lossless, unknown). */
export function wasmEncodingOf(transferSyntaxUid: string): WasmEncoding | undefined {
  const encoding = ENCODINGS[transferSyntaxUid];
  return encoding === 'jpeg-ls' || encoding === 'jpeg2000' || encoding === 'jpeg-baseline' ? encoding : undefined;
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

/** The typed array type that holds a format's stored values. */
export function storedArrayType(format: PixelFormat): new (length: number) => StoredArray {
  const signed = format.pixelRepresentation === 1;
  if (format.bitsAllocated === 8) return signed ? Int8Array : Uint8Array;
  if (format.bitsAllocated === 16) return signed ? Int16Array : Uint16Array;
  return signed ? Int32Array : Uint32Array;
}

/** Decode every frame of the file's Pixel Data into stored values (see the module comment). */
export function decodePixelData(ds: DicomDataset, format: PixelFormat): StoredArray {
  const samplesPerFrame = format.rows * format.columns * format.samplesPerPixel;
  const StoredType = storedArrayType(format);
  const values = new StoredType(samplesPerFrame * format.numberOfFrames);
  forEachFrame(ds, format, (bytes, frame) => writeFrameValues(bytes, format, values, frame * samplesPerFrame, 1, 0));
  return values;
}

/**
 * Call `use` with the little-endian sample bytes of each frame, in frame order. The bytes are a
 * view into the file or into the codec's memory: valid only during the call, never kept.
 */
export function forEachFrame(ds: DicomDataset, format: PixelFormat, use: (bytes: Uint8Array, frame: number) => void): void {
  const encoding = ENCODINGS[ds.transferSyntaxUid];
  if (!encoding) throw corrupt(ds.uri, `unsupported transfer syntax ${ds.transferSyntaxUid}`);
  const element = ds.raw.elements[Tag.PixelData];
  if (!element) throw corrupt(ds.uri, 'no Pixel Data (7FE0,0010)');
  const frameBytes = format.rows * format.columns * format.samplesPerPixel * (format.bitsAllocated / 8);
  if (encoding === 'native') {
    const all = readNativeBytes(ds, element, frameBytes * format.numberOfFrames, format);
    for (let frame = 0; frame < format.numberOfFrames; frame++) use(all.subarray(frame * frameBytes, (frame + 1) * frameBytes), frame);
    return;
  }
  const frames = encodedFrames(ds, format);
  frames.forEach((encoded, index) => decodeFrame(ds.uri, encoded, encoding, format, index, (bytes) => use(bytes, index)));
}

/**
 * The encoded byte string of each frame of an encapsulated (compressed) Pixel Data, in frame order:
 * views into the file where a frame is one fragment, else copies.
 */
export function encodedFrames(ds: DicomDataset, format: PixelFormat): Uint8Array[] {
  const encoding = ENCODINGS[ds.transferSyntaxUid];
  if (!encoding) throw corrupt(ds.uri, `unsupported transfer syntax ${ds.transferSyntaxUid}`);
  const element = ds.raw.elements[Tag.PixelData];
  if (!element) throw corrupt(ds.uri, 'no Pixel Data (7FE0,0010)');
  if (encoding === 'native') throw new Error(`${ds.uri}: transfer syntax ${ds.transferSyntaxUid} is not encapsulated`);
  if (!element.encapsulatedPixelData) throw corrupt(ds.uri, `transfer syntax ${ds.transferSyntaxUid} needs encapsulated Pixel Data`);
  return readEncapsulatedFrames(ds, element, format.numberOfFrames, encoding);
}

/**
 * Turn one frame's little-endian sample bytes into values (masked or sign-extended to BitsStored,
 * then × slope + intercept) written into `output` from `offset`.
 */
export function writeFrameValues(
  bytes: Uint8Array,
  format: PixelFormat,
  output: VoxelArray,
  offset: number,
  slope: number,
  intercept: number,
): void {
  const stored = storedView(bytes, format);
  const bits = format.bitsStored;
  const masked = bits < format.bitsAllocated;
  if (!masked && slope === 1 && intercept === 0) {
    output.set(stored, offset); // a plain copy (a memcpy when the types match)
    return;
  }
  const count = stored.length;
  if (!masked) {
    for (let i = 0; i < count; i++) output[offset + i] = stored[i] * slope + intercept;
    return;
  }
  // Shifting through a 32-bit int keeps the low `bits` bits, sign-extended (>>) or not (>>>).
  const shift = 32 - bits;
  if (format.pixelRepresentation === 1) {
    for (let i = 0; i < count; i++) output[offset + i] = ((stored[i] << shift) >> shift) * slope + intercept;
  } else {
    for (let i = 0; i < count; i++) output[offset + i] = ((stored[i] << shift) >>> shift) * slope + intercept;
  }
}

/** The frame's bytes as stored-value typed array: a view when aligned (little-endian host), else a copy. */
function storedView(bytes: Uint8Array, format: PixelFormat): StoredArray {
  const StoredType = storedArrayType(format) as unknown as {
    new (buffer: ArrayBufferLike, byteOffset: number, length: number): StoredArray;
    new (length: number): StoredArray;
  };
  const width = format.bitsAllocated / 8;
  const count = bytes.length / width;
  if (HOST_IS_LITTLE_ENDIAN && bytes.byteOffset % width === 0) return new StoredType(bytes.buffer, bytes.byteOffset, count);
  const copy = new StoredType(count);
  const copyBytes = new Uint8Array(copy.buffer);
  copyBytes.set(bytes);
  if (!HOST_IS_LITTLE_ENDIAN) swapBytes(copyBytes, width);
  return copy;
}

/** The native Pixel Data bytes (little endian), refusing a value shorter than the image. */
function readNativeBytes(ds: DicomDataset, element: dicomParser.Element, expected: number, format: PixelFormat): Uint8Array {
  const available = Math.min(element.length, ds.raw.byteArray.length - element.dataOffset);
  if (element.encapsulatedPixelData) throw corrupt(ds.uri, 'native transfer syntax but encapsulated Pixel Data');
  if (available < expected) {
    throw corrupt(ds.uri, `Pixel Data holds ${available} bytes, expected ${expected} (${format.columns}x${format.rows}x${format.numberOfFrames} frames x ${format.samplesPerPixel} samples x ${format.bitsAllocated} bits)`);
  }
  const start = ds.raw.byteArray.byteOffset + element.dataOffset;
  if (ds.transferSyntaxUid !== TransferSyntax.ExplicitVRBigEndian) {
    return new Uint8Array(ds.raw.byteArray.buffer, start, expected); // a view: no copy of the pixels
  }
  // OW words are big endian: swap (a copy) per sample, or per 16-bit word when 8-bit samples sit in OW.
  const bytes = ds.raw.byteArray.slice(element.dataOffset, element.dataOffset + expected);
  const width = format.bitsAllocated === 8 ? (element.vr === 'OW' ? 2 : 1) : format.bitsAllocated / 8;
  swapBytes(bytes, width);
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

/**
 * Decode one encapsulated frame (frame `index` of the file `uri`) and call `use` with little-endian
 * samples of BitsAllocated width (for the wasm codecs a view into the codec's memory, released after
 * the call). Any failure is a CorruptImageError naming the file and the frame.
 */
export function decodeFrame(
  uri: string,
  frame: Uint8Array,
  encoding: Encoding,
  format: PixelFormat,
  index: number,
  use: (bytes: Uint8Array) => void,
): void {
  const bytesPerSample = format.bitsAllocated / 8;
  const pixelCount = format.rows * format.columns;
  const check = (decoded: DecodedFrame) => use(checkDecodedFrame(uri, decoded, encoding, format, index));
  try {
    switch (encoding) {
      case 'rle':
        return use(fitSampleWidth(uri, decodeRleFrame(frame, pixelCount, format.samplesPerPixel, bytesPerSample), encoding, format, index));
      case 'jpeg-lossless':
        return check(decodeJpegLossless(frame, bytesPerSample > 1 ? 2 : 1));
      case 'native':
        throw new Error('native frames are not encapsulated');
      default:
        return decodeWasmFrame(encoding, frame, check);
    }
  } catch (error) {
    if (error instanceof Error && error.name === 'CorruptImageError') throw error;
    throw frameDecodingError(uri, encoding, index, codecErrorReason(error));
  }
}

/**
 * A frame as a codec decoded it → little-endian samples of BitsAllocated width (the bytes as they
 * are, widened, or cut to the frame); a frame of another size is a CorruptImageError.
 */
export function checkDecodedFrame(uri: string, decoded: DecodedFrame, encoding: Encoding, format: PixelFormat, index: number): Uint8Array {
  if (decoded.width !== format.columns || decoded.height !== format.rows) {
    throw corrupt(uri, `frame ${index + 1}: ${encoding} frame is ${decoded.width}x${decoded.height}, header says ${format.columns}x${format.rows}`);
  }
  return fitSampleWidth(uri, decoded.bytes, encoding, format, index);
}

/** The CorruptImageError for a frame a codec could not decode. */
export function frameDecodingError(uri: string, encoding: Encoding, index: number, reason: string): CorruptImageError {
  return corrupt(uri, `frame ${index + 1}: ${encoding} decoding failed (${reason})`);
}

/** Decoded bytes as samples of BitsAllocated width: as they are, widened, or cut to the frame. */
function fitSampleWidth(uri: string, bytes: Uint8Array, encoding: Encoding, format: PixelFormat, index: number): Uint8Array {
  const bytesPerSample = format.bitsAllocated / 8;
  const samples = format.rows * format.columns * format.samplesPerPixel;
  const expected = samples * bytesPerSample;
  if (bytes.length === expected) return bytes;
  if (bytes.length >= samples && bytes.length < expected) {
    const codecWidth = Math.floor(bytes.length / samples);
    if (codecWidth >= 1 && bytes.length === samples * codecWidth) return widenSamples(bytes, codecWidth, bytesPerSample);
  }
  if (bytes.length > expected) return bytes.subarray(0, expected);
  throw corrupt(uri, `frame ${index + 1}: ${encoding} decoded to ${bytes.length} bytes, expected ${expected}`);
}

/** Zero-extend little-endian samples from `from` bytes to `to` bytes each. */
function widenSamples(bytes: Uint8Array, from: number, to: number): Uint8Array {
  const count = bytes.length / from;
  const out = new Uint8Array(count * to);
  for (let i = 0; i < count; i++) for (let b = 0; b < from; b++) out[i * to + b] = bytes[i * from + b];
  return out;
}
