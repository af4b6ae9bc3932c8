/**
 * Wasm-codec frames (JPEG 2000, JPEG-LS) decoded on worker threads (decode-pool.ts) give exactly the
 * voxels of the single-threaded read: pydicom's compressed test files, and synthetic multi-slice
 * series encoded here with the packages' wasm encoders (single-frame files and a multi-frame file,
 * eager and lazy, with masking and rescale). A corrupt frame is the same CorruptImageError naming the
 * file, and RG_DECODE_THREADS=1 keeps every frame on the calling thread.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CorruptImageError } from '../../activities/errors';
import { readDicomSeries, type DicomInputFile, type DicomVolume } from '../../activities/imaging/dicom';
import { closeDecodePool, decodePoolSize } from '../../activities/imaging/dicom/decode-pool';
import { element, encodeDataset, encodeElement, type DicomElement } from '../../activities/imaging/dicom-write/writer';

const FILES = path.join(__dirname, '..', 'fixtures', 'dicom', 'files');
const J2K_LOSSLESS = '1.2.840.10008.1.2.4.90';
const JPEG_LS_LOSSLESS = '1.2.840.10008.1.2.4.80';

/** The encoder side of the Emscripten codec modules (the packages' full builds). */
interface WasmEncoder {
  getDecodedBuffer(frameInfo: { width: number; height: number; bitsPerSample: number; componentCount: number; isSigned: boolean }): Uint8Array;
  encode(): void;
  getEncodedBuffer(): Uint8Array;
  delete(): void;
  setQuality?(lossless: boolean, quantizationStep: number): void;
}
type EncoderClass = new () => WasmEncoder;

async function loadEncoder(packageName: string, className: string): Promise<EncoderClass> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const factory = require(`${packageName}/wasmjs`) as (options: object) => Promise<Record<string, unknown>>;
  const wasmPath = require.resolve(`${packageName}/wasm`);
  const module = await factory({ locateFile: () => wasmPath, print: () => {}, printErr: () => {} });
  return module[className] as EncoderClass;
}

let j2kEncoder: EncoderClass;
let jpegLsEncoder: EncoderClass;

/** Encode one 16-bit frame losslessly; a copy of the codestream. */
function encodeFrame(Encoder: EncoderClass, values: Int16Array, columns: number, rows: number, bitsStored: number): Uint8Array {
  const encoder = new Encoder();
  try {
    encoder.getDecodedBuffer({ width: columns, height: rows, bitsPerSample: bitsStored, componentCount: 1, isSigned: true }).set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
    encoder.setQuality?.(true, 0);
    encoder.encode();
    return new Uint8Array(encoder.getEncodedBuffer());
  } finally {
    encoder.delete();
  }
}

/** Encapsulated Pixel Data: empty basic offset table, one fragment per frame, sequence delimiter. */
function encapsulatedPixelData(frames: Uint8Array[]): Uint8Array {
  const parts: Uint8Array[] = [];
  const header = (tag: number, length: number) => {
    const view = new DataView(new ArrayBuffer(8));
    view.setUint16(0, tag >>> 16, true);
    view.setUint16(2, tag & 0xffff, true);
    view.setUint32(4, length, true);
    return new Uint8Array(view.buffer);
  };
  const start = new Uint8Array([0xe0, 0x7f, 0x10, 0x00, 0x4f, 0x42, 0, 0, 0xff, 0xff, 0xff, 0xff]);
  parts.push(start, header(0xfffee000, 0));
  for (const frame of frames) {
    const padded = frame.length % 2 ? Buffer.concat([frame, new Uint8Array(1)]) : frame;
    parts.push(header(0xfffee000, padded.length), padded);
  }
  parts.push(header(0xfffee0dd, 0));
  return Buffer.concat(parts);
}

