/**
 * Storage entry point: `createStorage()` gives one BlobStore for every URI the pipelines use,
 * sending `file://` URIs to a FileStore and `s3://` URIs to an S3Store.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import type { BlobStore, PutResult } from './blob-store';
import { FileStore } from './file-store';
import { S3Store, s3ClientFromEnv, type S3StoreOptions } from './s3-store';
import { uriScheme } from './uri';

export type { BlobStore, PutResult } from './blob-store';
export { FileStore } from './file-store';
export { S3Store, s3ClientFromEnv, SHA256_METADATA_KEY, type S3StoreOptions } from './s3-store';
export {
  formatFileUri,
  formatS3Uri,
  formatUri,
  joinUri,
  parseFileUri,
  parseS3Uri,
  parseUri,
  toFileUri,
  uriScheme,
  type ParsedUri,
  type UriScheme,
} from './uri';

export interface StorageOptions {
  /** S3 client for s3:// URIs. Default: `s3ClientFromEnv(env)`, created on the first s3:// use. */
  s3Client?: S3Client;
  /** Environment read by the default S3 client. Default: process.env. */
  env?: NodeJS.ProcessEnv;
  /** Multipart upload settings for s3:// streams. */
  s3?: S3StoreOptions;
}

/** A BlobStore for both file:// and s3:// URIs. Other schemes throw UnsupportedUriError. */
export function createStorage(options: StorageOptions = {}): BlobStore {
  return new SchemeRouter(options);
}

/**
 * Sends each call to the store for its URI's scheme; builds the S3 store only when first needed.
 * Methods are async so that a bad URI rejects the promise rather than throwing synchronously.
 */
class SchemeRouter implements BlobStore {
  private readonly fileStore = new FileStore();
  private s3Store: S3Store | undefined;

  constructor(private readonly options: StorageOptions) {}

  async get(uri: string): Promise<Buffer> {
    return this.storeFor(uri).get(uri);
  }
  async put(uri: string, data: Uint8Array): Promise<PutResult> {
    return this.storeFor(uri).put(uri, data);
  }
  async putIfAbsent(uri: string, data: Uint8Array): Promise<PutResult & { written: boolean }> {
    return this.storeFor(uri).putIfAbsent(uri, data);
  }
  async exists(uri: string): Promise<boolean> {
    return this.storeFor(uri).exists(uri);
  }
  async list(prefixUri: string): Promise<string[]> {
    return this.storeFor(prefixUri).list(prefixUri);
  }
  async getStream(uri: string): Promise<Readable> {
    return this.storeFor(uri).getStream(uri);
  }
  async putStream(uri: string, stream: Readable): Promise<PutResult> {
    return this.storeFor(uri).putStream(uri, stream);
  }
  async sha256(uri: string): Promise<string> {
    return this.storeFor(uri).sha256(uri);
  }
  async delete(uri: string): Promise<void> {
    return this.storeFor(uri).delete(uri);
  }

  /** The store for the URI's scheme (throws UnsupportedUriError for unknown schemes). */
  private storeFor(uri: string): BlobStore {
    if (uriScheme(uri) === 'file') return this.fileStore;
    this.s3Store ??= new S3Store(this.options.s3Client ?? s3ClientFromEnv(this.options.env), this.options.s3);
    return this.s3Store;
  }
}
