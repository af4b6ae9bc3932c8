/**
 * NIfTI (https://nifti.nimh.nih.gov/) reading and writing for 3D volumes.
 *
 * Reads: single-file NIfTI-1 (`n+1`) and NIfTI-2 (`n+2`) images, plain (.nii) or gzipped (.nii.gz,
 * recognised by the gzip magic bytes), little or big endian, the datatypes listed in DATATYPES.
 * A 4D (or higher) header whose extra dimensions are all 1 is read as 3D; anything with more than
 * one time point or component is refused. Header/image pairs (`ni1`, .hdr + .img) and Analyze 7.5
 * files are refused: their voxels live in another file.
 * Writes: NIfTI-1, little endian, qform and sform both set (code 1, scanner anatomical) from the
 * same geometry, raw or gzip; the same volume always gives the same bytes.
 * Anything it cannot read is a CorruptImageError whose message names the URI and the problem.
 *
 * Geometry follows ITK's NiftiImageIO (Modules/IO/NIFTI/src/itkNiftiImageIO.cxx, identical in
 * ITK 5.4.x and ITK master as of 2026-08, with niftilib's nifti1_io.c), which is what SimpleITK
 * and PyRadiomics see:
 *
 * - spacing is always pixdim[1..3] (a 0 or non-finite pixdim counts as 1, as niftilib does), scaled
 *   to mm by the xyzt_units space code (meters ×1000, microns ×0.001, mm or unknown ×1). It is NOT
 *   taken from the lengths of the sform columns. A negative pixdim gives a positive spacing and
 *   negates that direction column (ITK's ImageFileReader does this).
 * - the transform (ITK's SetImageIOOrientationFromNIfTI), with codes ≤ 0 meaning "unknown":
 *   1. neither sform_code nor qform_code > 0: origin 0, identity direction (no RAS→LPS flip).
 *   2. otherwise the sform is "decomposable" when sform_code > 0 and its 3×3 part, columns
 *      normalised, is orthonormal (R·Rᵀ equal to I within 1e-4 per element); ITK also requires
 *      IsAffine(), which for a last row of (0,0,0,1) only asks that the matrix be invertible,
 *      already implied. A decomposable sform is used when
 *        a. qform_code ≤ 0, or
 *        b. sform_code is 1 (NIFTI_XFORM_SCANNER_ANAT), whatever the qform says, or
 *        c. qform_code > 0 and the sform and qform are "very similar": singular values, offsets and
 *           directions each equal within 1e-4 (see "very similar" below).
 *      Otherwise the qform is used when qform_code > 0 (quaternion b, c, d with a = √(1−b²−c²−d²),
 *      qfac = −1 when pixdim[0] < 0, which negates the third column, and the offsets).
 *      A non-orthonormal sform with no qform is refused, as ITK refuses it ("ITK only supports
 *      orthonormal direction cosines") with its default ITK_NIFTI_IO_SFORM_PERMISSIVE=OFF.
 *   3. the chosen matrix (NIfTI RAS) becomes LPS: direction column j = matrix column j, first two
 *      rows negated, then normalised; origin = (−t_x, −t_y, t_z), scaled like the spacing.
 *   NIfTI-1 matrices are single precision (float32), and are computed as niftilib computes them
 *   (each entry rounded to float32), so directions match ITK's to rounding (1e-16 on the fixtures).
 * - very similar: ITK compares the singular values of the two 3×3 parts (1e-4), their offsets
 *   (1e-4), and, for the rotations, checks that U_sform·U_qformᵀ is the identity (1e-4), where U is
 *   the left factor of an SVD (vnl/LINPACK in ITK 5.4, Eigen in ITK master). Its code comment gives
 *   the intent, "sform_3x3 * inv(qform_3x3) is approximately an identity matrix". U is only defined
 *   up to column signs (and up to any rotation when spacings are equal), so ITK's literal test is
 *   implementation-dependent: in SimpleITK 2.5.7 (ITK 5.4) a sform that equals the qform with some
 *   columns negated was taken as "very similar" in all 16 hand-made cases but only 4 of 9
 *   randomised ones, and for isotropic spacing even a 1e-6 rotation could fail the test. Here the
 *   intent is implemented: very similar when the singular values agree within 1e-4, the offsets
 *   within 1e-4, and each normalised sform column equals the normalised qform column within 1e-4.
 *   This agrees with SimpleITK whenever the two forms differ by a rotation, a shift or a scale (the
 *   sform loses), and whenever they are equal; it keeps the qform where ITK 5.4 sometimes takes a
 *   column-flipped or column-permuted sform, and it takes the sform where ITK might reject a sform
 *   that differs by less than 1e-4 (the two geometries then agree to that tolerance anyway).
 * - NIfTI-2 is not read by ITK (its vendored niftilib is NIfTI-1 only); the same rules are applied
 *   to its double precision fields, as nifti2_io would.
 *
 * Intensities: scl_slope/scl_inter are applied as ITK does. A non-finite slope or intercept counts
 * as 0 (niftilib), a slope of 0 counts as 1, and scaling happens unless the result is (1, 0): so a
 * slope of 0 with a non-zero intercept still adds the intercept, as in ITK (nibabel would ignore
 * both). Scaled voxels are floats: Float64Array for float64 data, Float32Array for every other
 * datatype (integers are converted to float32 first, then value·slope + intercept is computed in
 * double and stored as float32), which is SimpleITK's sitkFloat32 / sitkFloat64. Non-finite float
 * voxels are kept (ITK master; ITK 5.4's niftilib replaced them with 0).
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { CorruptImageError } from '../errors';
import type { Mat3, Vec3, Volume, VoxelArray } from './volume';
import { IDENTITY_DIRECTION, voxelCount } from './volume';
import { HOST_IS_LITTLE_ENDIAN, swapBytes, toVoxelArray } from './voxel-bytes';

/** A NIfTI datatype a Volume can hold: its code, name, byte width and array constructor. */
interface VoxelType {
  code: number;
  name: string;
  bytes: number;
  create: (length: number) => VoxelArray;
}

