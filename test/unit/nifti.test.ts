import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { CorruptImageError } from '../../activities/errors';
import { decodeNifti, encodeNifti } from '../../activities/imaging/nifti';
import { decodeNrrd, encodeNrrd } from '../../activities/imaging/nrrd';
import { decodeVolume, detectFormat } from '../../activities/imaging/read-volume';
import type { Mat3, Vec3, Volume, VoxelArray } from '../../activities/imaging/volume';

// Every assert.ok here has a message: on Node 20 under tsx, a failing assert.ok without one can hang
// while Node reads the source to build the message, instead of failing.
const URI = 'file:///data/case7_image.nii.gz';
const FIXTURES = path.join(__dirname, '..', 'fixtures', 'nifti');

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

function rotation(axis: 0 | 1 | 2, degrees: number): number[][] {
  const c = Math.cos((degrees * Math.PI) / 180);
  const s = Math.sin((degrees * Math.PI) / 180);
  const [i, j] = ([[1, 2], [0, 2], [0, 1]] as const)[axis];
  const r = [[1, 0, 0], [0, 1, 0], [0, 0, 1]];
  r[i][i] = c;
  r[j][j] = c;
  r[i][j] = -s;
  r[j][i] = s;
  return r;
}

function multiply(a: number[][], b: number[][]): number[][] {
  return a.map((row) => [0, 1, 2].map((j) => row.reduce((sum, v, k) => sum + v * b[k][j], 0)));
}

const toMat3 = (m: number[][]): Mat3 => m.flat() as Mat3;

/** An oblique rotation (about three axes) and a left-handed one (third axis mirrored). */
const OBLIQUE: Mat3 = toMat3(multiply(multiply(rotation(2, 30), rotation(0, -20)), rotation(1, 10)));
const MIRRORED: Mat3 = toMat3(multiply(multiply(rotation(2, -15), rotation(1, 40)), [[1, 0, 0], [0, 1, 0], [0, 0, -1]]));

function volumeOf<T extends VoxelArray>(data: T, direction: Mat3 = OBLIQUE): Volume<T> {
  for (let i = 0; i < data.length; i++) data[i] = ((i * 37) % 101) - 50; // mixed signs where allowed
  return { data, size: [4, 3, 2], spacing: [0.8, 0.9, 2.5], origin: [-110.5, 20.25, 63], direction };
}

/** |actual − expected| ≤ tolerance × max(1, |expected|), element by element. */
function assertClose(actual: readonly number[], expected: readonly number[], tolerance = 1e-6, what = '') {
  assert.equal(actual.length, expected.length);
  actual.forEach((v, i) =>
    assert.ok(
      Math.abs(v - expected[i]) <= tolerance * Math.max(1, Math.abs(expected[i])),
      `${what} index ${i}: ${v} vs ${expected[i]}`,
    ),
  );
}

function assertGeometry(volume: Volume, expected: { spacing: Vec3; origin: Vec3; direction: Mat3 }, tolerance = 1e-6) {
  assertClose(volume.spacing, expected.spacing, tolerance, 'spacing');
  assertClose(volume.origin, expected.origin, tolerance, 'origin');
  assertClose(volume.direction, expected.direction, tolerance, 'direction');
}

function assertCorrupt(decode: (bytes: Uint8Array, uri: string) => Volume, bytes: Uint8Array, problem: RegExp) {
  assert.throws(
    () => decode(bytes, URI),
    (error: unknown) => {
      assert.ok(error instanceof CorruptImageError, `expected CorruptImageError, got ${String(error)}`);
      assert.equal(error.type, 'CorruptImageError');
      assert.equal(error.uri, URI);
      assert.ok(error.message.includes(URI), `message names the file: ${error.message}`);
      assert.match(error.message, problem);
      return true;
    },
  );
}

/** Header fields for a hand-made NIfTI file; anything left out gets a plain default. */
interface HeaderSpec {
  version?: 1 | 2;
  littleEndian?: boolean;
  dim?: number[];
  datatype?: number;
  pixdim?: number[];
  voxOffset?: number;
  sclSlope?: number;
  sclInter?: number;
  xyztUnits?: number;
  qformCode?: number;
  sformCode?: number;
  quatern?: number[];
  qoffset?: number[];
  srow?: number[][];
  magic?: string;
}

