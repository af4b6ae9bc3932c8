/**
 * BlobStore on S3 or an S3-compatible server (MinIO, moto, ...), for `s3://bucket/key` URIs.
 *
 * Objects only become visible once a PutObject or multipart upload completes, so writes are atomic.
 * Every `put`/`putIfAbsent` stores the hex SHA-256 of the bytes as user metadata `sha256`,
 * which makes the "same bytes already there?" check of `putIfAbsent` a single HEAD request.
 */
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  paginateListObjectsV2,
  type HeadObjectCommandOutput,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ReadableStream as WebReadableStream } from 'node:stream/web';
import { MissingInputError, OutputConflictError, RadiogenomicsError, UnsupportedUriError } from '../errors';
import type { BlobStore, PutResult } from './blob-store';
import { Sha256Tap, sha256Hex, sha256OfStream } from './hashing';
import { formatS3Uri, parseS3Uri } from './uri';

/** Name of the user metadata entry (x-amz-meta-sha256) holding the hex SHA-256 of the object. */
export const SHA256_METADATA_KEY = 'sha256';

export interface S3StoreOptions {
  /** Part size of multipart uploads in `putStream` (S3's minimum is 5 MiB). Default 8 MiB. */
  partSizeBytes?: number;
  /** Parts uploaded in parallel by `putStream`. Default 4. */
  uploadConcurrency?: number;
}

/** How often `putIfAbsent` re-tries after losing a race in an unusual way (object vanished, 409). */
const PUT_IF_ABSENT_ATTEMPTS = 5;

type S3Action = 'read' | 'write' | 'check' | 'list' | 'delete';

/**
 * An S3 client configured from the environment:
 *   AWS_REGION (or AWS_DEFAULT_REGION; default us-east-1),
 *   AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL for S3-compatible servers (path-style addressing is
 *   then used, as MinIO and moto need; RG_S3_FORCE_PATH_STYLE=1 forces it for any endpoint),
 *   AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN when set in `env`,
 *   otherwise the SDK's default credential chain (profiles, SSO, instance roles, ...).
 */
export function s3ClientFromEnv(env: NodeJS.ProcessEnv = process.env): S3Client {
  const endpoint = env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined;
  const credentials =
    env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY
      ? {
          accessKeyId: env.AWS_ACCESS_KEY_ID,
          secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
          sessionToken: env.AWS_SESSION_TOKEN || undefined,
        }
      : undefined;
  return new S3Client({
    region: env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1',
    endpoint,
    forcePathStyle: Boolean(endpoint) || env.RG_S3_FORCE_PATH_STYLE === '1',
    credentials,
  });
}

export class S3Store implements BlobStore {
  private readonly partSizeBytes: number;
  private readonly uploadConcurrency: number;

  constructor(
    private readonly client: S3Client,
    options: S3StoreOptions = {},
  ) {
    this.partSizeBytes = options.partSizeBytes ?? 8 * 1024 * 1024;
    this.uploadConcurrency = options.uploadConcurrency ?? 4;
  }