const UINT8: VoxelType = { code: 2, name: 'UINT8', bytes: 1, create: (n) => new Uint8Array(n) };
const INT16: VoxelType = { code: 4, name: 'INT16', bytes: 2, create: (n) => new Int16Array(n) };
const INT32: VoxelType = { code: 8, name: 'INT32', bytes: 4, create: (n) => new Int32Array(n) };
const FLOAT32: VoxelType = { code: 16, name: 'FLOAT32', bytes: 4, create: (n) => new Float32Array(n) };
const FLOAT64: VoxelType = { code: 64, name: 'FLOAT64', bytes: 8, create: (n) => new Float64Array(n) };
const INT8: VoxelType = { code: 256, name: 'INT8', bytes: 1, create: (n) => new Int8Array(n) };
const UINT16: VoxelType = { code: 512, name: 'UINT16', bytes: 2, create: (n) => new Uint16Array(n) };
const UINT32: VoxelType = { code: 768, name: 'UINT32', bytes: 4, create: (n) => new Uint32Array(n) };

const DATATYPES = new Map<number, VoxelType>(
  [UINT8, INT16, INT32, FLOAT32, FLOAT64, INT8, UINT16, UINT32].map((type) => [type.code, type]),
);

/** Names of the NIfTI datatypes that are refused, for the error message. */
const UNSUPPORTED_DATATYPES = new Map<number, string>([
  [0, 'UNKNOWN'],
  [1, 'BINARY'],
  [32, 'COMPLEX64'],
  [128, 'RGB24'],
  [1024, 'INT64'],
  [1280, 'UINT64'],
  [1536, 'FLOAT128'],
  [1792, 'COMPLEX128'],
  [2048, 'COMPLEX256'],
  [2304, 'RGBA32'],
]);

const NIFTI1_HEADER_SIZE = 348;
const NIFTI2_HEADER_SIZE = 540;
const XFORM_SCANNER_ANAT = 1;

/** Makes the error for a problem with the file being decoded (the URI is added to the message). */
type Fail = (problem: string) => CorruptImageError;

/** Row-major 3×4: the upper three rows of a NIfTI ijk → xyz (RAS, mm) matrix. */
type Mat34 = [number[], number[], number[]];

/** The header fields this reader uses, whatever the version and byte order. */
interface NiftiHeader {
  version: 1 | 2;
  littleEndian: boolean;
  dim: number[];
  datatype: number;
  pixdim: number[];
  voxOffset: number;
  sclSlope: number;
  sclInter: number;
  qformCode: number;
  sformCode: number;
  quatern: Vec3;
  qoffset: Vec3;
  srow: Mat34;
  xyztUnits: number;
}