/** A single-file NIfTI-1 or NIfTI-2 file: the header, zero padding up to vox_offset, the payload. */
function niftiFile(spec: HeaderSpec, payload: Uint8Array): Buffer {
  const version = spec.version ?? 1;
  const le = spec.littleEndian ?? true;
  const size = version === 1 ? 348 : 540;
  const voxOffset = spec.voxOffset ?? (version === 1 ? 352 : 544);
  const header = Buffer.alloc(Math.max(size, voxOffset));
  const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
  const dim = [...(spec.dim ?? [3, 2, 2, 2])];
  while (dim.length < 8) dim.push(1);
  const pixdim = [...(spec.pixdim ?? [1, 1, 1, 1])];
  while (pixdim.length < 8) pixdim.push(1);
  const srow = spec.srow ?? [[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]];
  const quatern = spec.quatern ?? [0, 0, 0];
  const qoffset = spec.qoffset ?? [0, 0, 0];
  view.setInt32(0, size, le);
  if (version === 1) {
    dim.forEach((n, i) => view.setInt16(40 + 2 * i, n, le));
    view.setInt16(70, spec.datatype ?? 4, le);
    pixdim.forEach((v, i) => view.setFloat32(76 + 4 * i, v, le));
    view.setFloat32(108, voxOffset, le);
    view.setFloat32(112, spec.sclSlope ?? 1, le);
    view.setFloat32(116, spec.sclInter ?? 0, le);
    view.setUint8(123, spec.xyztUnits ?? 2);
    view.setInt16(252, spec.qformCode ?? 0, le);
    view.setInt16(254, spec.sformCode ?? 0, le);
    quatern.forEach((v, i) => view.setFloat32(256 + 4 * i, v, le));
    qoffset.forEach((v, i) => view.setFloat32(268 + 4 * i, v, le));
    srow.forEach((row, r) => row.forEach((v, c) => view.setFloat32(280 + 16 * r + 4 * c, v, le)));
    header.write(spec.magic ?? 'n+1\0', 344, 'latin1');
  } else {
    header.write(spec.magic ?? 'n+2\0\r\n\x1a\n', 4, 'latin1');
    view.setInt16(12, spec.datatype ?? 4, le);
    dim.forEach((n, i) => view.setBigInt64(16 + 8 * i, BigInt(n), le));
    pixdim.forEach((v, i) => view.setFloat64(104 + 8 * i, v, le));
    view.setBigInt64(168, BigInt(voxOffset), le);
    view.setFloat64(176, spec.sclSlope ?? 1, le);
    view.setFloat64(184, spec.sclInter ?? 0, le);
    view.setInt32(344, spec.qformCode ?? 0, le);
    view.setInt32(348, spec.sformCode ?? 0, le);
    quatern.forEach((v, i) => view.setFloat64(352 + 8 * i, v, le));
    qoffset.forEach((v, i) => view.setFloat64(376 + 8 * i, v, le));
    srow.forEach((row, r) => row.forEach((v, c) => view.setFloat64(400 + 32 * r + 8 * c, v, le)));
    view.setInt32(500, spec.xyztUnits ?? 2, le);
  }
  return Buffer.concat([header, payload]);
}

/** Voxel values as bytes of the given NIfTI datatype and byte order. */
function valueBytes(values: number[], datatype: number, littleEndian = true): Uint8Array {
  const writers: Record<number, [number, (v: DataView, at: number, x: number) => void]> = {
    2: [1, (v, at, x) => v.setUint8(at, x)],
    4: [2, (v, at, x) => v.setInt16(at, x, littleEndian)],
    8: [4, (v, at, x) => v.setInt32(at, x, littleEndian)],
    16: [4, (v, at, x) => v.setFloat32(at, x, littleEndian)],
    64: [8, (v, at, x) => v.setFloat64(at, x, littleEndian)],
    256: [1, (v, at, x) => v.setInt8(at, x)],
    512: [2, (v, at, x) => v.setUint16(at, x, littleEndian)],
    768: [4, (v, at, x) => v.setUint32(at, x, littleEndian)],
  };
  const [width, write] = writers[datatype];
  const bytes = new Uint8Array(values.length * width);
  const view = new DataView(bytes.buffer);
  values.forEach((x, i) => write(view, i * width, x));
  return bytes;
}

const SHORTS = [1, -2, 3, -4, 5, -6, 7, -8];
const SHORT_BYTES = valueBytes(SHORTS, 4);
/** A NIfTI-1 file of 2×2×2 int16 voxels with the given header fields. */
const shortFile = (spec: HeaderSpec = {}) => niftiFile({ datatype: 4, ...spec }, SHORT_BYTES);

/** The quaternion (b, c, d) of a rotation by `degrees` about the unit `axis`. */
function quaternion(axis: Vec3, degrees: number): number[] {
  const half = (degrees * Math.PI) / 360;
  return axis.map((v) => v * Math.sin(half));
}

/** Some oblique qform, for tests about something else. */
const QFORM_ANY: HeaderSpec = { qformCode: 1, quatern: quaternion([0, 1, 0], 33), qoffset: [1, 2, 3], pixdim: [1, 2, 2, 2] };

