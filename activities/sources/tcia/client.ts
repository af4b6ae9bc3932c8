/**
 * A client for the NBIA REST API v4 (TCIA's image archive; https://services.cancerimagingarchive.net
 * /nbia-api/services/v4), or any server that speaks it (e.g. our local server in ../tcia-server).
 *
 * Metadata endpoints answer JSON arrays (format=json); an empty 200 body means "no results" and
 * gives an empty array. Rows are normalized from legacy field names and validated (./schemas).
 * Failures are typed (./http): TciaRequestError is final, TransientSourceError is retried here
 * with exponential backoff (./retry). Series downloads: ./download.
 */
import { createWriteStream } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import { TciaRequestError, TransientSourceError } from '../../errors';
import type { BlobStore } from '../../storage/blob-store';
import { downloadSeriesToStore, type SeriesDownloadRequest, type SeriesDownloadResult } from './download';
import { describeFetchError, getNbia, type NbiaConnection, type QueryParams } from './http';
import { DEFAULT_RETRY_POLICY, withRetries, type RetryPolicy } from './retry';
import {
  CollectionRowSchema,
  normalizeLegacyFields,
  PatientRowSchema,
  SeriesRowSchema,
  SeriesSizeRowSchema,
  SopInstanceRowSchema,
  StudyRowSchema,
  type CollectionRow,
  type PatientRow,
  type SeriesRow,
  type SeriesSizeRow,
  type StudyRow,
} from './schemas';

export const DEFAULT_NBIA_BASE_URL = 'https://services.cancerimagingarchive.net/nbia-api/services/v4';

export interface TciaClientOptions {
  /** NBIA REST API v4 base URL. Default: DEFAULT_NBIA_BASE_URL. */
  baseUrl?: string;
  /** Bearer token, when the server requires one. */
  token?: string;
  /** Retries of transient failures (5xx, timeouts, truncated ZIPs). Default: 5 tries from 1 s, doubling, ≤ 30 s. */
  retry?: Partial<RetryPolicy>;
  /** Fail a request (then retry it) when no byte has arrived for this long. Default: 120 s. */
  idleTimeoutMs?: number;
  /** Folder for the temporary ZIP of a download. Default: os.tmpdir(). */
  tempDir?: string;
}

export interface SeriesQuery {
  collection?: string;
  patientId?: string;
  studyInstanceUid?: string;
  seriesInstanceUid?: string;
  modality?: string;
}

export class TciaClient {
  readonly connection: NbiaConnection;
  readonly retryPolicy: RetryPolicy;
  readonly tempDir: string | undefined;

  constructor(options: TciaClientOptions = {}) {
    this.connection = {
      baseUrl: options.baseUrl ?? DEFAULT_NBIA_BASE_URL,
      token: options.token,
      idleTimeoutMs: options.idleTimeoutMs ?? 120_000,
    };
    this.retryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.tempDir = options.tempDir;
  }

  /** getCollectionValues: the collections this client may see. */
  async getCollectionValues(): Promise<CollectionRow[]> {
    return this.getRows('getCollectionValues', {}, CollectionRowSchema);
  }

  /** getPatient?Collection=: the patients of a collection (empty when unknown or not accessible). */
  async getPatient(collection: string): Promise<PatientRow[]> {
    return this.getRows('getPatient', { Collection: collection }, PatientRowSchema);
  }

  /** getPatientStudy?Collection=&PatientID=: studies of a collection, or of one patient. */
  async getPatientStudy(collection: string, patientId?: string): Promise<StudyRow[]> {
    return this.getRows('getPatientStudy', { Collection: collection, PatientID: patientId }, StudyRowSchema);
  }

  /** getSeries: series matching every given filter. */
  async getSeries(query: SeriesQuery): Promise<SeriesRow[]> {
    const params = {
      Collection: query.collection,
      PatientID: query.patientId,
      StudyInstanceUID: query.studyInstanceUid,
      SeriesInstanceUID: query.seriesInstanceUid,
      Modality: query.modality,
    };
    return this.getRows('getSeries', params, SeriesRowSchema);
  }

  /** getSeriesSize?SeriesInstanceUID=: total bytes and object count, or undefined for an unknown series. */
  async getSeriesSize(seriesInstanceUid: string): Promise<SeriesSizeRow | undefined> {
    const rows = await this.getRows('getSeriesSize', { SeriesInstanceUID: seriesInstanceUid }, SeriesSizeRowSchema);
    return rows[0];
  }