// ---------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------

/** Decode a single-file NIfTI-1 or NIfTI-2 image (optionally gzipped) into a Volume in LPS. */
export function decodeNifti(bytes: Uint8Array, uri: string): Volume {
  const fail = (problem: string) => new CorruptImageError(`${uri}: ${problem}`, uri);
  const file = isGzip(bytes) ? gunzip(bytes, fail) : bytes;
  const header = readHeader(file, fail);

  const type = DATATYPES.get(header.datatype);
  if (!type) {
    const name = UNSUPPORTED_DATATYPES.get(header.datatype) ?? 'not a NIfTI datatype';
    throw fail(`unsupported NIfTI datatype ${header.datatype} (${name})`);
  }
  const size = readSize(header.dim, fail);
  const { spacing, origin, direction } = readGeometry(header, fail);

  const headerSize = header.version === 1 ? NIFTI1_HEADER_SIZE : NIFTI2_HEADER_SIZE;
  const offset = header.voxOffset >= headerSize ? header.voxOffset : headerSize; // niftilib's rule
  const expected = voxelCount(size) * type.bytes;
  const available = Math.max(0, file.length - offset);
  if (available < expected) {
    throw fail(`truncated data: expected ${expected} bytes at offset ${offset}, got ${available}`);
  }
  const raw = toVoxelArray(file.subarray(offset, offset + expected), type, header.littleEndian);
  const data = rescale(raw, header.sclSlope, header.sclInter);
  return { data, size, spacing, origin, direction };
}

/** True when the bytes start with the gzip magic (1f 8b). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

function gunzip(data: Uint8Array, fail: Fail): Uint8Array {
  try {
    return gunzipSync(data);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw fail(`gzip data is truncated or corrupt (${reason})`);
  }
}

/** Find the version and byte order from sizeof_hdr and the magic, then read the fields. */
function readHeader(file: Uint8Array, fail: Fail): NiftiHeader {
  if (file.length < 4) throw fail(`not a NIfTI file (${file.length} bytes)`);
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  for (const [version, headerSize] of [[1, NIFTI1_HEADER_SIZE], [2, NIFTI2_HEADER_SIZE]] as const) {
    for (const littleEndian of [true, false]) {
      if (view.getInt32(0, littleEndian) !== headerSize) continue;
      if (file.length < headerSize) {
        throw fail(`truncated header: a NIfTI-${version} header has ${headerSize} bytes, the file ${file.length}`);
      }
      checkMagic(file, version, fail);
      const header = version === 1 ? readNifti1(view, littleEndian) : readNifti2(view, littleEndian);
      // niftilib decides the byte order from dim[0] (1..7); sizeof_hdr must agree with it.
      if (!(header.dim[0] >= 1 && header.dim[0] <= 7)) throw fail(`bad dim[0] ${header.dim[0]} (expected 1 to 7)`);
      return header;
    }
  }
  throw fail('not a NIfTI file (sizeof_hdr is neither 348 nor 540)');
}

/** The magic must say single-file NIfTI of the version that sizeof_hdr announced. */
function checkMagic(file: Uint8Array, version: 1 | 2, fail: Fail) {
  const at = version === 1 ? 344 : 4;
  const magic = Buffer.from(file.subarray(at, at + 4)).toString('latin1');
  if (magic === `n+${version}\0`) return;
  if (magic === `ni${version}\0`) {
    throw fail(`a NIfTI-${version} header/image pair (.hdr + .img): detached image files are not supported`);
  }
  if (version === 1) throw fail(`not a NIfTI file (bad magic ${JSON.stringify(magic)}; Analyze 7.5 is not supported)`);
  throw fail(`not a NIfTI file (bad magic ${JSON.stringify(magic)})`);
}

function readNifti1(view: DataView, le: boolean): NiftiHeader {
  const f32 = (at: number) => view.getFloat32(at, le);
  return {
    version: 1,
    littleEndian: le,
    dim: Array.from({ length: 8 }, (_, i) => view.getInt16(40 + 2 * i, le)),
    datatype: view.getInt16(70, le),
    pixdim: Array.from({ length: 8 }, (_, i) => f32(76 + 4 * i)),
    voxOffset: Math.trunc(f32(108)),
    sclSlope: f32(112),
    sclInter: f32(116),
    xyztUnits: view.getUint8(123),
    qformCode: view.getInt16(252, le),
    sformCode: view.getInt16(254, le),
    quatern: [f32(256), f32(260), f32(264)],
    qoffset: [f32(268), f32(272), f32(276)],
    srow: [0, 1, 2].map((row) => [0, 1, 2, 3].map((col) => f32(280 + 16 * row + 4 * col))) as Mat34,
  };
}

