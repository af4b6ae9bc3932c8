/**
 * NRRD (https://teem.sourceforge.net/nrrd/format.html) reading and writing for 3D volumes.
 *
 * Reads: attached-header files NRRD0001..NRRD0005, `raw` or `gzip` encoding, little or big endian,
 * the scalar types listed in VOXEL_TYPES, geometry from `space directions` + `space origin`
 * (or the legacy `spacings`), in LPS, LAS or RAS space (converted to LPS as ITK does).
 * Writes: NRRD0004, little endian, LPS, raw or gzip; the same volume always gives the same bytes.
 * Anything it cannot read is a CorruptImageError whose message names the URI and the problem.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { CorruptImageError } from '../errors';
import type { Mat3, Vec3, Volume, VoxelArray } from './volume';
import { IDENTITY_DIRECTION, voxelCount } from './volume';
import { HOST_IS_LITTLE_ENDIAN, swapBytes, toVoxelArray } from './voxel-bytes';

/** A voxel type: its canonical NRRD name (used when writing), byte width and array constructor. */
interface VoxelType {
  name: string;
  bytes: number;
  create: (length: number) => VoxelArray;
}

const INT8: VoxelType = { name: 'signed char', bytes: 1, create: (n) => new Int8Array(n) };
const UINT8: VoxelType = { name: 'unsigned char', bytes: 1, create: (n) => new Uint8Array(n) };
const INT16: VoxelType = { name: 'short', bytes: 2, create: (n) => new Int16Array(n) };
const UINT16: VoxelType = { name: 'unsigned short', bytes: 2, create: (n) => new Uint16Array(n) };
const INT32: VoxelType = { name: 'int', bytes: 4, create: (n) => new Int32Array(n) };
const UINT32: VoxelType = { name: 'unsigned int', bytes: 4, create: (n) => new Uint32Array(n) };
const FLOAT32: VoxelType = { name: 'float', bytes: 4, create: (n) => new Float32Array(n) };
const FLOAT64: VoxelType = { name: 'double', bytes: 8, create: (n) => new Float64Array(n) };

/** Every `type:` spelling the NRRD specification allows for the types a Volume can hold. */
const VOXEL_TYPES = new Map<string, VoxelType>([
  ...aliases(INT8, ['signed char', 'int8', 'int8_t']),
  ...aliases(UINT8, ['uchar', 'unsigned char', 'uint8', 'uint8_t']),
  ...aliases(INT16, ['short', 'short int', 'signed short', 'signed short int', 'int16', 'int16_t']),
  ...aliases(UINT16, ['ushort', 'unsigned short', 'unsigned short int', 'uint16', 'uint16_t']),
  ...aliases(INT32, ['int', 'signed int', 'int32', 'int32_t']),
  ...aliases(UINT32, ['uint', 'unsigned int', 'uint32', 'uint32_t']),
  ...aliases(FLOAT32, ['float']),
  ...aliases(FLOAT64, ['double']),
]);

function aliases(type: VoxelType, names: string[]): [string, VoxelType][] {
  return names.map((name) => [name, type]);
}

/** Which physical axes a NRRD `space` must negate to become LPS. */
const SPACE_FLIPS = new Map<string, [flipX: boolean, flipY: boolean]>([
  ['left-posterior-superior', [false, false]],
  ['lps', [false, false]],
  ['left-anterior-superior', [false, true]],
  ['las', [false, true]],
  ['right-anterior-superior', [true, true]],
  ['ras', [true, true]],
]);


/** Makes the error for a problem with the file being decoded (the URI is added to the message). */
type Fail = (problem: string) => CorruptImageError;

// ---------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------

/** Decode an NRRD file (header attached) into a Volume in LPS coordinates. */
export function decodeNrrd(bytes: Uint8Array, uri: string): Volume {
  const fail = (problem: string) => new CorruptImageError(`${uri}: ${problem}`, uri);
  const { fields, dataOffset } = readHeader(bytes, fail);

  const typeName = requireField(fields, 'type', fail);
  const type = VOXEL_TYPES.get(typeName.toLowerCase());
  if (!type) throw fail(`unsupported NRRD type "${typeName}"`);
  const dimension = requireField(fields, 'dimension', fail);
  if (dimension !== '3') throw fail(`unsupported dimension ${dimension} (only 3D volumes are read)`);
  const size = parseSizes(requireField(fields, 'sizes', fail), fail);
  if (fields.has('data file') || fields.has('datafile')) throw fail('detached data files are not supported');

  const { spacing, origin, direction } = parseGeometry(fields, fail);
  const littleEndian = parseEndian(fields, type, fail);

  const payload = readPayload(bytes, dataOffset, fields, fail);
  const expected = voxelCount(size) * type.bytes;
  if (payload.length < expected) throw fail(`truncated data: expected ${expected} bytes, got ${payload.length}`);
  const data = toVoxelArray(payload.subarray(0, expected), type, littleEndian);
  return { data, size, spacing, origin, direction };
}