/** A Part 10 file with the given transfer syntax and encapsulated frames. */
function encapsulatedFile(transferSyntaxUid: string, dataset: DicomElement[], frames: Uint8Array[], sopInstanceUid: string): Uint8Array {
  const sopClassUid = '1.2.840.10008.5.1.4.1.1.2';
  const meta = encodeDataset([
    element(0x00020001, 'OB', new Uint8Array([0, 1])),
    element(0x00020002, 'UI', sopClassUid),
    element(0x00020003, 'UI', sopInstanceUid),
    element(0x00020010, 'UI', transferSyntaxUid),
  ]);
  const preamble = new Uint8Array(132);
  preamble.set(Buffer.from('DICM', 'latin1'), 128);
  const body = encodeDataset([...dataset, element(0x00080016, 'UI', sopClassUid), element(0x00080018, 'UI', sopInstanceUid)]);
  return new Uint8Array(Buffer.concat([preamble, encodeElement(element(0x00020000, 'UL', meta.length)), meta, body, encapsulatedPixelData(frames)]));
}

const ROWS = 48;
const COLUMNS = 40;
const SLICES = 20;
const BITS_STORED = 12;

/** Stored values of slice k: a smooth pattern plus noise, within the signed 12-bit range. */
function sliceValues(k: number): Int16Array {
  const values = new Int16Array(ROWS * COLUMNS);
  let seed = 12345 + k * 7919;
  for (let y = 0; y < ROWS; y++) {
    for (let x = 0; x < COLUMNS; x++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      values[y * COLUMNS + x] = Math.round(900 * Math.sin((x + k) / 6) * Math.cos(y / 5)) + (seed % 200) - 100 - 600;
    }
  }
  return values;
}

function imageElements(extra: DicomElement[]): DicomElement[] {
  return [
    element(0x00080060, 'CS', 'CT'),
    element(0x0020000e, 'UI', '1.2.3.4.5.6.7'),
    element(0x00200037, 'DS', [1, 0, 0, 0, 1, 0]),
    element(0x00280002, 'US', 1),
    element(0x00280004, 'CS', 'MONOCHROME2'),
    element(0x00280010, 'US', ROWS),
    element(0x00280011, 'US', COLUMNS),
    element(0x00280030, 'DS', [0.7, 0.8]),
    element(0x00280100, 'US', 16),
    element(0x00280101, 'US', BITS_STORED),
    element(0x00280102, 'US', BITS_STORED - 1),
    element(0x00280103, 'US', 1),
    element(0x00281052, 'DS', -1024),
    element(0x00281053, 'DS', 1),
    ...extra,
  ];
}

/** SLICES single-frame files, in shuffled order; slice k at z = 2.5 k. */
function singleFrameSeries(Encoder: EncoderClass, transferSyntaxUid: string, tag: string): DicomInputFile[] {
  const order = Array.from({ length: SLICES }, (_, k) => (k * 7) % SLICES);
  return order.map((k) => ({
    uri: `mem://${tag}/slice-${k}.dcm`,
    bytes: encapsulatedFile(
      transferSyntaxUid,
      imageElements([element(0x00200032, 'DS', [-10, -20, 2.5 * k]), element(0x00200013, 'IS', k + 1)]),
      [encodeFrame(Encoder, sliceValues(k), COLUMNS, ROWS, BITS_STORED)],
      `1.2.3.4.5.6.7.${k + 1}`,
    ),
  }));
}

/** One multi-frame file of SLICES frames (positions from GridFrameOffsetVector). */
function multiFrameFile(Encoder: EncoderClass, transferSyntaxUid: string): DicomInputFile {
  const frames = Array.from({ length: SLICES }, (_, k) => encodeFrame(Encoder, sliceValues(k), COLUMNS, ROWS, BITS_STORED));
  return {
    uri: 'mem://multi-frame.dcm',
    bytes: encapsulatedFile(
      transferSyntaxUid,
      imageElements([
        element(0x00200032, 'DS', [0, 0, 0]),
        element(0x00280008, 'IS', SLICES),
        element(0x3004000c, 'DS', Array.from({ length: SLICES }, (_, k) => 3 * k)),
      ]),
      frames,
      '1.2.3.4.5.6.8',
    ),
  };
}

/** Every voxel, bit for bit, plus the geometry. */
function assertSameVolume(actual: DicomVolume, wanted: DicomVolume, what: string): void {
  assert.equal(actual.data.constructor, wanted.data.constructor, `${what}: array type`);
  assert.deepEqual(actual.size, wanted.size, `${what}: size`);
  assert.deepEqual(actual.spacing, wanted.spacing, `${what}: spacing`);
  assert.deepEqual(actual.origin, wanted.origin, `${what}: origin`);
  assert.deepEqual(actual.meta.slices, wanted.meta.slices, `${what}: slice order`);
  const a = Buffer.from(actual.data.buffer, actual.data.byteOffset, actual.data.byteLength);
  const b = Buffer.from(wanted.data.buffer, wanted.data.byteOffset, wanted.data.byteLength);
  assert.ok(a.equals(b), `${what}: voxels differ`);
}