function readNifti2(view: DataView, le: boolean): NiftiHeader {
  const f64 = (at: number) => view.getFloat64(at, le);
  const i64 = (at: number) => Number(view.getBigInt64(at, le)); // exact for any real image size
  return {
    version: 2,
    littleEndian: le,
    dim: Array.from({ length: 8 }, (_, i) => i64(16 + 8 * i)),
    datatype: view.getInt16(12, le),
    pixdim: Array.from({ length: 8 }, (_, i) => f64(104 + 8 * i)),
    voxOffset: i64(168),
    sclSlope: f64(176),
    sclInter: f64(184),
    qformCode: view.getInt32(344, le),
    sformCode: view.getInt32(348, le),
    quatern: [f64(352), f64(360), f64(368)],
    qoffset: [f64(376), f64(384), f64(392)],
    srow: [0, 1, 2].map((row) => [0, 1, 2, 3].map((col) => f64(400 + 32 * row + 8 * col))) as Mat34,
    xyztUnits: view.getInt32(500, le),
  };
}

/** nx, ny, nz; dimensions past the third must all be 1 (a 4D image with one time point is 3D). */
function readSize(dim: number[], fail: Fail): Vec3 {
  const rank = dim[0];
  if (rank < 3) throw fail(`unsupported dimension ${rank} (only 3D volumes are read)`);
  if (dim[1] <= 0) throw fail(`bad dim[1] ${dim[1]}`);
  // niftilib: a non-positive size inside the declared rank means 1.
  const sizes = dim.slice(1, rank + 1).map((n) => (n <= 0 ? 1 : n));
  let realRank = rank;
  while (realRank > 3 && sizes[realRank - 1] === 1) realRank--;
  if (realRank > 3) {
    throw fail(`${realRank}D image (${sizes.slice(0, realRank).join('×')}): only 3D volumes are read`);
  }
  return [sizes[0], sizes[1], sizes[2]];
}

/** Spacing, origin and direction in LPS, by ITK's rules (see the file comment). */
function readGeometry(header: NiftiHeader, fail: Fail) {
  const scale = spaceUnitScale(header.xyztUnits);
  // niftilib sets a 0 or non-finite pixdim to 1 (for every dimension in the declared rank).
  const pixdim = [1, 2, 3].map((i) => {
    const value = header.pixdim[i];
    return value === 0 || !Number.isFinite(value) ? 1 : value;
  });
  const matrix = chooseTransform(header, pixdim, fail);

  let direction: Mat3 = [...IDENTITY_DIRECTION];
  let origin: Vec3 = [0, 0, 0];
  if (matrix) {
    origin = [-matrix[0][3] * scale, -matrix[1][3] * scale, matrix[2][3] * scale];
    direction = [0, 0, 0, 0, 0, 0, 0, 0, 0];
    for (let col = 0; col < 3; col++) {
      // RAS → LPS: negate the x and y rows; then normalise the column (ITK's Normalize()).
      const column = [-matrix[0][col], -matrix[1][col], matrix[2][col]];
      const length = Math.hypot(column[0], column[1], column[2]);
      for (let row = 0; row < 3; row++) direction[row * 3 + col] = column[row] / length;
    }
  }
  const spacing = pixdim.map((d) => d * scale) as Vec3;
  // ITK's ImageFileReader: a negative spacing becomes positive and flips its direction column.
  for (let col = 0; col < 3; col++) {
    if (spacing[col] >= 0) continue;
    spacing[col] = -spacing[col];
    for (let row = 0; row < 3; row++) direction[row * 3 + col] = -direction[row * 3 + col];
  }
  return { spacing, origin, direction };
}