  async get(uri: string): Promise<Buffer> {
    const body = await this.getStream(uri);
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of body) chunks.push(chunk as Buffer);
    } catch (error) {
      throw describeS3Error(error, uri, 'read');
    }
    return Buffer.concat(chunks);
  }

  async put(uri: string, data: Uint8Array): Promise<PutResult> {
    const result: PutResult = { uri, size: data.byteLength, sha256: sha256Hex(data) };
    await this.putObject(result, data, { onlyIfAbsent: false });
    return result;
  }

  /**
   * Write only if absent. Uses a conditional PutObject (`If-None-Match: *`), so of two concurrent
   * writers exactly one wins; the loser (HTTP 412) compares the winner's bytes with its own.
   * On servers without conditional writes (501 NotImplemented) it falls back to a plain PutObject
   * after the existence check, which is correct when there is a single writer.
   */
  async putIfAbsent(uri: string, data: Uint8Array): Promise<PutResult & { written: boolean }> {
    const wanted: PutResult = { uri, size: data.byteLength, sha256: sha256Hex(data) };
    for (let attempt = 1; attempt <= PUT_IF_ABSENT_ATTEMPTS; attempt++) {
      if (await this.holdsSameBytes(wanted)) return { ...wanted, written: false };
      const outcome = await this.putObject(wanted, data, { onlyIfAbsent: true });
      if (outcome === 'written') return { ...wanted, written: true };
      if (outcome === 'conditional-writes-unsupported') {
        await this.putObject(wanted, data, { onlyIfAbsent: false });
        return { ...wanted, written: true };
      }
      // 'already-exists' or 'concurrent-write': another writer was faster; compare on the next turn.
    }
    throw new Error(
      `Could not write ${uri} with putIfAbsent: it kept changing under concurrent writers (${PUT_IF_ABSENT_ATTEMPTS} attempts)`,
    );
  }

  async exists(uri: string): Promise<boolean> {
    return (await this.headObject(uri)) !== undefined;
  }

  /** All object URIs starting with `prefixUri` (pages through ListObjectsV2), sorted. */
  async list(prefixUri: string): Promise<string[]> {
    const { bucket, key: prefix } = parseS3Uri(prefixUri);
    const uris: string[] = [];
    try {
      for await (const page of paginateListObjectsV2({ client: this.client }, { Bucket: bucket, Prefix: prefix })) {
        for (const object of page.Contents ?? []) {
          if (object.Key !== undefined) uris.push(formatS3Uri(bucket, object.Key));
        }
      }
    } catch (error) {
      throw describeS3Error(error, prefixUri, 'list');
    }
    return uris.sort();
  }

  async getStream(uri: string): Promise<Readable> {
    const { bucket, key } = parseObjectUri(uri);
    try {
      const response = await this.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return toNodeReadable(response.Body, uri);
    } catch (error) {
      throw describeS3Error(error, uri, 'read');
    }
  }

  /**
   * Stream into a multipart upload (parts of `partSizeBytes`, a few in flight), hashing as it goes.
   * The object appears only when the upload completes; a failed upload is aborted.
   * The SHA-256 is only known at the end, so streamed objects carry no `sha256` metadata.
   */
  async putStream(uri: string, stream: Readable): Promise<PutResult> {
    const { bucket, key } = parseObjectUri(uri);
    const tap = new Sha256Tap();
    const upload = new Upload({
      client: this.client,
      params: { Bucket: bucket, Key: key, Body: tap },
      partSize: this.partSizeBytes,
      queueSize: this.uploadConcurrency,
      leavePartsOnError: false,
    });
    const [piped, uploaded] = await Promise.allSettled([pipeline(stream, tap), upload.done()]);
    if (piped.status === 'rejected') throw describeS3Error(piped.reason, uri, 'write');
    if (uploaded.status === 'rejected') throw describeS3Error(uploaded.reason, uri, 'write');
    return { uri, size: tap.bytesHashed, sha256: tap.sha256() };
  }

  /** Hex SHA-256 of the object's bytes, computed by streaming them. */
  async sha256(uri: string): Promise<string> {
    const body = await this.getStream(uri);
    try {
      return (await sha256OfStream(body)).sha256;
    } catch (error) {
      throw describeS3Error(error, uri, 'read');
    }
  }

  /** Remove the object. Deleting an object that does not exist is not an error (as in S3 itself). */
  async delete(uri: string): Promise<void> {
    const { bucket, key } = parseObjectUri(uri);
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    } catch (error) {
      throw describeS3Error(error, uri, 'delete');
    }
  }

  /**
   * PutObject with `sha256` metadata; with `onlyIfAbsent`, conditionally (`If-None-Match: *`).
   * Returns how a conditional write ended instead of throwing for the expected refusals.
   */
  private async putObject(
    object: PutResult,
    data: Uint8Array,
    { onlyIfAbsent }: { onlyIfAbsent: boolean },
  ): Promise<'written' | 'already-exists' | 'concurrent-write' | 'conditional-writes-unsupported'> {
    const { bucket, key } = parseObjectUri(object.uri);
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: data,
          ContentLength: data.byteLength,
          Metadata: { [SHA256_METADATA_KEY]: object.sha256 },
          IfNoneMatch: onlyIfAbsent ? '*' : undefined,
        }),
      );
      return 'written';
    } catch (error) {
      if (onlyIfAbsent) {
        const status = httpStatusOf(error);
        if (status === 412 || errorName(error) === 'PreconditionFailed') return 'already-exists';
        if (status === 409 || errorName(error) === 'ConditionalRequestConflict') return 'concurrent-write';
        if (status === 501 || errorName(error) === 'NotImplemented') return 'conditional-writes-unsupported';
      }
      throw describeS3Error(error, object.uri, 'write');
    }
  }

  /**
   * True if the object exists with exactly the wanted bytes, false if it does not exist;
   * OutputConflictError if it holds other bytes. Uses the `sha256` metadata when present,
   * otherwise compares sizes and then hashes the stored body.
   */
  private async holdsSameBytes(wanted: PutResult): Promise<boolean> {
    const head = await this.headObject(wanted.uri);
    if (head === undefined) return false;
    const existingSha256 =
      head.Metadata?.[SHA256_METADATA_KEY] ??
      (head.ContentLength !== wanted.size ? 'unknown (the sizes differ)' : await this.sha256(wanted.uri));
    if (existingSha256 !== wanted.sha256) {
      throw new OutputConflictError(
        `Refusing to overwrite ${wanted.uri}: it already holds different bytes ` +
          `(${head.ContentLength} bytes, sha256 ${existingSha256}; new: ${wanted.size} bytes, sha256 ${wanted.sha256})`,
        wanted.uri,
      );
    }
    return true;
  }

  /** HeadObject, or undefined when the object (or its bucket) does not exist. */
  private async headObject(uri: string): Promise<HeadObjectCommandOutput | undefined> {
    const { bucket, key } = parseObjectUri(uri);
    try {
      return await this.client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw describeS3Error(error, uri, 'check');
    }
  }
}