// ---------------------------------------------------------------------------------------------
// Round trip
// ---------------------------------------------------------------------------------------------

describe('encodeNifti / decodeNifti round trip', () => {
  const arrays: [string, () => VoxelArray][] = [
    ['int8', () => new Int8Array(24)],
    ['uint8', () => new Uint8Array(24)],
    ['int16', () => new Int16Array(24)],
    ['uint16', () => new Uint16Array(24)],
    ['int32', () => new Int32Array(24)],
    ['uint32', () => new Uint32Array(24)],
    ['float32', () => new Float32Array(24)],
    ['float64', () => new Float64Array(24)],
  ];
  for (const [name, create] of arrays) {
    for (const gzip of [false, true]) {
      test(`${name}, ${gzip ? 'gzip' : 'raw'}, oblique direction and non-zero origin`, () => {
        const volume = volumeOf(create());
        const decoded = decodeNifti(encodeNifti(volume, { gzip }), URI);
        assert.equal(decoded.data.constructor, volume.data.constructor);
        assert.deepEqual(Array.from(decoded.data), Array.from(volume.data));
        assert.deepEqual(decoded.size, volume.size);
        assertGeometry(decoded, volume);
      });
    }
  }

  test('extreme values of each integer type survive', () => {
    const volume = volumeOf(new Int32Array(24));
    volume.data.set([-2147483648, 2147483647, 0, -1]);
    assert.deepEqual(Array.from(decodeNifti(encodeNifti(volume), URI).data), Array.from(volume.data));
    const unsigned = volumeOf(new Uint32Array(24));
    unsigned.data.set([4294967295, 0, 1]);
    assert.deepEqual(Array.from(decodeNifti(encodeNifti(unsigned), URI).data), Array.from(unsigned.data));
    const doubles = volumeOf(new Float64Array(24));
    doubles.data.set([Math.PI, -1e300, NaN, Infinity]);
    assert.deepEqual(Array.from(decodeNifti(encodeNifti(doubles), URI).data), Array.from(doubles.data));
  });

  test('a left-handed (mirrored) direction round-trips, through the sform and through the qform alone', () => {
    const volume = volumeOf(new Int16Array(24), MIRRORED);
    const bytes = encodeNifti(volume);
    assertGeometry(decodeNifti(bytes, URI), volume);
    assert.equal(bytes.readFloatLE(76), -1, 'qfac = pixdim[0] = -1');
    const qformOnly = Buffer.from(bytes);
    qformOnly.writeInt16LE(0, 254); // sform_code 0: only the quaternion is left
    assertGeometry(decodeNifti(qformOnly, URI), volume);
  });

  test('the qform alone reproduces the oblique geometry', () => {
    const volume = volumeOf(new Float32Array(24));
    const qformOnly = encodeNifti(volume);
    qformOnly.writeInt16LE(0, 254);
    assertGeometry(decodeNifti(qformOnly, URI), volume);
  });

  test('encoding is deterministic and writes a NIfTI-1 header with qform and sform code 1', () => {
    const first = encodeNifti(volumeOf(new Int16Array(24)), { gzip: true });
    assert.deepEqual(first, encodeNifti(volumeOf(new Int16Array(24)), { gzip: true }));
    assert.deepEqual(encodeNifti(volumeOf(new Int16Array(24))), encodeNifti(volumeOf(new Int16Array(24))));
    const raw = encodeNifti(volumeOf(new Int16Array(24)));
    assert.equal(raw.readInt32LE(0), 348);
    assert.equal(raw.toString('latin1', 344, 348), 'n+1\0');
    assert.deepEqual([0, 1, 2, 3, 4].map((i) => raw.readInt16LE(40 + 2 * i)), [3, 4, 3, 2, 1]);
    assert.equal(raw.readInt16LE(70), 4); // INT16
    assert.equal(raw.readInt16LE(72), 16); // bitpix
    assert.equal(raw.readFloatLE(108), 352); // vox_offset
    assert.equal(raw.readInt16LE(252), 1); // qform_code
    assert.equal(raw.readInt16LE(254), 1); // sform_code
    assert.equal(raw.length, 352 + 48);
    // LPS → RAS: the sform offsets are (−x, −y, z) of the LPS origin.
    assertClose([raw.readFloatLE(292), raw.readFloatLE(308), raw.readFloatLE(324)], [110.5, -20.25, 63]);
  });

  test('volumes NIfTI-1 cannot describe are refused', () => {
    const volume = volumeOf(new Int16Array(24));
    assert.throws(() => encodeNifti({ ...volume, size: [4, 3, 3] }), RangeError);
    assert.throws(() => encodeNifti({ ...volume, spacing: [0.8, 0, 2.5] }), RangeError);
    assert.throws(() => encodeNifti({ ...volume, origin: [NaN, 0, 0] }), RangeError);
    const huge = { ...volume, size: [40000, 1, 1] as Vec3, data: new Int16Array(40000) };
    assert.throws(() => encodeNifti(huge), RangeError);
  });
});