/** mm per unit of the xyzt_units space code, as ITK reads it (unknown counts as mm). */
function spaceUnitScale(xyztUnits: number): number {
  switch (xyztUnits & 0x07) {
    case 1: // NIFTI_UNITS_METER
      return 1e3;
    case 3: // NIFTI_UNITS_MICRON
      return 1e-3;
    default: // NIFTI_UNITS_MM, NIFTI_UNITS_UNKNOWN and anything else
      return 1;
  }
}

/**
 * The ijk → RAS matrix ITK uses (sform or qform), or null when neither is set.
 * Follows NiftiImageIO::SetImageIOOrientationFromNIfTI step by step.
 */
function chooseTransform(header: NiftiHeader, pixdim: number[], fail: Fail): Mat34 | null {
  const hasSform = header.sformCode > 0;
  const hasQform = header.qformCode > 0;
  if (!hasSform && !hasQform) return null;

  // For NIfTI-1, niftilib keeps these matrices in single precision.
  const round = header.version === 1 ? Math.fround : (x: number) => x;
  const finite = (x: number) => (Number.isFinite(x) ? x : 0); // niftilib's FIXED_FLOAT
  // niftilib: without a qform, qto_xyz is diag(pixdim) with no offset; without a sform, sto_xyz is 0.
  const quatern = header.quatern.map(finite) as Vec3;
  const qoffset = header.qoffset.map(finite) as Vec3;
  const qform: Mat34 = hasQform
    ? quaternToMatrix(quatern, qoffset, pixdim, header.pixdim[0], round)
    : ([[pixdim[0], 0, 0, 0], [0, pixdim[1], 0, 0], [0, 0, pixdim[2], 0]].map((row) => row.map(round)) as Mat34);
  const sform: Mat34 = hasSform
    ? (header.srow.map((row) => row.map(round)) as Mat34)
    : [[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]];

  // ITK first compares the two element by element; without a sform the last rows differ (0 vs 1).
  let preferSform = hasSform && elementwiseSimilar(sform, qform);
  if (hasSform) {
    if (isDecomposable(sform)) {
      if (!hasQform || header.sformCode === XFORM_SCANNER_ANAT) preferSform = true;
      else preferSform = verySimilar(sform, qform);
    }
    // A non-orthonormal sform is only "corrected" in ITK's permissive mode, which is off by default.
  }
  if (preferSform) return sform;
  if (hasQform) return qform;
  throw fail(
    `sform (code ${header.sformCode}) is not orthonormal and there is no qform: ` +
      'ITK only supports orthonormal direction cosines',
  );
}

/** niftilib's nifti_quatern_to_mat44 (qfac from pixdim[0]; non-positive pixdim counts as 1). */
function quaternToMatrix(
  quatern: Vec3,
  offset: Vec3,
  pixdim: number[],
  pixdim0: number,
  round: (x: number) => number,
): Mat34 {
  let [b, c, d] = quatern;
  let a = 1 - (b * b + c * c + d * d);
  if (a < 1e-7) {
    // 180° rotation: normalise (b, c, d).
    const norm = 1 / Math.sqrt(b * b + c * c + d * d);
    b *= norm;
    c *= norm;
    d *= norm;
    a = 0;
  } else {
    a = Math.sqrt(a);
  }
  const [xd, yd] = [pixdim[0] > 0 ? pixdim[0] : 1, pixdim[1] > 0 ? pixdim[1] : 1];
  let zd = pixdim[2] > 0 ? pixdim[2] : 1;
  if (pixdim0 < 0) zd = -zd; // qfac = -1: left-handed
  return [
    [(a * a + b * b - c * c - d * d) * xd, 2 * (b * c - a * d) * yd, 2 * (b * d + a * c) * zd, offset[0]],
    [2 * (b * c + a * d) * xd, (a * a + c * c - b * b - d * d) * yd, 2 * (c * d - a * b) * zd, offset[1]],
    [2 * (b * d - a * c) * xd, 2 * (c * d + a * b) * yd, (a * a + d * d - c * c - b * b) * zd, offset[2]],
  ].map((row) => row.map(round)) as Mat34;
}

/** ITK's qform_sform_are_similar: 3×3 parts within 1e-5, translations within 1e-7 (1-norm). */
function elementwiseSimilar(s: Mat34, q: Mat34): boolean {
  for (let row = 0; row < 3; row++) {
    for (let col = 0; col < 3; col++) if (Math.abs(s[row][col] - q[row][col]) > 1e-5) return false;
  }
  const translation = [0, 1, 2].reduce((sum, row) => sum + Math.abs(s[row][3] - q[row][3]), 0);
  return translation <= 1e-7;
}

