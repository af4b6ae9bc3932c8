/**
 * Test support: read a NumPy .npy file (format 1.0/2.0/3.0, little-endian float or int, C or Fortran order).
 * Enough for the PyRadiomics matrix baselines.
 */
import { readFileSync } from 'node:fs';

export interface NpyArray {
  shape: number[];
  /** Values as stored (use `at` for indexing). */
  data: Float64Array;
  /** Value at a multi-index. */
  at(...index: number[]): number;
}

export function readNpy(path: string): NpyArray {
  const bytes = readFileSync(path);
  if (bytes.toString('latin1', 1, 6) !== 'NUMPY') throw new Error(`${path}: not a .npy file`);
  const major = bytes[6];
  const headerLength = major === 1 ? bytes.readUInt16LE(8) : bytes.readUInt32LE(8);
  const headerStart = major === 1 ? 10 : 12;
  const header = bytes.toString('latin1', headerStart, headerStart + headerLength);
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*True/.test(header);
  const shape = (/'shape':\s*\(([^)]*)\)/.exec(header)?.[1] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  const body = bytes.subarray(headerStart + headerLength);
  const count = shape.reduce((a, b) => a * b, 1);
  const data = new Float64Array(count);
  const readers: Record<string, (i: number) => number> = {
    '<f8': (i) => body.readDoubleLE(i * 8),
    '<f4': (i) => body.readFloatLE(i * 4),
    '<i8': (i) => Number(body.readBigInt64LE(i * 8)),
    '<i4': (i) => body.readInt32LE(i * 4),
  };
  const read = readers[descr ?? ''];
  if (!read) throw new Error(`${path}: dtype ${descr} is not supported`);
  for (let i = 0; i < count; i++) data[i] = read(i);
  // C order: the last axis is fastest; Fortran order: the first.
  const strides = shape.map((_, axis) =>
    fortran ? shape.slice(0, axis).reduce((a, b) => a * b, 1) : shape.slice(axis + 1).reduce((a, b) => a * b, 1),
  );
  return { shape, data, at: (...index) => data[index.reduce((sum, v, axis) => sum + v * strides[axis], 0)] };
}
