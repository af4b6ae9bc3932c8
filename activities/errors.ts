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
] as const;
