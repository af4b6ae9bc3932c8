import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { CorruptImageError } from '../../activities/errors';
import { decodeNrrd, encodeNrrd } from '../../activities/imaging/nrrd';
import type { Mat3, Volume, VoxelArray } from '../../activities/imaging/volume';
import { readReferenceVolume } from '../support/pyradiomics-reference';

const URI = 'file:///data/case7_image.nrrd';

/** A 30° rotation about z: a non-identity, orthonormal direction matrix. */
const ROTATED: Mat3 = [Math.cos(Math.PI / 6), -Math.sin(Math.PI / 6), 0, Math.sin(Math.PI / 6), Math.cos(Math.PI / 6), 0, 0, 0, 1];

function volumeOf<T extends VoxelArray>(data: T): Volume<T> {
  for (let i = 0; i < data.length; i++) data[i] = ((i * 37) % 101) - 50; // mixed signs where allowed
  return { data, size: [4, 3, 2], spacing: [0.8, 0.9, 2.5], origin: [-10.5, 20.25, 3], direction: ROTATED };
}

function assertClose(actual: readonly number[], expected: readonly number[], tolerance = 1e-12) {
  assert.equal(actual.length, expected.length);
  actual.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) <= tolerance, `index ${i}: ${v} vs ${expected[i]}`));
}

/** An NRRD file with the given header lines (after the magic) and payload bytes. */
function nrrdFile(headerLines: string[], payload: Uint8Array, magic = 'NRRD0004'): Buffer {
  return Buffer.concat([Buffer.from([magic, ...headerLines, '', ''].join('\n'), 'latin1'), payload]);
}

const BASIC_HEADER = ['type: short', 'dimension: 3', 'sizes: 2 2 2', 'endian: little', 'encoding: raw'];
const SHORTS = new Int16Array([1, -2, 3, -4, 5, -6, 7, -8]);
const SHORT_BYTES = new Uint8Array(SHORTS.buffer);

function assertCorrupt(bytes: Uint8Array, problem: RegExp) {
  assert.throws(
    () => decodeNrrd(bytes, URI),
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

describe('encodeNrrd / decodeNrrd round trip', () => {
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
      test(`${name}, ${gzip ? 'gzip' : 'raw'}`, () => {
        const volume = volumeOf(create());
        const decoded = decodeNrrd(encodeNrrd(volume, { gzip }), URI);
        assert.equal(decoded.data.constructor, volume.data.constructor);
        assert.deepEqual(Array.from(decoded.data), Array.from(volume.data));
        assert.deepEqual(decoded.size, volume.size);
        assertClose(decoded.spacing, volume.spacing);
        assertClose(decoded.origin, volume.origin);
        assertClose(decoded.direction, volume.direction);
      });
    }
  }

  test('encoding is deterministic and writes an LPS, little-endian header', () => {
    const volume = volumeOf(new Int16Array(24));
    const first = encodeNrrd(volume, { gzip: true });
    assert.deepEqual(first, encodeNrrd(volumeOf(new Int16Array(24)), { gzip: true }));
    const header = first.subarray(0, first.indexOf('\n\n')).toString('latin1');
    assert.match(header, /^NRRD0004\n/);
    assert.match(header, /\nspace: left-posterior-superior\n/);
    assert.match(header, /\nendian: little\n/);
    assert.match(header, /\nencoding: gzip\n/);
    assert.match(header, /\nsizes: 4 3 2\n/);
  });
});

