/**
 * Faults the local NBIA server can inject, per series or for every request ('*'), changeable while
 * it runs: `server.faults.set(seriesUid, { status500: 2 })`. Counted faults fire on the next n
 * matching requests, then stop.
 */
export interface SeriesFaults {
  /** The next n requests answer HTTP 500 (an outage). */
  status500?: number;
  /** The next n getImage answers end cleanly halfway through the ZIP (no central directory). */
  truncateZip?: number;
  /** The next n getImage answers close the connection halfway through the ZIP. */
  dropConnection?: number;
  /** Wait this long before answering (a slow server)… */
  delayMs?: number;
  /** …for the next n requests only (default: every request). */
  delayTimes?: number;
  /** md5hashes.csv gives a wrong hash for the first file. */
  corruptMd5?: boolean;
  /** Leave the last n files out of the ZIP and its md5hashes.csv (as NBIA does with unreadable files). */
  dropFiles?: number;
  /** Add an entry with this exact name, e.g. '../evil.dcm' or '/etc/evil.dcm' (zip-slip test). */
  unsafeEntryName?: string;
}

export const EVERY_SERIES = '*';

type CountedFault = 'status500' | 'truncateZip' | 'dropConnection' | 'delayTimes';

export class FaultRegistry {
  private readonly bySeries = new Map<string, SeriesFaults>();

  /** Set (replace) the faults of a series, or of every request with '*'. */
  set(seriesUid: string, faults: SeriesFaults): void {
    this.bySeries.set(seriesUid, { ...faults });
  }

  /** Remove the faults of one series, or all faults. */
  clear(seriesUid?: string): void {
    if (seriesUid === undefined) this.bySeries.clear();
    else this.bySeries.delete(seriesUid);
  }

  /** The faults in force for a request about this series (the series' own, else the global ones). */
  get(seriesUid: string | undefined): SeriesFaults {
    return (seriesUid !== undefined ? this.bySeries.get(seriesUid) : undefined) ?? this.bySeries.get(EVERY_SERIES) ?? {};
  }

  /** True when a counted fault should fire for this request; uses up one of its count. */
  take(seriesUid: string | undefined, fault: CountedFault): boolean {
    const faults = this.get(seriesUid);
    const left = faults[fault];
    if (!left || left <= 0) return false;
    faults[fault] = left - 1;
    return true;
  }

  /** The delay before answering this request, in ms (0 when none). */
  delayFor(seriesUid: string | undefined): number {
    const faults = this.get(seriesUid);
    if (!faults.delayMs) return 0;
    if (faults.delayTimes === undefined) return faults.delayMs;
    return this.take(seriesUid, 'delayTimes') ? faults.delayMs : 0;
  }
}
