/**
 * The compressed-frame decoders: JPEG 2000 (OpenJPEG), JPEG-LS (CharLS) and baseline JPEG
 * (libjpeg-turbo) as offline WebAssembly from the @cornerstonejs codec packages, and JPEG lossless
 * (process 14) from jpeg-lossless-decoder-js (plain JavaScript, always available).
 *
 * The wasm modules load once, lazily, through `loadWasmCodecs()` (all three) or `loadWasmCodec()`
 * (one; the decode workers load only the one they are asked for) — async: Emscripten only
 * instantiates asynchronously. After it resolves every decoder here is synchronous. The wasm
 * decoders hand their output to a callback as a view into the wasm heap, so a frame is copied once,
 * straight to where the caller wants it.
 * The packages' "exports" hide dist/: the supported entries are `<pkg>/decodewasmjs` (the
 * Emscripten factory) and `<pkg>/decodewasm` (the .wasm file, handed to it by `locateFile`).
 */

/** A decoded frame: samples as little-endian bytes, plus what the codec reported. */
export interface DecodedFrame {
  bytes: Uint8Array;
  width: number;
  height: number;
  bitsPerSample: number;
  componentCount: number;
}

/** The methods the three Emscripten decoders (J2KDecoder, JpegLSDecoder, JPEGDecoder) share. */
interface WasmDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  getDecodedBuffer(): Uint8Array;
  decode(): void;
  getFrameInfo(): { width: number; height: number; bitsPerSample: number; componentCount: number; isSigned?: boolean };
  delete(): void;
}
type DecoderClass = new () => WasmDecoder;

/** A loaded codec: its decoder class and, when the build has it, what a thrown C++ exception says. */
interface LoadedCodec {
  Decoder: DecoderClass;
  exceptionMessage?: (pointer: number) => unknown;
}

/** The encodings decoded by the wasm codecs (the slow ones, worth decoding on worker threads). */
export type WasmEncoding = 'jpeg-ls' | 'jpeg2000' | 'jpeg-baseline';

/** Package and decoder class of each wasm codec. */
const CODEC_MODULES: Record<WasmEncoding, { packageName: string; className: string }> = {
  jpeg2000: { packageName: '@cornerstonejs/codec-openjpeg', className: 'J2KDecoder' },
  'jpeg-ls': { packageName: '@cornerstonejs/codec-charls', className: 'JpegLSDecoder' },
  'jpeg-baseline': { packageName: '@cornerstonejs/codec-libjpeg-turbo-8bit', className: 'JPEGDecoder' },
};
const WASM_ENCODINGS = Object.keys(CODEC_MODULES) as WasmEncoding[];

const loaded: Partial<Record<WasmEncoding, LoadedCodec>> = {};
const loading: Partial<Record<WasmEncoding, Promise<LoadedCodec>>> = {};

/** Load one Emscripten decoder module from its package's supported entry points. */
async function loadModule(packageName: string, className: string): Promise<LoadedCodec> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const factory = require(`${packageName}/decodewasmjs`) as (options: object) => Promise<Record<string, unknown>>;
  const wasmPath = require.resolve(`${packageName}/decodewasm`);
  // print/printErr: OpenJPEG logs every header it reads; keep stdout clean.
  const module = await factory({ locateFile: () => wasmPath, print: () => {}, printErr: () => {} });
  const decoder = module[className];
  if (typeof decoder !== 'function') throw new Error(`${packageName} has no ${className}`);
  const exceptionMessage = module.getExceptionMessage;
  return { Decoder: decoder as DecoderClass, ...(typeof exceptionMessage === 'function' ? { exceptionMessage: exceptionMessage as (pointer: number) => unknown } : {}) };
}

/** Load the wasm codec of one encoding once (later calls return the same promise). */
export function loadWasmCodec(encoding: WasmEncoding): Promise<void> {
  if (loaded[encoding]) return Promise.resolve();
  const { packageName, className } = CODEC_MODULES[encoding];
  const promise = (loading[encoding] ??= loadModule(packageName, className).then(
    (codec) => (loaded[encoding] = codec),
    (error: unknown) => {
      delete loading[encoding]; // let a later call try again
      throw error;
    },
  ));
  return promise.then(() => undefined);
}

/** Load the wasm codecs once (later calls return at once). */
export async function loadWasmCodecs(): Promise<void> {
  await Promise.all(WASM_ENCODINGS.map(loadWasmCodec));
}

/** True once loadWasmCodecs() has resolved. */
export function wasmCodecsLoaded(): boolean {
  return WASM_ENCODINGS.every((encoding) => loaded[encoding] !== undefined);
}