/** Bucket and key of a URI that must name an object (not just a bucket). */
function parseObjectUri(uri: string): { bucket: string; key: string } {
  const parsed = parseS3Uri(uri);
  if (parsed.key === '' || parsed.key.endsWith('/')) {
    throw new UnsupportedUriError(`S3 URI ${uri} names a bucket or folder, not an object`, uri);
  }
  return parsed;
}

/** The GetObject body as a Node stream (it already is one under Node's HTTP handler). */
function toNodeReadable(body: unknown, uri: string): Readable {
  if (body instanceof Readable) return body;
  if (body instanceof WebReadableStream) return Readable.fromWeb(body);
  throw new Error(`S3 returned no readable body for ${uri}`);
}

function errorName(error: unknown): string | undefined {
  return (error as { name?: string } | undefined)?.name;
}

function httpStatusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
}

/** NoSuchKey, NoSuchBucket, or a bare 404 (HEAD responses carry no error code). */
function isNotFound(error: unknown): boolean {
  const name = errorName(error);
  return name === 'NoSuchKey' || name === 'NoSuchBucket' || name === 'NotFound' || httpStatusOf(error) === 404;
}

/** A typed or descriptive error naming the URI: MissingInputError for absent objects on reads. */
function describeS3Error(error: unknown, uri: string, action: S3Action): Error {
  if (error instanceof RadiogenomicsError) return error;
  const name = errorName(error) ?? 'Error';
  if (name === 'NoSuchBucket') {
    const { bucket } = parseS3Uri(uri);
    const problem = `bucket "${bucket}" does not exist`;
    return action === 'read'
      ? new MissingInputError(`Cannot read ${uri}: ${problem}`, uri)
      : new Error(`Cannot ${action} ${uri}: ${problem}`, { cause: error });
  }
  if (action === 'read' && isNotFound(error)) {
    return new MissingInputError(`Cannot read ${uri}: no such object`, uri);
  }
  const status = httpStatusOf(error);
  const detail = `${name}${status ? ` (HTTP ${status})` : ''}: ${(error as Error)?.message ?? String(error)}`;
  return new Error(`Cannot ${action} ${uri}: ${detail}`, { cause: error });
}