/** Split the header into fields (keys lower-cased) and find where the data starts. */
function readHeader(bytes: Uint8Array, fail: Fail) {
  const magic = Buffer.from(bytes.subarray(0, 8)).toString('latin1');
  if (!/^NRRD000[1-5]$/.test(magic)) throw fail(`not an NRRD file (bad magic ${JSON.stringify(magic)})`);

  const end = findBlankLine(bytes);
  if (end < 0) throw fail('header is not terminated by a blank line');
  const lines = Buffer.from(bytes.subarray(0, end)).toString('latin1').split(/\r?\n/);

  const fields = new Map<string, string>();
  for (const line of lines.slice(1)) {
    if (line === '' || line.startsWith('#')) continue;
    if (/^[^:]*:=/.test(line)) continue; // key/value pairs (`key:=value`) carry no geometry
    const colon = line.indexOf(': ');
    if (colon <= 0) throw fail(`malformed header line ${JSON.stringify(line)}`);
    fields.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 2).trim());
  }
  return { fields, dataOffset: dataStart(bytes, end) };
}

/** Index of the newline that ends the header (the first "\n\n" or "\n\r\n"), or -1. */
function findBlankLine(bytes: Uint8Array): number {
  for (let i = 0; i + 1 < bytes.length; i++) {
    if (bytes[i] !== 0x0a) continue;
    if (bytes[i + 1] === 0x0a) return i;
    if (bytes[i + 1] === 0x0d && bytes[i + 2] === 0x0a) return i;
  }
  return -1;
}

/** First byte after the blank line found by findBlankLine. */
function dataStart(bytes: Uint8Array, newlineAt: number): number {
  return bytes[newlineAt + 1] === 0x0a ? newlineAt + 2 : newlineAt + 3;
}

function requireField(fields: Map<string, string>, name: string, fail: Fail): string {
  const value = fields.get(name);
  if (value === undefined) throw fail(`missing field "${name}"`);
  return value;
}

function parseSizes(text: string, fail: Fail): Vec3 {
  const sizes = text.split(/\s+/).map(Number);
  if (sizes.length !== 3 || !sizes.every((n) => Number.isInteger(n) && n > 0)) {
    throw fail(`bad sizes "${text}" (expected three positive integers)`);
  }
  return sizes as Vec3;
}

/** Spacing, origin and direction in LPS, from `space directions`/`space origin` or `spacings`. */
function parseGeometry(fields: Map<string, string>, fail: Fail) {
  const spaceName = fields.get('space')?.toLowerCase() ?? 'left-posterior-superior';
  const flips = SPACE_FLIPS.get(spaceName);
  if (!flips) throw fail(`unsupported space "${fields.get('space')}"`);

  let spacing: Vec3 = [1, 1, 1];
  let direction: Mat3 = [...IDENTITY_DIRECTION];
  const directionsText = fields.get('space directions');
  if (directionsText !== undefined) {
    ({ spacing, direction } = parseSpaceDirections(directionsText, fail));
  } else if (fields.has('spacings')) {
    spacing = parseSpacings(fields.get('spacings')!, fail);
  }
  const originText = fields.get('space origin');
  const origin: Vec3 = originText === undefined ? [0, 0, 0] : parseVector(originText, 'space origin', fail);

  // Negating a physical axis negates that coordinate of the origin and that row of the direction.
  for (const axis of [0, 1]) {
    if (!flips[axis]) continue;
    origin[axis] = -origin[axis];
    for (let column = 0; column < 3; column++) direction[axis * 3 + column] = -direction[axis * 3 + column];
  }
  return { spacing, origin, direction };
}

/** Each vector is one axis step: spacing = its length, direction column = vector / length. */
function parseSpaceDirections(text: string, fail: Fail) {
  const vectors = text.match(/\([^)]*\)|none/g) ?? [];
  if (vectors.length !== 3 || vectors.includes('none')) throw fail(`bad space directions "${text}"`);
  const spacing: Vec3 = [0, 0, 0];
  const direction: Mat3 = [0, 0, 0, 0, 0, 0, 0, 0, 0];
  vectors.forEach((vectorText, column) => {
    const v = parseVector(vectorText, 'space directions', fail);
    const length = Math.hypot(v[0], v[1], v[2]);
    if (!(length > 0)) throw fail(`bad space directions "${text}" (axis ${column} has zero length)`);
    spacing[column] = length;
    for (let row = 0; row < 3; row++) direction[row * 3 + column] = v[row] / length;
  });
  return { spacing, direction };
}

function parseSpacings(text: string, fail: Fail): Vec3 {
  const values = text.split(/\s+/).map(Number);
  if (values.length !== 3 || !values.every((v) => Number.isFinite(v) && v > 0)) {
    throw fail(`bad spacings "${text}" (expected three positive numbers)`);
  }
  return values as Vec3;
}

/** Parse "(x,y,z)" into three finite numbers. */
function parseVector(text: string, field: string, fail: Fail): Vec3 {
  const match = /^\(([^)]*)\)$/.exec(text.trim());
  const values = match ? match[1].split(',').map((part) => Number(part.trim())) : [];
  if (values.length !== 3 || !values.every(Number.isFinite)) throw fail(`bad ${field} "${text}"`);
  return values as Vec3;
}

