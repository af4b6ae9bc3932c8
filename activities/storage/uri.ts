/**
 * Storage URIs: `file:///absolute/path` and `s3://bucket/key`.
 *
 * file:// URIs are percent-encoded the way node:url writes them (a space is `%20`, `#` is `%23`),
 * so always build them with `formatFileUri`, `toFileUri` or `joinUri` rather than by hand.
 * s3:// keys are taken literally (no percent-decoding), as the AWS CLI does.
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { UnsupportedUriError } from '../errors';

export type UriScheme = 'file' | 's3';

export type ParsedUri = { scheme: 'file'; path: string } | { scheme: 's3'; bucket: string; key: string };

const EXPECTED_FORMS = 'expected file:///absolute/path or s3://bucket/key';
const S3_BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const S3_MAX_KEY_BYTES = 1024;

/** The scheme of a storage URI. Throws UnsupportedUriError for anything but file:// and s3://. */
export function uriScheme(uri: string): UriScheme {
  if (uri.startsWith('file://')) return 'file';
  if (uri.startsWith('s3://')) return 's3';
  throw new UnsupportedUriError(`Unsupported storage URI "${uri}": ${EXPECTED_FORMS}`, uri);
}

/** Split a storage URI into its parts. Throws UnsupportedUriError when it is malformed. */
export function parseUri(uri: string): ParsedUri {
  return uriScheme(uri) === 'file'
    ? { scheme: 'file', path: parseFileUri(uri) }
    : { scheme: 's3', ...parseS3Uri(uri) };
}

/** The inverse of `parseUri`. */
export function formatUri(parsed: ParsedUri): string {
  return parsed.scheme === 'file' ? formatFileUri(parsed.path) : formatS3Uri(parsed.bucket, parsed.key);
}

/**
 * The absolute local path named by a `file://` URI, percent-decoded.
 * A trailing slash is kept (it marks a folder prefix).
 */
export function parseFileUri(uri: string): string {
  if (!uri.startsWith('file://')) {
    throw new UnsupportedUriError(`Not a file URI "${uri}": expected file:///absolute/path`, uri);
  }
  if (uri.includes('?') || uri.includes('#')) {
    throw new UnsupportedUriError(
      `File URI "${uri}" contains "?" or "#": percent-encode them in file names (%3F, %23)`,
      uri,
    );
  }
  try {
    return fileURLToPath(new URL(uri));
  } catch (error) {
    throw new UnsupportedUriError(`Invalid file URI "${uri}": ${(error as Error).message}`, uri);
  }
}

/** The `file://` URI of an absolute local path (percent-encoded; a trailing slash is kept). */
export function formatFileUri(absolutePath: string): string {
  if (!path.isAbsolute(absolutePath)) {
    throw new UnsupportedUriError(
      `Cannot make a file URI from the relative path "${absolutePath}": use toFileUri() to resolve it against the working directory`,
      absolutePath,
    );
  }
  return pathToFileURL(absolutePath).href;
}

/** Bucket and key of an `s3://bucket/key` URI. The key may be empty (`s3://bucket` or `s3://bucket/`). */
export function parseS3Uri(uri: string): { bucket: string; key: string } {
  if (!uri.startsWith('s3://')) {
    throw new UnsupportedUriError(`Not an S3 URI "${uri}": expected s3://bucket/key`, uri);
  }
  const rest = uri.slice('s3://'.length);
  const slash = rest.indexOf('/');
  const bucket = slash < 0 ? rest : rest.slice(0, slash);
  const key = slash < 0 ? '' : rest.slice(slash + 1);
  if (!S3_BUCKET_NAME.test(bucket)) {
    throw new UnsupportedUriError(
      `Invalid S3 URI "${uri}": bucket name "${bucket}" must be 3-63 characters of a-z, 0-9, "." and "-"`,
      uri,
    );
  }
  if (Buffer.byteLength(key, 'utf8') > S3_MAX_KEY_BYTES) {
    throw new UnsupportedUriError(`Invalid S3 URI "${uri}": the key is longer than ${S3_MAX_KEY_BYTES} bytes`, uri);
  }
  return { bucket, key };
}

/** The `s3://bucket/key` URI of an object. */
export function formatS3Uri(bucket: string, key: string): string {
  return `s3://${bucket}/${key}`;
}

/**
 * Append path parts to a storage URI, with exactly one "/" between them.
 * Parts are plain (not percent-encoded) names and may contain "/";
 * for file:// URIs they are encoded as needed, so `joinUri(dir, 'patient #1.nii')` is safe.
 *
 *   joinUri('s3://bucket/runs', 'r1', 'features.parquet') === 's3://bucket/runs/r1/features.parquet'
 *   joinUri('file:///data/', 'a b.nii')                   === 'file:///data/a%20b.nii'
 */
export function joinUri(base: string, ...parts: string[]): string {
  const parsed = parseUri(base);
  if (parsed.scheme === 'file') {
    return formatFileUri(joinPathParts(parsed.path, parts));
  }
  return formatS3Uri(parsed.bucket, joinPathParts(parsed.key, parts));
}

/**
 * Turn a local path (absolute, or relative to the working directory) into a `file://` URI.
 * A string that already is a file:// or s3:// URI is returned in its canonical form.
 */
export function toFileUri(pathOrUri: string): string {
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(pathOrUri)) {
    return formatUri(parseUri(pathOrUri));
  }
  const absolutePath = path.resolve(pathOrUri);
  const keepTrailingSlash = pathOrUri.endsWith('/') && !absolutePath.endsWith('/');
  return formatFileUri(keepTrailingSlash ? `${absolutePath}/` : absolutePath);
}

/** `start` followed by each non-empty part, separated by single slashes; a final trailing slash is kept. */
function joinPathParts(start: string, parts: string[]): string {
  let joined = start;
  for (const part of parts) {
    const trimmed = part.replace(/^\/+/, '');
    if (trimmed === '') continue;
    if (joined !== '' && !joined.endsWith('/')) joined += '/';
    joined += trimmed;
  }
  return joined;
}