/** The loaded decoder of an encoding, or an Error telling the caller to await loadWasmCodecs() first. */
function requireLoaded(encoding: WasmEncoding): LoadedCodec {
  const codec = loaded[encoding];
  if (!codec) throw new Error('the wasm codecs are not loaded: await loadWasmCodecs() (or use the async readers)');
  return codec;
}

/**
 * Run one Emscripten decoder over an encoded frame and hand the result to `use` while the decoder
 * lives: `bytes` is a view into the wasm heap (no copy), invalid once `use` returns.
 */
function decodeWith({ Decoder, exceptionMessage }: LoadedCodec, encoded: Uint8Array, use: (frame: DecodedFrame) => void): void {
  const decoder = new Decoder();
  try {
    decoder.getEncodedBuffer(encoded.length).set(encoded);
    try {
      decoder.decode();
    } catch (error) {
      // A C++ exception arrives as a pointer into the wasm heap: say what it says where the build can.
      const message = typeof error === 'number' && exceptionMessage ? exceptionText(exceptionMessage, error) : undefined;
      throw message ? new Error(message) : error;
    }
    const info = decoder.getFrameInfo();
    use({
      bytes: decoder.getDecodedBuffer(),
      width: info.width,
      height: info.height,
      bitsPerSample: info.bitsPerSample,
      componentCount: info.componentCount,
    });
  } finally {
    decoder.delete();
  }
}

/** The text of a thrown C++ exception (getExceptionMessage gives [type, message] or the message). */
function exceptionText(exceptionMessage: (pointer: number) => unknown, pointer: number): string | undefined {
  try {
    const value = exceptionMessage(pointer);
    const text = Array.isArray(value) ? value.filter((part) => typeof part === 'string' && part).join(': ') : typeof value === 'string' ? value : '';
    return text || undefined;
  } catch {
    return undefined;
  }
}

/** Decode a JPEG 2000 codestream (lossless or lossy, also HTJ2K); `use` sees the frame (not to be kept). */
export function decodeJpeg2000(encoded: Uint8Array, use: (frame: DecodedFrame) => void): void {
  decodeWith(requireLoaded('jpeg2000'), encoded, use);
}

/** Decode a JPEG-LS frame (lossless or near-lossless); `use` sees the frame (not to be kept). */
export function decodeJpegLs(encoded: Uint8Array, use: (frame: DecodedFrame) => void): void {
  decodeWith(requireLoaded('jpeg-ls'), encoded, use);
}

/** Decode a baseline (8-bit) JPEG frame; `use` sees the frame (not to be kept). */
export function decodeJpegBaseline(encoded: Uint8Array, use: (frame: DecodedFrame) => void): void {
  decodeWith(requireLoaded('jpeg-baseline'), encoded, use);
}

/** Run the wasm decoder of `encoding` over one encoded frame; `use` sees the frame (a view, not to be kept). */
export function decodeWasmFrame(encoding: WasmEncoding, encoded: Uint8Array, use: (frame: DecodedFrame) => void): void {
  if (encoding === 'jpeg-ls') decodeJpegLs(encoded, use);
  else if (encoding === 'jpeg2000') decodeJpeg2000(encoded, use);
  else decodeJpegBaseline(encoded, use);
}

/** What a codec threw, in words (Emscripten decoders throw bare numbers). */
export function codecErrorReason(error: unknown): string {
  return error instanceof Error ? error.message : typeof error === 'number' ? `codec error ${error}` : String(error);
}

/** The part of jpeg-lossless-decoder-js used here (the package ships no type declarations). */
interface LosslessDecoder {
  decode(buffer: ArrayBuffer, offset: number, length: number, numBytes: number): Uint8Array | Uint16Array;
  xDim: number;
  yDim: number;
  precision: number;
  numComp: number;
}

/** Decode a JPEG lossless (process 14, any selection value) frame; synchronous, pure JavaScript. */
export function decodeJpegLossless(encoded: Uint8Array, bytesPerSample: number): DecodedFrame {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const lossless = require('jpeg-lossless-decoder-js') as { Decoder: new () => LosslessDecoder };
  const decoder = new lossless.Decoder();
  // A copy of its own (new Uint8Array, not .slice(): on a Node Buffer that is a view into the whole file).
  const copy = new Uint8Array(encoded);
  const output = decoder.decode(copy.buffer, 0, copy.length, bytesPerSample);
  const bytes = new Uint8Array(output.buffer, output.byteOffset, output.byteLength).slice();
  return { bytes, width: decoder.xDim, height: decoder.yDim, bitsPerSample: decoder.precision, componentCount: decoder.numComp };
}