/** The encoded data bytes after the header (after `line skip`/`byte skip`), decompressed. */
function readPayload(
  bytes: Uint8Array,
  dataOffset: number,
  fields: Map<string, string>,
  fail: Fail,
): Uint8Array {
  const encodingName = requireField(fields, 'encoding', fail);
  const encoding = encodingName.toLowerCase();
  if (encoding !== 'raw' && encoding !== 'gzip' && encoding !== 'gz') {
    throw fail(`unsupported encoding "${encodingName}" (only raw and gzip are read)`);
  }
  const data = bytes.subarray(skipLines(bytes, dataOffset, fields, fail));
  const byteSkip = Number(fields.get('byte skip') ?? '0');
  if (!Number.isInteger(byteSkip) || byteSkip < -1) throw fail(`bad byte skip "${fields.get('byte skip')}"`);
  if (encoding === 'raw') return byteSkip === -1 ? data : data.subarray(byteSkip);
  if (byteSkip === -1) throw fail('byte skip -1 is only allowed with raw encoding');
  return gunzip(data, fail).subarray(byteSkip);
}

function skipLines(bytes: Uint8Array, offset: number, fields: Map<string, string>, fail: Fail) {
  const lineSkip = Number(fields.get('line skip') ?? '0');
  if (!Number.isInteger(lineSkip) || lineSkip < 0) throw fail(`bad line skip "${fields.get('line skip')}"`);
  let position = offset;
  for (let line = 0; line < lineSkip; line++) {
    const newline = bytes.indexOf(0x0a, position);
    if (newline < 0) throw fail(`truncated data: cannot skip ${lineSkip} lines`);
    position = newline + 1;
  }
  return position;
}

function gunzip(data: Uint8Array, fail: Fail): Uint8Array {
  try {
    return gunzipSync(data);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw fail(`gzip data is truncated or corrupt (${reason})`);
  }
}

/** True for little endian data; single-byte types need no `endian` field. */
function parseEndian(fields: Map<string, string>, type: VoxelType, fail: Fail): boolean {
  const endian = fields.get('endian')?.toLowerCase();
  if (endian === undefined) {
    if (type.bytes === 1) return true;
    throw fail('missing field "endian"');
  }
  if (endian !== 'little' && endian !== 'big') throw fail(`bad endian "${fields.get('endian')}"`);
  return endian === 'little';
}

// ---------------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------------

/** Fixed gzip level: the same volume must always give the same bytes. */
const GZIP_LEVEL = 6;

/** Encode a volume as NRRD0004: LPS, little endian, raw or gzip (Node writes gzip mtime 0). */
export function encodeNrrd(volume: Volume, options: { gzip?: boolean } = {}): Buffer {
  const gzip = options.gzip ?? false;
  if (volume.data.length !== voxelCount(volume.size)) {
    throw new RangeError(`volume has ${volume.data.length} voxels but size ${volume.size.join('×')}`);
  }
  const payload = littleEndianBytes(volume.data);
  const header = nrrdHeader(volume, gzip ? 'gzip' : 'raw');
  const body = gzip ? gzipSync(payload, { level: GZIP_LEVEL }) : payload;
  return Buffer.concat([Buffer.from(header, 'latin1'), body]);
}

function nrrdHeader(volume: Volume, encoding: 'raw' | 'gzip'): string {
  const { size, spacing, origin, direction } = volume;
  // Axis vector j = spacing[j] × direction column j.
  const axisVector = (j: number) => [0, 1, 2].map((row) => spacing[j] * direction[row * 3 + j]);
  const vector = (v: readonly number[]) => `(${v.map(formatNumber).join(',')})`;
  return [
    'NRRD0004',
    '# Written by radiogenomics (activities/imaging/nrrd.ts)',
    `type: ${typeNameOf(volume.data)}`,
    'dimension: 3',
    'space: left-posterior-superior',
    `sizes: ${size.join(' ')}`,
    `space directions: ${[0, 1, 2].map((j) => vector(axisVector(j))).join(' ')}`,
    'kinds: domain domain domain',
    'endian: little',
    `encoding: ${encoding}`,
    `space origin: ${vector(origin)}`,
    '',
    '',
  ].join('\n');
}

/** Shortest text that parses back to the same double ("-0" written as "0"). */
function formatNumber(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`cannot write non-finite geometry value ${value}`);
  return Object.is(value, -0) ? '0' : String(value);
}

function typeNameOf(data: VoxelArray): string {
  if (data instanceof Int8Array) return INT8.name;
  if (data instanceof Uint8Array) return UINT8.name;
  if (data instanceof Int16Array) return INT16.name;
  if (data instanceof Uint16Array) return UINT16.name;
  if (data instanceof Int32Array) return INT32.name;
  if (data instanceof Uint32Array) return UINT32.name;
  if (data instanceof Float32Array) return FLOAT32.name;
  return FLOAT64.name;
}

/** The voxel bytes in little endian order (a copy). */
function littleEndianBytes(data: VoxelArray): Buffer {
  const bytes = Buffer.from(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  if (!HOST_IS_LITTLE_ENDIAN) swapBytes(bytes, data.BYTES_PER_ELEMENT);
  return bytes;
}
