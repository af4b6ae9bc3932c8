/** Raw voxel bytes → typed arrays, shared by the NRRD and NIfTI readers. */
import { endianness } from 'node:os';
import type { VoxelArray } from './volume';

export const HOST_IS_LITTLE_ENDIAN = endianness() === 'LE';

/** What the readers need to know of a voxel type: its width and how to make an array of it. */
export interface VoxelStorage {
  bytes: number;
  create(count: number): VoxelArray;
}

/** Copy bytes into a fresh, aligned typed array, swapping byte order when the file's differs. */
export function toVoxelArray(payload: Uint8Array, type: VoxelStorage, littleEndian: boolean): VoxelArray {
  const data = type.create(payload.length / type.bytes);
  const target = new Uint8Array(data.buffer);
  target.set(payload);
  if (littleEndian !== HOST_IS_LITTLE_ENDIAN) swapBytes(target, type.bytes);
  return data;
}

/** Reverse the byte order of every `width`-byte element, in place. */
export function swapBytes(bytes: Uint8Array, width: number): void {
  if (width === 1) return;
  for (let start = 0; start < bytes.length; start += width) bytes.subarray(start, start + width).reverse();
}