/** The 3×3 part with each column scaled to unit length (a zero column stays zero, as in vnl). */
function normalizedColumns(m: Mat34): number[][] {
  const columns = [0, 1, 2].map((col) => [m[0][col], m[1][col], m[2][col]]);
  return columns.map((v) => {
    const length = Math.hypot(v[0], v[1], v[2]);
    return length === 0 ? v : v.map((x) => x / length);
  });
}

/** ITK's sform_decomposable_without_skew: normalised columns orthonormal within 1e-4. */
function isDecomposable(sform: Mat34): boolean {
  const columns = normalizedColumns(sform);
  // R·Rᵀ with R's columns = `columns`: entry (i, j) = Σ_k columns[k][i]·columns[k][j].
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      const value = columns.reduce((sum, v) => sum + v[i] * v[j], 0);
      if (Math.abs(value - (i === j ? 1 : 0)) > 1e-4) return false;
    }
  }
  return true;
}

/** ITK's sform_and_qform_are_very_similar, as its comment intends it (see the file comment). */
function verySimilar(s: Mat34, q: Mat34): boolean {
  const sValues = singularValues(s);
  const qValues = singularValues(q);
  if (!sValues.every((v, i) => Math.abs(v - qValues[i]) <= 1e-4)) return false;
  if (![0, 1, 2].every((row) => Math.abs(s[row][3] - q[row][3]) <= 1e-4)) return false;
  const qColumns = normalizedColumns(q);
  return normalizedColumns(s).every((v, col) => v.every((x, row) => Math.abs(x - qColumns[col][row]) <= 1e-4));
}

/** Singular values of the 3×3 part, largest first (square roots of the eigenvalues of MᵀM). */
function singularValues(m: Mat34): number[] {
  const g = [0, 1, 2].map((i) => [0, 1, 2].map((j) => m[0][i] * m[0][j] + m[1][i] * m[1][j] + m[2][i] * m[2][j]));
  return symmetricEigenvalues(g).map((v) => Math.sqrt(Math.max(0, v)));
}

/** Eigenvalues of a symmetric 3×3 matrix, largest first (trigonometric closed form). */
function symmetricEigenvalues(a: number[][]): number[] {
  const offDiagonal = a[0][1] ** 2 + a[0][2] ** 2 + a[1][2] ** 2;
  const mean = (a[0][0] + a[1][1] + a[2][2]) / 3;
  const spread = (a[0][0] - mean) ** 2 + (a[1][1] - mean) ** 2 + (a[2][2] - mean) ** 2 + 2 * offDiagonal;
  if (spread === 0) return [mean, mean, mean];
  const p = Math.sqrt(spread / 6);
  const b = a.map((row, i) => row.map((x, j) => (x - (i === j ? mean : 0)) / p));
  const det =
    b[0][0] * (b[1][1] * b[2][2] - b[1][2] * b[2][1]) -
    b[0][1] * (b[1][0] * b[2][2] - b[1][2] * b[2][0]) +
    b[0][2] * (b[1][0] * b[2][1] - b[1][1] * b[2][0]);
  const phi = Math.acos(Math.min(1, Math.max(-1, det / 2))) / 3;
  const largest = mean + 2 * p * Math.cos(phi);
  const smallest = mean + 2 * p * Math.cos(phi + (2 * Math.PI) / 3);
  return [largest, 3 * mean - largest - smallest, smallest];
}

/**
 * Apply scl_slope/scl_inter as ITK's NiftiImageIO does (MustRescale, RescaleFunction): float64
 * data stays Float64Array, everything else becomes Float32Array.
 */
function rescale(data: VoxelArray, sclSlope: number, sclInter: number): VoxelArray {
  let slope = Number.isFinite(sclSlope) ? sclSlope : 0;
  const intercept = Number.isFinite(sclInter) ? sclInter : 0;
  if (Math.abs(slope) < Number.EPSILON) slope = 1;
  const mustRescale = Math.abs(slope - 1) > Number.EPSILON || Math.abs(intercept) > Number.EPSILON;
  if (!mustRescale) return data;
  // Float32Array.from converts integers to float32 first (ITK's CastCopy<float>); each result is
  // computed in double and rounded to the array's precision on store (RescaleFunction).
  const scaled = data instanceof Float64Array ? new Float64Array(data) : Float32Array.from(data);
  for (let i = 0; i < scaled.length; i++) scaled[i] = scaled[i] * slope + intercept;
  return scaled;
}

