import type { Readable } from 'node:stream';

/**
 * One interface over every place bytes can live. Objects are addressed by URI:
 * `file:///abs/path` (the embedded default) or `s3://bucket/key`.
 *
 * Writes are atomic: a reader sees either nothing or the whole object, never a prefix.
 * (file://: written to a temporary name in the same folder, then renamed;
 *  s3://: PutObject and multipart uploads only become visible once complete.)
 */
export interface PutResult {
  uri: string;
  size: number;
  /** Hex SHA-256 of the bytes written. */
  sha256: string;
}

export interface BlobStore {
  /** The whole object. Throws MissingInputError when absent. */
  get(uri: string): Promise<Buffer>;
  /** Atomically write (or overwrite) the object. */
  put(uri: string, data: Uint8Array): Promise<PutResult>;
  /**
   * Write only if absent. If the object already holds exactly these bytes, nothing is written
   * and `written` is false; if it holds other bytes, throws OutputConflictError.
   * This is what makes a retried activity write its output exactly once.
   */
  putIfAbsent(uri: string, data: Uint8Array): Promise<PutResult & { written: boolean }>;
  exists(uri: string): Promise<boolean>;
  /** URIs of all objects whose URI starts with `prefixUri`, sorted. */
  list(prefixUri: string): Promise<string[]>;
  /** Stream the object (for large objects). Throws MissingInputError when absent. */
  getStream(uri: string): Promise<Readable>;
  /** Atomically write a stream, without holding it all in memory. */
  putStream(uri: string, stream: Readable): Promise<PutResult>;
  /** Hex SHA-256 of the object's bytes, computed by streaming. */
  sha256(uri: string): Promise<string>;
  delete(uri: string): Promise<void>;
}