describe('decodeNrrd header variants', () => {
  test('type aliases', () => {
    for (const type of ['short', 'int16', 'int16_t', 'signed short', 'short int', 'signed short int']) {
      const volume = decodeNrrd(nrrdFile([`type: ${type}`, ...BASIC_HEADER.slice(1)], SHORT_BYTES), URI);
      assert.ok(volume.data instanceof Int16Array, type);
      assert.deepEqual(Array.from(volume.data), Array.from(SHORTS));
    }
    const aliases: [string, Function][] = [
      ['uchar', Uint8Array], ['unsigned char', Uint8Array], ['uint8', Uint8Array], ['signed char', Int8Array],
      ['int8', Int8Array], ['ushort', Uint16Array], ['unsigned short', Uint16Array], ['uint16', Uint16Array],
      ['int', Int32Array], ['int32', Int32Array], ['signed int', Int32Array], ['uint', Uint32Array],
      ['unsigned int', Uint32Array], ['uint32_t', Uint32Array], ['float', Float32Array], ['double', Float64Array],
    ];
    for (const [type, constructor] of aliases) {
      const bytes = new Uint8Array(8 * (constructor as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT);
      const volume = decodeNrrd(nrrdFile([`type: ${type}`, ...BASIC_HEADER.slice(1)], bytes), URI);
      assert.equal(volume.data.constructor, constructor, type);
    }
  });

  test('big endian data is byte-swapped', () => {
    const big = Buffer.alloc(16);
    SHORTS.forEach((v, i) => big.writeInt16BE(v, i * 2));
    const header = ['type: short', 'dimension: 3', 'sizes: 2 2 2', 'endian: big', 'encoding: raw'];
    assert.deepEqual(Array.from(decodeNrrd(nrrdFile(header, big), URI).data), Array.from(SHORTS));
    const doubles = Buffer.alloc(64);
    for (let i = 0; i < 8; i++) doubles.writeDoubleBE(i + 0.25, i * 8);
    const doubleHeader = ['type: double', 'dimension: 3', 'sizes: 2 2 2', 'endian: big', 'encoding: gz'];
    const volume = decodeNrrd(nrrdFile(doubleHeader, gzipSync(doubles)), URI);
    assert.deepEqual(Array.from(volume.data), [0.25, 1.25, 2.25, 3.25, 4.25, 5.25, 6.25, 7.25]);
  });

  test('older magics, comments, key/value pairs and CRLF lines are accepted', () => {
    const header = ['# a comment', 'content: test:=ignored', 'test:=value', ...BASIC_HEADER];
    for (const magic of ['NRRD0001', 'NRRD0003', 'NRRD0005']) {
      const volume = decodeNrrd(nrrdFile(header, SHORT_BYTES, magic), URI);
      assert.deepEqual(Array.from(volume.data), Array.from(SHORTS));
    }
    const crlf = Buffer.concat([Buffer.from(['NRRD0004', ...BASIC_HEADER, '', ''].join('\r\n'), 'latin1'), SHORT_BYTES]);
    assert.deepEqual(Array.from(decodeNrrd(crlf, URI).data), Array.from(SHORTS));
  });

  test('space directions give spacing (vector lengths) and direction (unit columns)', () => {
    const header = [
      ...BASIC_HEADER,
      'space: left-posterior-superior',
      'space directions: (0,2,0) (-3,0,0) (0,0,4)',
      'space origin: (1,2,3)',
    ];
    const volume = decodeNrrd(nrrdFile(header, SHORT_BYTES), URI);
    assert.deepEqual(volume.spacing, [2, 3, 4]);
    assert.deepEqual(volume.direction, [0, -1, 0, 1, 0, 0, 0, 0, 1]);
    assert.deepEqual(volume.origin, [1, 2, 3]);
  });

  test('RAS space is converted to LPS (first two axes negated)', () => {
    for (const space of ['right-anterior-superior', 'RAS']) {
      const header = [...BASIC_HEADER, `space: ${space}`, 'space directions: (2,0,0) (0,3,0) (0,0,4)', 'space origin: (1,2,3)'];
      const volume = decodeNrrd(nrrdFile(header, SHORT_BYTES), URI);
      assert.deepEqual(volume.spacing, [2, 3, 4]);
      assert.deepEqual(volume.origin, [-1, -2, 3]);
      assert.deepEqual(volume.direction, [-1, -0, -0, -0, -1, -0, 0, 0, 1]);
    }
  });

  test('legacy spacings are used when there are no space directions', () => {
    const volume = decodeNrrd(nrrdFile([...BASIC_HEADER, 'spacings: 0.5 0.75 3'], SHORT_BYTES), URI);
    assert.deepEqual(volume.spacing, [0.5, 0.75, 3]);
    assert.deepEqual(volume.origin, [0, 0, 0]);
    assert.deepEqual(volume.direction, [1, 0, 0, 0, 1, 0, 0, 0, 1]);
  });

  test('single-byte types need no endian field', () => {
    const header = ['type: uint8', 'dimension: 3', 'sizes: 2 2 2', 'encoding: raw'];
    assert.deepEqual(Array.from(decodeNrrd(nrrdFile(header, new Uint8Array(8).fill(7)), URI).data), new Array(8).fill(7));
  });
});

describe('decodeNrrd refuses what it cannot read', () => {
  const good = encodeNrrd(volumeOf(new Int16Array(24)), { gzip: true });
  const raw = encodeNrrd(volumeOf(new Int16Array(24)));

  test('garbage and empty files', () => {
    assertCorrupt(Buffer.from('this is not an image at all\n\n'), /bad magic/);
    assertCorrupt(new Uint8Array(0), /bad magic/);
    assertCorrupt(Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0]), /bad magic/);
  });

  test('truncated raw and gzip data', () => {
    assertCorrupt(raw.subarray(0, raw.length - 10), /truncated data: expected 48 bytes, got 38/);
    assertCorrupt(good.subarray(0, good.length - 12), /gzip data is truncated or corrupt/);
    assertCorrupt(good.subarray(0, good.indexOf('\n\n') + 2), /gzip data is truncated or corrupt/);
    assertCorrupt(good.subarray(0, 40), /header is not terminated/);
  });

  test('corrupt gzip stream', () => {
    const broken = Buffer.from(good);
    broken.fill(0x55, broken.indexOf('\n\n') + 12);
    assertCorrupt(broken, /gzip data is truncated or corrupt/);
  });

  test('bad headers', () => {
    const without = (name: string) => BASIC_HEADER.filter((line) => !line.startsWith(name));
    assertCorrupt(nrrdFile(without('type'), SHORT_BYTES), /missing field "type"/);
    assertCorrupt(nrrdFile(without('sizes'), SHORT_BYTES), /missing field "sizes"/);
    assertCorrupt(nrrdFile(without('dimension'), SHORT_BYTES), /missing field "dimension"/);
    assertCorrupt(nrrdFile(without('endian'), SHORT_BYTES), /missing field "endian"/);
    assertCorrupt(nrrdFile(without('encoding'), SHORT_BYTES), /missing field "encoding"/);
    assertCorrupt(nrrdFile(['type: int64', ...BASIC_HEADER.slice(1)], SHORT_BYTES), /unsupported NRRD type "int64"/);
    assertCorrupt(nrrdFile(['type: constructor', ...BASIC_HEADER.slice(1)], SHORT_BYTES), /unsupported NRRD type/);
    assertCorrupt(nrrdFile([...without('encoding'), 'encoding: bzip2'], SHORT_BYTES), /unsupported encoding "bzip2"/);
    assertCorrupt(nrrdFile([...without('dimension'), 'dimension: 2'], SHORT_BYTES), /unsupported dimension 2/);
    assertCorrupt(nrrdFile([...without('sizes'), 'sizes: 2 2'], SHORT_BYTES), /bad sizes "2 2"/);
    assertCorrupt(nrrdFile([...without('sizes'), 'sizes: 2 -2 2'], SHORT_BYTES), /bad sizes/);
    assertCorrupt(nrrdFile([...without('endian'), 'endian: middle'], SHORT_BYTES), /bad endian "middle"/);
    assertCorrupt(nrrdFile([...BASIC_HEADER, 'space: scanner-xyz'], SHORT_BYTES), /unsupported space "scanner-xyz"/);
    assertCorrupt(nrrdFile([...BASIC_HEADER, 'space directions: (1,0,0) (0,1,0)'], SHORT_BYTES), /bad space directions/);
    assertCorrupt(nrrdFile([...BASIC_HEADER, 'space directions: (1,0,0) (0,0,0) (0,0,1)'], SHORT_BYTES), /zero length/);
    assertCorrupt(nrrdFile([...BASIC_HEADER, 'space origin: (1,x,0)'], SHORT_BYTES), /bad space origin/);
    assertCorrupt(nrrdFile([...BASIC_HEADER, 'data file: other.raw'], SHORT_BYTES), /detached data files/);
    assertCorrupt(nrrdFile([...BASIC_HEADER, 'no separator here'], SHORT_BYTES), /malformed header line/);
  });
});