// ---------------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------------

/** Fixed gzip level: the same volume must always give the same bytes. */
const GZIP_LEVEL = 6;
/** Data starts after the 348-byte header and the 4-byte "no extensions" flag. */
const VOX_OFFSET = 352;
/** NIFTI_UNITS_MM | NIFTI_UNITS_SEC, as ITK writes. */
const XYZT_UNITS_MM_SEC = 2 | 8;

/**
 * Encode a volume as single-file NIfTI-1, little endian, raw or gzip (Node writes gzip mtime 0).
 * qform and sform (both code 1, scanner anatomical) describe the same grid in RAS; the sform
 * carries the exact float32 matrix, the qform its nearest rotation. Geometry is stored in single
 * precision, so it reads back to about 1e-7 relative.
 */
export function encodeNifti(volume: Volume, options: { gzip?: boolean } = {}): Buffer {
  const gzip = options.gzip ?? false;
  const { data, size, spacing, origin, direction } = volume;
  if (data.length !== voxelCount(size)) {
    throw new RangeError(`volume has ${data.length} voxels but size ${size.join('×')}`);
  }
  if (!size.every((n) => Number.isInteger(n) && n >= 1 && n <= 32767)) {
    throw new RangeError(`NIfTI-1 cannot hold size ${size.join('×')} (each side 1 to 32767)`);
  }
  if (!spacing.every((s) => Number.isFinite(s) && s > 0)) {
    throw new RangeError(`cannot write spacing ${spacing.join(', ')} (expected positive numbers)`);
  }
  if (![...origin, ...direction].every(Number.isFinite)) throw new RangeError('cannot write non-finite geometry');

  const type = voxelTypeOf(data);
  const header = Buffer.alloc(VOX_OFFSET); // the 4 bytes after the header stay 0: no extensions
  header.writeInt32LE(NIFTI1_HEADER_SIZE, 0);
  [3, size[0], size[1], size[2], 1, 1, 1, 1].forEach((n, i) => header.writeInt16LE(n, 40 + 2 * i));
  header.writeInt16LE(type.code, 70);
  header.writeInt16LE(type.bytes * 8, 72);

  // LPS → RAS: negate the first two rows of the direction and the first two origin components.
  const affine: Mat34 = [0, 1, 2].map((row) => {
    const sign = row < 2 ? -1 : 1;
    return [0, 1, 2].map((col) => sign * direction[row * 3 + col] * spacing[col]).concat(sign * origin[row]);
  }) as Mat34;
  const rotation = [0, 1, 2].map((row) => [0, 1, 2].map((col) => (row < 2 ? -1 : 1) * direction[row * 3 + col]));
  const { quatern, qfac } = matrixToQuatern(rotation);

  const writeFloat = (value: number, at: number) => header.writeFloatLE(value + 0, at); // "+ 0" turns -0 into 0
  [qfac, spacing[0], spacing[1], spacing[2], 1, 1, 1, 1].forEach((v, i) => writeFloat(v, 76 + 4 * i));
  writeFloat(VOX_OFFSET, 108);
  writeFloat(1, 112); // scl_slope
  writeFloat(0, 116); // scl_inter
  header.writeUInt8(XYZT_UNITS_MM_SEC, 123);
  header.write('radiogenomics', 148, 'latin1'); // descrip
  header.writeInt16LE(XFORM_SCANNER_ANAT, 252); // qform_code
  header.writeInt16LE(XFORM_SCANNER_ANAT, 254); // sform_code
  quatern.forEach((v, i) => writeFloat(v, 256 + 4 * i));
  [0, 1, 2].forEach((row) => writeFloat(affine[row][3], 268 + 4 * row)); // qoffset_x/y/z
  affine.forEach((row, r) => row.forEach((v, c) => writeFloat(v, 280 + 16 * r + 4 * c))); // srow_x/y/z
  header.write('n+1\0', 344, 'latin1');

  const file = Buffer.concat([header, littleEndianBytes(data)]);
  return gzip ? gzipSync(file, { level: GZIP_LEVEL }) : file;
}

