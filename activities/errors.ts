/**
 * Typed errors for bad inputs. Each carries a stable `type` name that Temporal uses to decide
 * whether to retry (see NON_RETRYABLE_ERROR_TYPES) and that the run manifest records as the
 * failure reason of a patient. Messages always name the file (URI) and the problem.
 */

export abstract class RadiogenomicsError extends Error {
  /** Stable machine-readable name, e.g. "CorruptImageError". */
  abstract readonly type: string;
  /** False when retrying cannot help (bad data); true for transient trouble (network, 5xx). */
  readonly retryable: boolean = false;
  constructor(message: string, readonly uri?: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** An input file does not exist (missing image, mask or table). */
export class MissingInputError extends RadiogenomicsError {
  readonly type = 'MissingInputError';
}

/** A file exists but cannot be decoded as the image format it claims to be. */
export class CorruptImageError extends RadiogenomicsError {
  readonly type = 'CorruptImageError';
}

/** Image and mask are not on the same voxel grid (size, spacing, origin or direction differ). */
export class GeometryMismatchError extends RadiogenomicsError {
  readonly type = 'GeometryMismatchError';
}

/** The region of interest is empty, too small, or the requested label is absent. */
export class InvalidMaskError extends RadiogenomicsError {
  readonly type = 'InvalidMaskError';
}

/** A table (cohort manifest, omics table) is malformed: names the row and column. */
export class InvalidTableError extends RadiogenomicsError {
  readonly type = 'InvalidTableError';
}

/** Settings failed validation: names the key. */
export class InvalidSettingsError extends RadiogenomicsError {
  readonly type = 'InvalidSettingsError';
}

/** An output key already holds different bytes: a second, conflicting write was refused. */
export class OutputConflictError extends RadiogenomicsError {
  readonly type = 'OutputConflictError';
}

/** A storage URI uses a scheme or form the store does not understand. */
export class UnsupportedUriError extends RadiogenomicsError {
  readonly type = 'UnsupportedUriError';
}

/**
 * A set of DICOM files does not form one regular volume: several series, a missing slice,
 * non-uniform spacing, mixed orientation or sizes. Names the files and the problem.
 */
export class InvalidSeriesError extends RadiogenomicsError {
  readonly type = 'InvalidSeriesError';
}

/** Error types that Temporal must not retry: retrying bad data only wastes time. */
export const NON_RETRYABLE_ERROR_TYPES = [
  'MissingInputError',
  'CorruptImageError',
  'GeometryMismatchError',
  'InvalidMaskError',
  'InvalidTableError',
  'InvalidSettingsError',
  'OutputConflictError',
  'UnsupportedUriError',
  'TciaRequestError',
  'UnsafeArchiveError',
  'DownloadVerificationError',
  'InvalidSeriesError',
] as const;

/**
 * An image source (TCIA/NBIA) refused a request for good: bad parameters, no access, authentication
 * required or refused (HTTP 400, 401, 403, 404). Names the URL and its parameters, never a token.
 */
export class TciaRequestError extends RadiogenomicsError {
  readonly type = 'TciaRequestError';
  constructor(message: string, uri?: string, readonly status?: number) {
    super(message, uri);
  }
}

/**
 * An image source failed in a way that may pass: HTTP 5xx, a timeout, a dropped connection, a
 * truncated ZIP. Retryable: the client retries it with backoff, and Temporal may retry the activity.
 */
export class TransientSourceError extends RadiogenomicsError {
  readonly type = 'TransientSourceError';
  override readonly retryable: boolean = true;
}

/** An archive holds an entry that would escape its folder (`../`, an absolute path, a drive letter). */
export class UnsafeArchiveError extends RadiogenomicsError {
  readonly type = 'UnsafeArchiveError';
}

/** Downloaded files do not match what the source promised (file count, MD5 hashes). */
export class DownloadVerificationError extends RadiogenomicsError {
  readonly type = 'DownloadVerificationError';
}