describe('PyRadiomics test images', () => {
  test('brain1: 256×256×25 short image, int label with 4137 voxels of label 1', () => {
    const { volume: image } = readReferenceVolume('brain1_image');
    const { volume: label } = readReferenceVolume('brain1_label');
    assert.deepEqual(image.size, [256, 256, 25]);
    assert.ok(image.data instanceof Int16Array);
    assert.ok(label.data instanceof Int32Array);
    assertClose(image.spacing, [0.78125, 0.78125, 6.5]);
    assertClose(image.direction, [1, 0, 0, 0, -1, 0, 0, 0, 1]);
    assertClose(image.origin, [-99.609375, 99.609375, -78]);
    assert.equal(label.data.filter((v) => v === 1).length, 4137);
    const reencoded = decodeNrrd(encodeNrrd(label, { gzip: true }), 'file:///tmp/copy.nrrd');
    assert.deepEqual(reencoded.data, label.data);
    assert.deepEqual(reencoded.direction, label.direction);
  });

  test('breast1: 45×120×21 with 143 voxels of label 1', () => {
    const { volume: label } = readReferenceVolume('breast1_label');
    assert.deepEqual(label.size, [45, 120, 21]);
    assertClose(label.spacing, [0.664062, 0.664062, 2.1]);
    assert.equal(label.data.filter((v) => v === 1).length, 143);
  });
});