/**
 * niftilib's nifti_mat44_to_quatern for a 3×3 matrix with unit columns: the nearest rotation
 * (polar decomposition), qfac = -1 with the third column negated when it is a reflection, then
 * the quaternion (b, c, d), sign chosen so that a ≥ 0.
 */
function matrixToQuatern(m: number[][]): { quatern: Vec3; qfac: number } {
  const r = polarRotation(m);
  const det =
    r[0][0] * (r[1][1] * r[2][2] - r[1][2] * r[2][1]) -
    r[0][1] * (r[1][0] * r[2][2] - r[1][2] * r[2][0]) +
    r[0][2] * (r[1][0] * r[2][1] - r[1][1] * r[2][0]);
  const qfac = det > 0 ? 1 : -1;
  if (qfac < 0) for (const row of r) row[2] = -row[2];
  const [[r11, r12, r13], [r21, r22, r23], [r31, r32, r33]] = r;
  let a = r11 + r22 + r33 + 1;
  let b: number;
  let c: number;
  let d: number;
  if (a > 0.5) {
    a = 0.5 * Math.sqrt(a);
    b = (0.25 * (r32 - r23)) / a;
    c = (0.25 * (r13 - r31)) / a;
    d = (0.25 * (r21 - r12)) / a;
  } else {
    const xd = 1 + r11 - (r22 + r33);
    const yd = 1 + r22 - (r11 + r33);
    const zd = 1 + r33 - (r11 + r22);
    if (xd > 1) {
      b = 0.5 * Math.sqrt(xd);
      c = (0.25 * (r12 + r21)) / b;
      d = (0.25 * (r13 + r31)) / b;
      a = (0.25 * (r32 - r23)) / b;
    } else if (yd > 1) {
      c = 0.5 * Math.sqrt(yd);
      b = (0.25 * (r12 + r21)) / c;
      d = (0.25 * (r23 + r32)) / c;
      a = (0.25 * (r13 - r31)) / c;
    } else {
      d = 0.5 * Math.sqrt(zd);
      b = (0.25 * (r13 + r31)) / d;
      c = (0.25 * (r23 + r32)) / d;
      a = (0.25 * (r21 - r12)) / d;
    }
    if (a < 0) [b, c, d] = [-b, -c, -d];
  }
  return { quatern: [b, c, d], qfac };
}

/** The orthogonal matrix nearest to `m` (Higham's scaled Newton iteration, as nifti_mat33_polar). */
function polarRotation(m: number[][]): number[][] {
  let x = m.map((row) => [...row]);
  for (let iteration = 0; iteration < 100; iteration++) {
    const y = inverse3(x);
    if (!y) break; // singular: keep what we have (the direction was degenerate to begin with)
    const next = x.map((row, i) => row.map((v, j) => 0.5 * (v + y[j][i])));
    const change = next.reduce((sum, row, i) => sum + row.reduce((s, v, j) => s + Math.abs(v - x[i][j]), 0), 0);
    x = next;
    if (change < 1e-14) break;
  }
  return x;
}

function inverse3(m: number[][]): number[][] | null {
  const [[a, b, c], [d, e, f], [g, h, i]] = m;
  const det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
  if (det === 0 || !Number.isFinite(det)) return null;
  return [
    [(e * i - f * h) / det, (c * h - b * i) / det, (b * f - c * e) / det],
    [(f * g - d * i) / det, (a * i - c * g) / det, (c * d - a * f) / det],
    [(d * h - e * g) / det, (b * g - a * h) / det, (a * e - b * d) / det],
  ];
}

function voxelTypeOf(data: VoxelArray): VoxelType {
  if (data instanceof Int8Array) return INT8;
  if (data instanceof Uint8Array) return UINT8;
  if (data instanceof Int16Array) return INT16;
  if (data instanceof Uint16Array) return UINT16;
  if (data instanceof Int32Array) return INT32;
  if (data instanceof Uint32Array) return UINT32;
  if (data instanceof Float32Array) return FLOAT32;
  return FLOAT64;
}

/** The voxel bytes in little endian order (a copy). */
function littleEndianBytes(data: VoxelArray): Buffer {
  const bytes = Buffer.from(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  if (!HOST_IS_LITTLE_ENDIAN) swapBytes(bytes, data.BYTES_PER_ELEMENT);
  return bytes;
}
