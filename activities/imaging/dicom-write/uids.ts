/**
 * Deterministic DICOM UIDs: "2.25." followed by the decimal value of the first 128 bits of a
 * SHA-256 over the given parts (PS3.5 §B.2, UUID-derived form). The same parts always give the
 * same UID, so rewriting the same data gives byte-identical files.
 */
import { createHash } from 'node:crypto';

/** A 2.25 UID derived from the parts (joined unambiguously). */
export function deterministicUid(...parts: readonly (string | number)[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(`${String(part).length}:${String(part)};`);
  const first128Bits = BigInt('0x' + hash.digest('hex').slice(0, 32));
  return `2.25.${first128Bits.toString(10)}`;
}

/** A short hex digest of bytes, used as a default seed for UIDs. */
export function contentSeed(...chunks: readonly (Uint8Array | string)[]): string {
  const hash = createHash('sha256');
  for (const chunk of chunks) hash.update(chunk);
  return hash.digest('hex').slice(0, 32);
}
