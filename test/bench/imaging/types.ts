/** Types shared by the imaging benchmark's modules. */
import type { Volume } from '../../../activities/imaging/volume';

export type Int16Volume = Volume<Int16Array>;

/** What one measured step reports back to the driver (one child process per step). */
export interface StepResult {
  step: string;
  /** Seconds per repeat (total: for the TCIA step, download + read). */
  seconds: number[];
  /** For the TCIA step: seconds of the download alone, per repeat. */
  downloadSeconds?: number[];
  /** Resident set size just before the first repeat, and its high-water mark after the last (MiB). */
  rssBeforeMiB: number;
  peakRssMiB: number;
  volumeBytes: number;
  size: number[];
  arrayType: string;
  sum: number;
  sha256: string;
}
