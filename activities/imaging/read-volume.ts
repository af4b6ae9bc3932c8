/**
 * Read a volume whatever its format, told apart by content (never by the URI's extension):
 * NRRD (magic "NRRD"), NIfTI-1 ("n+1\0" or "ni1\0" at byte 344) or NIfTI-2 (sizeof_hdr 540, either
 * byte order), each possibly gzipped as a whole file (.nii.gz, .nrrd.gz). Anything else is a
 * CorruptImageError naming the URI.
 */
import { gunzipSync } from 'node:zlib';
import { CorruptImageError } from '../errors';
import { decodeNifti, isGzip } from './nifti';
import { decodeNrrd } from './nrrd';
import type { Volume } from './volume';

export type VolumeFormat = 'nrrd' | 'nifti';

/** Decode an image or mask file into a Volume in LPS coordinates. */
export function decodeVolume(bytes: Uint8Array, uri: string): Volume {
  const fail = (problem: string) => new CorruptImageError(`${uri}: ${problem}`, uri);
  const file = isGzip(bytes) ? gunzip(bytes, fail) : bytes;
  const format = detectFormat(file);
  if (format === 'nrrd') return decodeNrrd(file, uri);
  if (format === 'nifti') return decodeNifti(file, uri);
  throw fail('unrecognized image format (expected NRRD or NIfTI)');
}

/** The format of (already decompressed) file contents, or null when it is neither. */
export function detectFormat(file: Uint8Array): VolumeFormat | null {
  if (latin1(file, 0, 4) === 'NRRD') return 'nrrd';
  const magic = latin1(file, 344, 4);
  if (magic === 'n+1\0' || magic === 'ni1\0') return 'nifti';
  if (file.length >= 4) {
    const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
    if (view.getInt32(0, true) === 540 || view.getInt32(0, false) === 540) return 'nifti';
  }
  return null;
}

function latin1(bytes: Uint8Array, start: number, length: number): string {
  return Buffer.from(bytes.subarray(start, start + length)).toString('latin1');
}

function gunzip(data: Uint8Array, fail: (problem: string) => CorruptImageError): Uint8Array {
  try {
    return gunzipSync(data);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw fail(`gzip data is truncated or corrupt (${reason})`);
  }
}