// ---------------------------------------------------------------------------------------------
// Geometry: ITK's rules
// ---------------------------------------------------------------------------------------------

describe('decodeNifti geometry (ITK NiftiImageIO rules)', () => {
  // 90° about z with qfac −1: RAS columns (0,2,0), (−3,0,0), (0,0,−4).
  const QFORM_90: HeaderSpec = {
    qformCode: 1,
    quatern: quaternion([0, 0, 1], 90),
    qoffset: [10, 20, 30],
    pixdim: [-1, 2, 3, 4],
  };
  const QFORM_90_LPS = { spacing: [2, 3, 4] as Vec3, origin: [-10, -20, 30] as Vec3, direction: [0, 1, 0, -1, 0, 0, 0, 0, -1] as Mat3 };
  // Axes permuted and scaled: RAS columns (0,−1.5,0), (0,0,2), (2.5,0,0).
  const SFORM_PERMUTED = [[0, 0, 2.5, -7], [-1.5, 0, 0, 8], [0, 2, 0, 9]];
  const SFORM_PERMUTED_LPS = { spacing: [1.5, 2, 2.5] as Vec3, origin: [7, -8, 9] as Vec3, direction: [0, 0, -1, 1, 0, 0, 0, 1, 0] as Mat3 };

  test('qform only: quaternion → rotation, qfac from pixdim[0], RAS → LPS', () => {
    const volume = decodeNifti(shortFile(QFORM_90), URI);
    assertGeometry(volume, QFORM_90_LPS);
    assert.deepEqual(Array.from(volume.data), SHORTS);
  });

  test('qform with a 180° rotation (a = 0)', () => {
    const volume = decodeNifti(shortFile({ qformCode: 1, quatern: [1, 0, 0], pixdim: [1, 1, 1, 1] }), URI);
    // RAS diag(1, −1, −1) → LPS diag(−1, 1, −1).
    assertGeometry(volume, { spacing: [1, 1, 1], origin: [0, 0, 0], direction: [-1, 0, 0, 0, 1, 0, 0, 0, -1] });
  });

  test('sform only: direction from the normalised columns, spacing from pixdim', () => {
    const volume = decodeNifti(shortFile({ sformCode: 2, srow: SFORM_PERMUTED, pixdim: [1, 1.5, 2, 2.5] }), URI);
    assertGeometry(volume, SFORM_PERMUTED_LPS);
  });

  test('spacing always comes from pixdim, not from the sform column lengths (as in ITK)', () => {
    const volume = decodeNifti(shortFile({ sformCode: 1, srow: SFORM_PERMUTED, pixdim: [1, 1, 1, 1] }), URI);
    assertGeometry(volume, { ...SFORM_PERMUTED_LPS, spacing: [1, 1, 1] });
  });

  test('neither qform nor sform: pixdim spacing, zero origin, identity direction', () => {
    const spec: HeaderSpec = { pixdim: [1, 0.5, 0.75, 3], srow: SFORM_PERMUTED, qoffset: [5, 5, 5] };
    assertGeometry(decodeNifti(shortFile(spec), URI), { spacing: [0.5, 0.75, 3], origin: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] });
    // Negative codes mean "unknown" too (niftilib tests code > 0).
    const negative = decodeNifti(shortFile({ ...spec, qformCode: -1, sformCode: -2 }), URI);
    assert.deepEqual(negative.origin, [0, 0, 0]);
    // A pixdim of 0 (or NaN) counts as 1, as niftilib does.
    assert.deepEqual(decodeNifti(shortFile({ pixdim: [1, 0, NaN, 2] }), URI).spacing, [1, 1, 2]);
  });

  test('sform code 1 (scanner) wins over a different qform', () => {
    const spec = { ...QFORM_90, sformCode: 1, srow: SFORM_PERMUTED, pixdim: [-1, 1.5, 2, 2.5] };
    assertGeometry(decodeNifti(shortFile(spec), URI), SFORM_PERMUTED_LPS);
  });

  test('sform code 2+ that differs from the qform loses to the qform', () => {
    for (const sformCode of [2, 3, 4, 5]) {
      const volume = decodeNifti(shortFile({ ...QFORM_90, sformCode, srow: SFORM_PERMUTED }), URI);
      assertGeometry(volume, QFORM_90_LPS);
    }
  });

  test('sform code 2 that equals the qform within 1e-4 wins (its extra precision is kept)', () => {
    const sameAsQform = [[0, -3, 0, 10.00005], [2, 0, 0, 20], [0, 0, -4, 30]];
    const volume = decodeNifti(shortFile({ ...QFORM_90, sformCode: 2, srow: sameAsQform }), URI);
    assertClose(volume.origin, [-Math.fround(10.00005), -20, 30], 1e-12);
    const shifted = [[0, -3, 0, 10.5], [2, 0, 0, 20], [0, 0, -4, 30]];
    assertGeometry(decodeNifti(shortFile({ ...QFORM_90, sformCode: 2, srow: shifted }), URI), QFORM_90_LPS);
  });

  test('sform code 2 that only negates a qform column is not taken as the same grid', () => {
    const flipped = [[0, -3, 0, 10], [2, 0, 0, 20], [0, 0, 4, 30]];
    assertGeometry(decodeNifti(shortFile({ ...QFORM_90, sformCode: 2, srow: flipped }), URI), QFORM_90_LPS);
  });

  test('a sheared (non-orthonormal) sform falls back to the qform, or is refused without one', () => {
    const sheared = [[2, 1, 0, 0], [0, 3, 0, 0], [0, 0, 4, 0]];
    for (const sformCode of [1, 2]) {
      assertGeometry(decodeNifti(shortFile({ ...QFORM_90, sformCode, srow: sheared }), URI), QFORM_90_LPS);
    }
    assertCorrupt(decodeNifti, shortFile({ sformCode: 1, srow: sheared, pixdim: [1, 2, 3, 4] }), /not orthonormal/);
  });

  test('a negative pixdim gives a positive spacing and flips that direction column (ITK reader)', () => {
    const volume = decodeNifti(shortFile({ ...QFORM_90, pixdim: [-1, -2, 3, 4] }), URI);
    assertGeometry(volume, { ...QFORM_90_LPS, direction: [-0, 1, 0, 1, 0, 0, 0, 0, -1] });
    const plain = decodeNifti(shortFile({ pixdim: [1, 1, -2, 1] }), URI);
    assertGeometry(plain, { spacing: [1, 2, 1], origin: [0, 0, 0], direction: [1, 0, 0, 0, -1, 0, 0, 0, 1] });
  });

  test('xyzt_units: meters and microns are converted to mm (spacing and origin)', () => {
    const meters = decodeNifti(shortFile({ ...QFORM_90, xyztUnits: 1 | 8 }), URI);
    assertGeometry(meters, { ...QFORM_90_LPS, spacing: [2000, 3000, 4000], origin: [-10000, -20000, 30000] });
    const microns = decodeNifti(shortFile({ ...QFORM_90, xyztUnits: 3 }), URI);
    assertGeometry(microns, { ...QFORM_90_LPS, spacing: [0.002, 0.003, 0.004], origin: [-0.01, -0.02, 0.03] });
    assertGeometry(decodeNifti(shortFile({ ...QFORM_90, xyztUnits: 0 }), URI), QFORM_90_LPS);
  });

  test('NIfTI-2 uses the same rules, in double precision', () => {
    const exact = 1 / 3;
    const volume = decodeNifti(niftiFile({ version: 2, ...QFORM_90, qoffset: [exact, 20, 30] }, SHORT_BYTES), URI);
    assertGeometry(volume, { ...QFORM_90_LPS, origin: [-exact, -20, 30] }, 1e-15);
    const sform = decodeNifti(niftiFile({ version: 2, sformCode: 4, srow: SFORM_PERMUTED, pixdim: [1, 1.5, 2, 2.5] }, SHORT_BYTES), URI);
    assertGeometry(sform, SFORM_PERMUTED_LPS);
  });
});