/** The thread path, forced for any frame count. */
const POOL = { decodeThreads: 2, decodeThreadsMinFrames: 1 };
const ONE_THREAD = { decodeThreads: 1 };

describe('decoding wasm-codec frames on worker threads', () => {
  before(async () => {
    j2kEncoder = await loadEncoder('@cornerstonejs/codec-openjpeg', 'J2KEncoder');
    jpegLsEncoder = await loadEncoder('@cornerstonejs/codec-charls', 'JpegLSEncoder');
  });
  after(() => closeDecodePool());

  for (const name of [
    'emri_small_jpeg_2k_lossless.dcm',
    'emri_small_jpeg_ls_lossless.dcm',
    'MR_small_jp2klossless.dcm',
    'MR_small_jpeg_ls_lossless.dcm',
    'JPEG2000.dcm',
    '693_J2KR.dcm',
    'MR2_J2KI.dcm',
    'JPEGLSNearLossless_16.dcm',
  ]) {
    test(`pydicom's ${name}: same voxels as on one thread`, async () => {
      const file = { uri: `fixtures/dicom/${name}`, bytes: new Uint8Array(readFileSync(path.join(FILES, name))) };
      const single = await readDicomSeries([file], ONE_THREAD);
      await closeDecodePool();
      const pooled = await readDicomSeries([file], POOL);
      assert.ok(decodePoolSize() > 0, 'the pool was used');
      assertSameVolume(pooled, single, name);
    });
  }

  for (const [label, transferSyntaxUid, encoder] of [
    ['JPEG 2000 lossless', J2K_LOSSLESS, () => j2kEncoder],
    ['JPEG-LS lossless', JPEG_LS_LOSSLESS, () => jpegLsEncoder],
  ] as const) {
    test(`a synthetic ${label} series (masked, rescaled): same voxels as on one thread, eager and lazy, and as encoded`, async () => {
      const files = singleFrameSeries(encoder(), transferSyntaxUid, label);
      const single = await readDicomSeries(files, ONE_THREAD);
      await closeDecodePool();
      const pooled = await readDicomSeries(files, POOL); // a cold pool: workers start during the read
      assert.equal(decodePoolSize(), 2, 'two workers');
      assertSameVolume(pooled, single, 'eager');
      const lazy = await readDicomSeries(files.map((file) => ({ uri: file.uri, read: async () => file.bytes })), POOL);
      assertSameVolume(lazy, single, 'lazy');
      // By default (no options) a series this size is decoded on workers too when the machine has 2+ cores.
      assertSameVolume(await readDicomSeries(files), single, 'default options');
      // Lossless: the voxels are the encoded values + intercept.
      assert.equal(single.data.constructor, Int16Array);
      for (let k = 0; k < SLICES; k++) {
        const values = sliceValues(k);
        const slice = single.data.subarray(k * ROWS * COLUMNS, (k + 1) * ROWS * COLUMNS);
        for (let i = 0; i < values.length; i++) if (slice[i] !== values[i] - 1024) assert.fail(`slice ${k} voxel ${i}: ${slice[i]} vs ${values[i] - 1024}`);
      }
    });

    test(`a synthetic ${label} multi-frame file: same voxels as on one thread`, async () => {
      const file = multiFrameFile(encoder(), transferSyntaxUid);
      const single = await readDicomSeries([file], ONE_THREAD);
      await closeDecodePool();
      const pooled = await readDicomSeries([file], POOL);
      assert.equal(decodePoolSize(), 2, 'two workers');
      assert.deepEqual(pooled.size, [COLUMNS, ROWS, SLICES]);
      assertSameVolume(pooled, single, 'multi-frame');
    });
  }

  test('Node Buffers as input (fs.readFile) are copied, never detached', async () => {
    const files = singleFrameSeries(j2kEncoder, J2K_LOSSLESS, 'buffers').map((file) => ({ uri: file.uri, bytes: Buffer.from(file.bytes) }));
    const before = files.map((file) => Buffer.from(file.bytes));
    const single = await readDicomSeries(files, ONE_THREAD);
    const pooled = await readDicomSeries(files, POOL);
    assertSameVolume(pooled, single, 'from Buffers');
    files.forEach((file, i) => assert.ok(before[i].equals(file.bytes), `${file.uri} unchanged`));
  });

  for (const [label, transferSyntaxUid, encoder, encoding, reason] of [
    // OpenJPEG decodes a cut header to an empty image: the size check refuses it.
    ['JPEG 2000', J2K_LOSSLESS, () => j2kEncoder, 'jpeg2000', 'jpeg2000 frame is 0x0, header says 40x48'],
    // CharLS throws (a C++ exception, sent back from the worker in words).
    ['JPEG-LS', JPEG_LS_LOSSLESS, () => jpegLsEncoder, 'jpeg-ls', 'jpeg-ls decoding failed \\(Invalid JPEG-LS stream'],
  ] as const) {
    test(`a corrupt ${label} frame is the same CorruptImageError naming the file as on one thread`, async () => {
      const files = singleFrameSeries(encoder(), transferSyntaxUid, `corrupt-${encoding}`);
      const victim = files[5];
      const k = Number(/slice-(\d+)/.exec(victim.uri)![1]);
      const frame = encodeFrame(encoder(), sliceValues(k), COLUMNS, ROWS, BITS_STORED);
      const garbage = frame.slice(2, 40); // the start of the codestream cut away, and the rest cut short
      victim.bytes = encapsulatedFile(transferSyntaxUid, imageElements([element(0x00200032, 'DS', [-10, -20, 2.5 * k])]), [garbage], `1.2.3.4.5.6.7.${k + 1}`);
      const failure = async (options: object) => {
        try {
          await readDicomSeries(files, options);
        } catch (error) {
          return error;
        }
        return assert.fail('no error');
      };
      const single = await failure(ONE_THREAD);
      await closeDecodePool();
      const pooled = await failure(POOL);
      assert.ok(single instanceof CorruptImageError, `one thread: ${String(single)}`);
      assert.ok(pooled instanceof CorruptImageError, `pool: ${String(pooled)}`);
      assert.equal(pooled.uri, victim.uri);
      assert.equal(pooled.message, single.message);
      assert.match(pooled.message, new RegExp(`^${victim.uri}: frame 1: ${reason}`));
      assert.equal(decodePoolSize(), 2, 'the pool was used, and its workers live on');
      // The pool is still usable afterwards.
      const good = singleFrameSeries(encoder(), transferSyntaxUid, `after-${encoding}`);
      assertSameVolume(await readDicomSeries(good, POOL), await readDicomSeries(good, ONE_THREAD), 'after a failure');
    });
  }

  test('frames the pool cannot run (its workers terminated mid-read) are decoded on the calling thread', async () => {
    const files = singleFrameSeries(j2kEncoder, J2K_LOSSLESS, 'terminated');
    const single = await readDicomSeries(files, ONE_THREAD);
    await closeDecodePool();
    const reading = readDicomSeries(files, POOL);
    while (decodePoolSize() === 0) await new Promise((resolve) => setImmediate(resolve)); // frames are with the workers now
    await closeDecodePool();
    assertSameVolume(await reading, single, 'after the pool was closed mid-read');
  });

  test('RG_DECODE_THREADS=1 keeps every frame on the calling thread', async () => {
    await closeDecodePool();
    const previous = process.env.RG_DECODE_THREADS;
    process.env.RG_DECODE_THREADS = '1';
    try {
      const files = singleFrameSeries(j2kEncoder, J2K_LOSSLESS, 'env');
      const volume = await readDicomSeries(files, { decodeThreadsMinFrames: 1 });
      assert.equal(decodePoolSize(), 0, 'no worker started');
      assertSameVolume(volume, await readDicomSeries(files, ONE_THREAD), 'env');
    } finally {
      if (previous === undefined) delete process.env.RG_DECODE_THREADS;
      else process.env.RG_DECODE_THREADS = previous;
    }
  });
});