  /** getSOPInstanceUIDs?SeriesInstanceUID=: the SOP instance UIDs of a series. */
  async getSopInstanceUids(seriesInstanceUid: string): Promise<string[]> {
    const rows = await this.getRows('getSOPInstanceUIDs', { SeriesInstanceUID: seriesInstanceUid }, SopInstanceRowSchema);
    return rows.map((row) => row.SOPInstanceUID);
  }

  /**
   * NewPatientsInCollection?Collection=&fromDate=: patients added since a day (`YYYY-MM-DD`).
   * v4 takes `fromDate` as MM-DD-YYYY (v1/v2 took `Date`); the date is converted here.
   */
  async newPatientsInCollection(collection: string, fromDate: string): Promise<PatientRow[]> {
    return this.getRows('NewPatientsInCollection', { Collection: collection, fromDate: toNbiaDate(fromDate) }, PatientRowSchema);
  }

  /** Download one series into the store (verified, resumable, idempotent): see ./download. */
  async downloadSeries(store: BlobStore, request: SeriesDownloadRequest): Promise<SeriesDownloadResult> {
    return downloadSeriesToStore(this, store, request);
  }

  /**
   * One try at getImage?SeriesInstanceUID=&IncludeMD5=yes, streamed to `zipPath` (not retried
   * here: the caller retries the download together with its extraction). Returns the URL.
   */
  async fetchSeriesZip(seriesInstanceUid: string, zipPath: string): Promise<string> {
    const { url, response, idle } = await getNbia(this.connection, 'getImage', {
      SeriesInstanceUID: seriesInstanceUid,
      IncludeMD5: 'yes',
    });
    try {
      if (!response.body) throw new TransientSourceError(`GET ${url} answered without a body`, url);
      const touchOnData = new Transform({
        transform(chunk, _encoding, callback) {
          idle.touch();
          callback(null, chunk);
        },
      });
      await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream), touchOnData, createWriteStream(zipPath));
      return url;
    } catch (error) {
      if (error instanceof TransientSourceError) throw error;
      throw new TransientSourceError(`GET ${url}: the download broke off: ${describeFetchError(error, idle.signal)}`, url);
    } finally {
      idle.clear();
    }
  }

  /** GET an endpoint (retrying transient failures) and validate its rows; an empty body is no rows. */
  private async getRows<T>(endpoint: string, params: QueryParams, rowSchema: z.ZodType<T>): Promise<T[]> {
    const query = { ...params, format: 'json' };
    return withRetries(this.retryPolicy, endpoint, async () => {
      const { url, response, idle } = await getNbia(this.connection, endpoint, query);
      let text: string;
      try {
        text = await response.text();
      } catch (error) {
        throw new TransientSourceError(`GET ${url}: the response broke off: ${describeFetchError(error, idle.signal)}`, url);
      } finally {
        idle.clear();
      }
      return parseRows(url, text, rowSchema);
    });
  }
}

/** Rows of a JSON array body; an empty body means no results. Throws TciaRequestError on another shape. */
export function parseRows<T>(url: string, text: string, rowSchema: z.ZodType<T>): T[] {
  if (text.trim() === '') return [];
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new TransientSourceError(`GET ${url}: the body is not JSON: ${text.slice(0, 200)}`, url);
  }
  if (!Array.isArray(json)) {
    throw new TciaRequestError(`GET ${url}: expected a JSON array, got ${text.slice(0, 200)}`, url);
  }
  const parsed = z.array(rowSchema).safeParse(json.map(normalizeLegacyFields));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TciaRequestError(
      `GET ${url}: unexpected row shape at [${issue.path.join('].[')}]: ${issue.message}`,
      url,
    );
  }
  return parsed.data;
}

/** `YYYY-MM-DD` (or a Date) → NBIA v4's `MM-DD-YYYY`. */
export function toNbiaDate(day: string | Date): string {
  const iso = typeof day === 'string' ? day : day.toISOString().slice(0, 10);
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!match) throw new TciaRequestError(`Invalid date "${iso}": expected YYYY-MM-DD`);
  return `${match[2]}-${match[3]}-${match[1]}`;
}
