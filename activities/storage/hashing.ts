import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

/** Hex SHA-256 of bytes held in memory. */
export function sha256Hex(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Turn one chunk read from a byte stream into a Buffer.
 * Byte streams yield Buffers (or strings when an encoding was set); anything else is a caller error.
 */
export function chunkToBuffer(chunk: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  throw new TypeError(`Expected a byte stream, but a chunk of type ${typeof chunk} was read`);
}

/** Hex SHA-256 and size of everything a stream yields, read chunk by chunk (never buffered whole). */
export async function sha256OfStream(stream: AsyncIterable<unknown>): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of stream) {
    const bytes = chunkToBuffer(chunk);
    hash.update(bytes);
    size += bytes.length;
  }
  return { sha256: hash.digest('hex'), size };
}

/**
 * A pass-through stream that hashes and counts the bytes flowing through it.
 * Read `sha256()` and `bytesHashed` once the stream has ended.
 * (Deliberately no `size`/`length`/`byteLength` property: @aws-sdk/lib-storage reads those
 * as the body's total length.)
 */
export class Sha256Tap extends Transform {
  private readonly hash = createHash('sha256');
  private digest: string | undefined;
  bytesHashed = 0;

  override _transform(chunk: unknown, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      const bytes = chunkToBuffer(chunk);
      this.hash.update(bytes);
      this.bytesHashed += bytes.length;
      callback(null, bytes);
    } catch (error) {
      callback(error as Error);
    }
  }

  /** Hex SHA-256 of all bytes seen. Call only after the stream has ended. */
  sha256(): string {
    this.digest ??= this.hash.digest('hex');
    return this.digest;
  }
}