// ---------------------------------------------------------------------------------------------
// Data: datatypes, byte order, scaling, offsets, dimensions
// ---------------------------------------------------------------------------------------------

describe('decodeNifti data', () => {
  test('every supported datatype gives its typed array', () => {
    const types: [number, Function, number[]][] = [
      [2, Uint8Array, [0, 255, 7, 8, 9, 10, 11, 12]],
      [256, Int8Array, [-128, 127, -1, 0, 1, 2, 3, 4]],
      [4, Int16Array, [-32768, 32767, -1, 0, 1, 2, 3, 4]],
      [512, Uint16Array, [0, 65535, 1, 2, 3, 4, 5, 6]],
      [8, Int32Array, [-2147483648, 2147483647, -1, 0, 1, 2, 3, 4]],
      [768, Uint32Array, [0, 4294967295, 1, 2, 3, 4, 5, 6]],
      [16, Float32Array, [0.5, -1.25, 3, 4, 5, 6, 7, 8]],
      [64, Float64Array, [Math.PI, -1e300, 3, 4, 5, 6, 7, 8]],
    ];
    for (const [datatype, constructor, values] of types) {
      for (const littleEndian of [true, false]) {
        const file = niftiFile({ datatype, littleEndian }, valueBytes(values, datatype, littleEndian));
        const volume = decodeNifti(file, URI);
        assert.equal(volume.data.constructor, constructor, `datatype ${datatype}`);
        assert.deepEqual(Array.from(volume.data), values, `datatype ${datatype}, ${littleEndian ? 'LE' : 'BE'}`);
      }
    }
  });

  test('big endian NIfTI-1 and NIfTI-2: header and data are byte-swapped', () => {
    for (const version of [1, 2] as const) {
      const file = niftiFile({ version, littleEndian: false, datatype: 4, pixdim: [1, 0.5, 0.75, 3] }, valueBytes(SHORTS, 4, false));
      assert.equal(file.readInt32BE(0), version === 1 ? 348 : 540);
      const volume = decodeNifti(file, URI);
      assert.deepEqual(Array.from(volume.data), SHORTS);
      assert.deepEqual(volume.spacing, [0.5, 0.75, 3]);
    }
  });

  test('scl_slope/scl_inter: integers become Float32Array, float64 stays Float64Array', () => {
    const scaled = decodeNifti(shortFile({ sclSlope: 2, sclInter: -1 }), URI);
    assert.ok(scaled.data instanceof Float32Array, 'scaled int16 gives Float32Array');
    assert.deepEqual(Array.from(scaled.data), SHORTS.map((v) => 2 * v - 1));

    const doubles = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8];
    const scaledDoubles = decodeNifti(niftiFile({ datatype: 64, sclSlope: 0.5, sclInter: 0.25 }, valueBytes(doubles, 64)), URI);
    assert.ok(scaledDoubles.data instanceof Float64Array, 'scaled float64 stays Float64Array');
    assert.deepEqual(Array.from(scaledDoubles.data), doubles.map((v) => v * 0.5 + 0.25));

    const floats = decodeNifti(niftiFile({ datatype: 16, sclSlope: 3 }, valueBytes(doubles, 16)), URI);
    assert.ok(floats.data instanceof Float32Array, 'scaled float32 stays Float32Array');
    assert.deepEqual(Array.from(floats.data), doubles.map((v) => Math.fround(Math.fround(v) * 3)));
  });

  test('scaling follows ITK: (1, 0), NaN and slope 0 alone mean no scaling; slope 0 with an intercept adds it', () => {
    for (const [sclSlope, sclInter] of [[1, 0], [0, 0], [NaN, NaN], [Infinity, 0]]) {
      const volume = decodeNifti(shortFile({ sclSlope, sclInter }), URI);
      assert.ok(volume.data instanceof Int16Array, `(${sclSlope}, ${sclInter})`);
      assert.deepEqual(Array.from(volume.data), SHORTS);
    }
    const interceptOnly = decodeNifti(shortFile({ sclSlope: 0, sclInter: 5 }), URI);
    assert.ok(interceptOnly.data instanceof Float32Array, 'intercept-only scaling gives Float32Array');
    assert.deepEqual(Array.from(interceptOnly.data), SHORTS.map((v) => v + 5));
  });

  test('scaled int32 values pass through float32 first, as in ITK', () => {
    const values = [16777217, 1, 2, 3, 4, 5, 6, 7];
    const volume = decodeNifti(niftiFile({ datatype: 8, sclInter: 0.5 }, valueBytes(values, 8)), URI);
    assert.equal(volume.data[0], 16777216);
    assert.equal(volume.data[1], 1.5);
  });

  test('vox_offset: data after extensions is found; an offset inside the header means right after it', () => {
    const withExtension = shortFile({ voxOffset: 400 });
    withExtension.fill(0x7f, 352, 400);
    withExtension.writeInt32LE(1, 348); // "extensions follow"
    assert.deepEqual(Array.from(decodeNifti(withExtension, URI).data), SHORTS);
    const atHeaderEnd = niftiFile({ voxOffset: 0 }, SHORT_BYTES); // niftilib reads at 348
    assert.deepEqual(Array.from(decodeNifti(atHeaderEnd, URI).data), SHORTS);
  });

  test('a 4D header with one time point is a 3D volume', () => {
    const volume = decodeNifti(shortFile({ dim: [4, 2, 2, 2, 1], pixdim: [1, 1, 2, 3, 0.5] }), URI);
    assert.deepEqual(volume.size, [2, 2, 2]);
    assert.deepEqual(volume.spacing, [1, 2, 3]);
    const withZero = decodeNifti(shortFile({ dim: [3, 2, 2, 0] }), URI.replace('case7', 'case8'));
    assert.deepEqual(withZero.size, [2, 2, 1]); // niftilib: a size of 0 within dim[0] means 1
  });

  test('gzip (.nii.gz) is recognised by its magic bytes', () => {
    const volume = decodeNifti(gzipSync(shortFile(QFORM_ANY)), URI);
    assert.deepEqual(Array.from(volume.data), SHORTS);
  });
});

