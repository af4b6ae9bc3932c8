/**
 * The compressed-frame decoders: JPEG 2000 (OpenJPEG), JPEG-LS (CharLS) and baseline JPEG
 * (libjpeg-turbo) as offline WebAssembly from the @cornerstonejs codec packages, and JPEG lossless
 * (process 14) from jpeg-lossless-decoder-js (plain JavaScript, always available).
 *
 * The wasm modules load once, lazily, through `loadWasmCodecs()` (async: Emscripten only
 * instantiates asynchronously). After it resolves every decoder here is synchronous. The wasm
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

interface WasmCodecs {
  openjpeg: DecoderClass;
  charls: DecoderClass;
  libjpegTurbo: DecoderClass;
}

let loaded: WasmCodecs | undefined;
let loading: Promise<WasmCodecs> | undefined;

/** Load one Emscripten decoder module from its package's supported entry points. */
async function loadModule(packageName: string, className: string): Promise<DecoderClass> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const factory = require(`${packageName}/decodewasmjs`) as (options: object) => Promise<Record<string, unknown>>;
  const wasmPath = require.resolve(`${packageName}/decodewasm`);
  // print/printErr: OpenJPEG logs every header it reads; keep stdout clean.
  const module = await factory({ locateFile: () => wasmPath, print: () => {}, printErr: () => {} });
  const decoder = module[className];
  if (typeof decoder !== 'function') throw new Error(`${packageName} has no ${className}`);
  return decoder as DecoderClass;
}

/** Load the wasm codecs once (later calls return the same promise). */
export function loadWasmCodecs(): Promise<WasmCodecs> {
  if (loaded) return Promise.resolve(loaded);
  loading ??= Promise.all([
    loadModule('@cornerstonejs/codec-openjpeg', 'J2KDecoder'),
    loadModule('@cornerstonejs/codec-charls', 'JpegLSDecoder'),
    loadModule('@cornerstonejs/codec-libjpeg-turbo-8bit', 'JPEGDecoder'),
  ]).then(([openjpeg, charls, libjpegTurbo]) => {
    loaded = { openjpeg, charls, libjpegTurbo };
    return loaded;
  }, (error: unknown) => {
    loading = undefined; // let a later call try again
    throw error;
  });
  return loading;
}

/** True once loadWasmCodecs() has resolved. */
export function wasmCodecsLoaded(): boolean {
  return loaded !== undefined;
}

/** The loaded codecs, or an Error telling the caller to await loadWasmCodecs() first. */
function requireLoaded(): WasmCodecs {
  if (!loaded) throw new Error('the wasm codecs are not loaded: await loadWasmCodecs() (or use the async readers)');
  return loaded;
}

/**
 * Run one Emscripten decoder over an encoded frame and hand the result to `use` while the decoder
 * lives: `bytes` is a view into the wasm heap (no copy), invalid once `use` returns.
 */
function decodeWith(Decoder: DecoderClass, encoded: Uint8Array, use: (frame: DecodedFrame) => void): void {
  const decoder = new Decoder();
  try {
    decoder.getEncodedBuffer(encoded.length).set(encoded);
    decoder.decode();
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

/** Decode a JPEG 2000 codestream (lossless or lossy, also HTJ2K); `use` sees the frame (not to be kept). */
export function decodeJpeg2000(encoded: Uint8Array, use: (frame: DecodedFrame) => void): void {
  decodeWith(requireLoaded().openjpeg, encoded, use);
}

/** Decode a JPEG-LS frame (lossless or near-lossless); `use` sees the frame (not to be kept). */
export function decodeJpegLs(encoded: Uint8Array, use: (frame: DecodedFrame) => void): void {
  decodeWith(requireLoaded().charls, encoded, use);
}

/** Decode a baseline (8-bit) JPEG frame; `use` sees the frame (not to be kept). */
export function decodeJpegBaseline(encoded: Uint8Array, use: (frame: DecodedFrame) => void): void {
  decodeWith(requireLoaded().libjpegTurbo, encoded, use);
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
  const copy = encoded.slice();
  const output = decoder.decode(copy.buffer, 0, copy.length, bytesPerSample);
  const bytes = new Uint8Array(output.buffer, output.byteOffset, output.byteLength).slice();
  return { bytes, width: decoder.xDim, height: decoder.yDim, bitsPerSample: decoder.precision, componentCount: decoder.numComp };
}