describe('decodeNifti refuses what it cannot read', () => {
  const good = encodeNifti(volumeOf(new Int16Array(24)));
  const gzipped = encodeNifti(volumeOf(new Int16Array(24)), { gzip: true });

  test('garbage, empty and non-NIfTI files', () => {
    assertCorrupt(decodeNifti, new Uint8Array(0), /not a NIfTI file/);
    assertCorrupt(decodeNifti, Buffer.from('this is not an image at all'), /not a NIfTI file \(sizeof_hdr/);
    assertCorrupt(decodeNifti, encodeNrrd(volumeOf(new Int16Array(24))), /not a NIfTI file/);
    assertCorrupt(decodeNifti, shortFile({ magic: '\0\0\0\0' }), /Analyze 7.5 is not supported/);
    assertCorrupt(decodeNifti, niftiFile({ version: 2, magic: 'n+1\0' }, SHORT_BYTES), /bad magic/);
  });

  test('header/image pairs (ni1, ni2) are refused: their voxels live in another file', () => {
    assertCorrupt(decodeNifti, shortFile({ magic: 'ni1\0' }), /header\/image pair .* not supported/);
    assertCorrupt(decodeNifti, niftiFile({ version: 2, magic: 'ni2\0' }, SHORT_BYTES), /NIfTI-2 header\/image pair/);
  });

  test('truncated header, data and gzip stream', () => {
    assertCorrupt(decodeNifti, good.subarray(0, 200), /truncated header: a NIfTI-1 header has 348 bytes, the file 200/);
    assertCorrupt(decodeNifti, good.subarray(0, good.length - 10), /truncated data: expected 48 bytes at offset 352, got 38/);
    assertCorrupt(decodeNifti, good.subarray(0, 352), /truncated data: expected 48 bytes at offset 352, got 0/);
    assertCorrupt(decodeNifti, gzipped.subarray(0, gzipped.length - 12), /gzip data is truncated or corrupt/);
    const broken = Buffer.from(gzipped);
    broken.fill(0x55, 12);
    assertCorrupt(decodeNifti, broken, /gzip data is truncated or corrupt/);
  });

  test('4D (and higher) images are refused, saying so', () => {
    assertCorrupt(decodeNifti, niftiFile({ dim: [4, 2, 2, 2, 3] }, valueBytes(new Array(24).fill(0), 4)), /4D image \(2×2×2×3\): only 3D volumes are read/);
    assertCorrupt(decodeNifti, shortFile({ dim: [5, 2, 2, 2, 1, 3] }), /5D image \(2×2×2×1×3\)/);
    assertCorrupt(decodeNifti, niftiFile({ version: 2, dim: [4, 2, 2, 2, 2] }, SHORT_BYTES), /4D image/);
  });

  test('unsupported datatypes are named', () => {
    assertCorrupt(decodeNifti, shortFile({ datatype: 1024 }), /unsupported NIfTI datatype 1024 \(INT64\)/);
    assertCorrupt(decodeNifti, shortFile({ datatype: 1280 }), /datatype 1280 \(UINT64\)/);
    assertCorrupt(decodeNifti, shortFile({ datatype: 32 }), /datatype 32 \(COMPLEX64\)/);
    assertCorrupt(decodeNifti, shortFile({ datatype: 128 }), /datatype 128 \(RGB24\)/);
    assertCorrupt(decodeNifti, shortFile({ datatype: 1 }), /datatype 1 \(BINARY\)/);
    assertCorrupt(decodeNifti, shortFile({ datatype: 9999 }), /datatype 9999 \(not a NIfTI datatype\)/);
  });

  test('bad dimensions', () => {
    assertCorrupt(decodeNifti, shortFile({ dim: [2, 4, 2] }), /unsupported dimension 2 \(only 3D volumes are read\)/);
    assertCorrupt(decodeNifti, shortFile({ dim: [3, 0, 2, 2] }), /bad dim\[1\] 0/);
    assertCorrupt(decodeNifti, shortFile({ dim: [9, 2, 2, 2] }), /bad dim\[0\] 9/);
  });
});

// ---------------------------------------------------------------------------------------------
// Third-party files (nibabel-written; expected geometry from SimpleITK, see make_fixtures.py)
// ---------------------------------------------------------------------------------------------

interface FixtureExpectation {
  file: string;
  note: string;
  expected_from: string;
  size: Vec3;
  spacing: Vec3;
  origin: Vec3;
  direction: Mat3;
  array: string;
  samples: { index: Vec3; value: number }[];
}

describe('third-party NIfTI files (written by nibabel)', () => {
  const expectations: FixtureExpectation[] = JSON.parse(readFileSync(path.join(FIXTURES, 'expected.json'), 'utf8'));

  test('the fixture set covers qform-only, sform vs qform both ways, big endian scaled and NIfTI-2', () => {
    assert.equal(expectations.length, 5);
  });

  for (const expected of expectations) {
    test(`${expected.file}: ${expected.note}`, () => {
      const bytes = readFileSync(path.join(FIXTURES, expected.file));
      const uri = `file://${expected.file}`;
      for (const volume of [decodeNifti(bytes, uri), decodeVolume(bytes, uri)]) {
        assert.deepEqual(volume.size, expected.size);
        assert.equal(volume.data.constructor.name, expected.array);
        // NIfTI-1 matrices are computed in float32 as niftilib does, so ITK's numbers are matched
        // far more closely than the 1e-6 used elsewhere.
        assertGeometry(volume, expected, 1e-9);
        for (const { index, value } of expected.samples) {
          const [i, j, k] = index;
          assert.equal(volume.data[i + volume.size[0] * (j + volume.size[1] * k)], value, `voxel ${index}`);
        }
      }
    });
  }
});

// ---------------------------------------------------------------------------------------------
// decodeVolume: format by content
// ---------------------------------------------------------------------------------------------

describe('decodeVolume picks NRRD or NIfTI by content', () => {
  const volume = volumeOf(new Int16Array(24));

  test('NRRD, raw and gzip-encoded, and a whole-file gzipped NRRD', () => {
    for (const bytes of [encodeNrrd(volume), encodeNrrd(volume, { gzip: true }), gzipSync(encodeNrrd(volume))]) {
      const decoded = decodeVolume(bytes, URI);
      assert.deepEqual(Array.from(decoded.data), Array.from(volume.data));
      assertGeometry(decoded, volume, 1e-12);
    }
    assert.deepEqual(decodeVolume(encodeNrrd(volume), URI), decodeNrrd(encodeNrrd(volume), URI));
  });

  test('NIfTI-1 (.nii and .nii.gz) and NIfTI-2', () => {
    for (const bytes of [encodeNifti(volume), encodeNifti(volume, { gzip: true })]) {
      const decoded = decodeVolume(bytes, URI);
      assert.deepEqual(Array.from(decoded.data), Array.from(volume.data));
      assertGeometry(decoded, volume);
    }
    for (const littleEndian of [true, false]) {
      const nifti2 = niftiFile({ version: 2, littleEndian, ...QFORM_ANY }, valueBytes(SHORTS, 4, littleEndian));
      assert.deepEqual(Array.from(decodeVolume(nifti2, URI).data), SHORTS);
      assert.deepEqual(Array.from(decodeVolume(gzipSync(nifti2), URI).data), SHORTS);
    }
  });

  test('detectFormat', () => {
    assert.equal(detectFormat(encodeNrrd(volume)), 'nrrd');
    assert.equal(detectFormat(encodeNifti(volume)), 'nifti');
    assert.equal(detectFormat(shortFile({ magic: 'ni1\0' })), 'nifti');
    assert.equal(detectFormat(niftiFile({ version: 2, littleEndian: false }, SHORT_BYTES)), 'nifti');
    assert.equal(detectFormat(Buffer.from('DICM')), null);
  });

  test('errors of the format found are the decoder\'s own', () => {
    assertCorrupt(decodeVolume, shortFile({ magic: 'ni1\0' }), /header\/image pair/);
    assertCorrupt(decodeVolume, shortFile({ datatype: 1024 }), /INT64/);
    assertCorrupt(decodeVolume, Buffer.from('NRRD0004\ntype: short\n\n'), /missing field "dimension"/);
  });

  test('anything else is refused', () => {
    const unrecognized = /unrecognized image format \(expected NRRD or NIfTI\)/;
    assertCorrupt(decodeVolume, new Uint8Array(0), unrecognized);
    assertCorrupt(decodeVolume, Buffer.from('this is not an image at all'), unrecognized);
    assertCorrupt(decodeVolume, gzipSync(Buffer.from('gzipped, but still not an image')), unrecognized);
    assertCorrupt(decodeVolume, shortFile({ magic: '\0\0\0\0' }), unrecognized); // Analyze 7.5
    const dicom = Buffer.alloc(200);
    dicom.write('DICM', 128, 'latin1');
    assertCorrupt(decodeVolume, dicom, unrecognized);
    const gzipped = encodeNifti(volume, { gzip: true });
    assertCorrupt(decodeVolume, gzipped.subarray(0, gzipped.length - 12), /gzip data is truncated or corrupt/);
  });
});
