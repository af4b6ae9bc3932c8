/**
 * Download one TCIA series into a BlobStore: verified, resumable, idempotent, in bounded memory.
 *
 * 1. If `<prefix>/.complete.json` exists for this series, return at once: nothing is downloaded.
 * 2. The expected file count is the series' ImageCount (getSeries), unless the caller gives it.
 * 3. getImage?IncludeMD5=yes streams to a temporary file (never held in memory); the ZIP is opened
 *    with yauzl (central directory first): a truncated ZIP is a TransientSourceError and the
 *    download is tried again, with backoff; so are 5xx answers and timeouts.
 * 4. Before anything is written: every entry name is checked (UnsafeArchiveError), the number of
 *    DICOM files must equal the expected count and each must be listed in md5hashes.csv
 *    (DownloadVerificationError).
 * 5. Each DICOM entry is streamed into `<prefix>/<entry path>` (atomic put), its MD5 computed on the
 *    way and compared with md5hashes.csv (a mismatch deletes the object and throws
 *    DownloadVerificationError). `onProgress` is called after each file.
 * 6. Objects under the prefix left by an earlier, partial attempt that this archive does not hold
 *    are deleted; then the marker is written, last. A crash before that leaves no marker, and the
 *    next call downloads again, overwriting the same keys.
 *
 * The archive's LICENSE entry is not copied.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DownloadVerificationError, MissingInputError, TransientSourceError } from '../../errors';
import type { BlobStore } from '../../storage/blob-store';
import { joinUri } from '../../storage/uri';
import type { TciaClient } from './client';
import { withRetries } from './retry';
import { CompletionMarkerSchema, type CompletionMarker } from './schemas';
import {
  LICENSE_NAME,
  MD5_LIST_NAME,
  Md5Tap,
  openArchive,
  parseMd5List,
  readEntryText,
  type ArchiveEntry,
  type OpenArchive,
} from './zip-extract';

export const COMPLETION_MARKER_NAME = '.complete.json';

export interface DownloadProgress {
  seriesInstanceUid: string;
  /** The file just written (its path in the archive). */
  fileName: string;
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
}

export interface SeriesDownloadRequest {
  seriesInstanceUid: string;
  /** Where the files go: `<prefixUri>/<name>.dcm`, plus `<prefixUri>/.complete.json`. */
  prefixUri: string;
  /** The number of DICOM files to expect. Default: ImageCount from getSeries. */
  expectedImageCount?: number;
  /** Called after each file is written (the fetch activity heartbeats with it). */
  onProgress?: (progress: DownloadProgress) => void;
}

export interface SeriesDownloadResult {
  seriesInstanceUid: string;
  markerUri: string;
  /** True when the marker was already there and nothing was downloaded. */
  alreadyComplete: boolean;
  /** Download tries used (0 when already complete). */
  attempts: number;
  files: CompletionMarker['files'];
}

/** Download a series into the store unless its completion marker says it is already there. */
export async function downloadSeriesToStore(
  client: TciaClient,
  store: BlobStore,
  request: SeriesDownloadRequest,
): Promise<SeriesDownloadResult> {
  const { seriesInstanceUid, prefixUri } = request;
  const markerUri = joinUri(prefixUri, COMPLETION_MARKER_NAME);
  const existing = await readCompletionMarker(store, markerUri, seriesInstanceUid);
  if (existing) return { seriesInstanceUid, markerUri, alreadyComplete: true, attempts: 0, files: existing.files };

  const imageCount = request.expectedImageCount ?? (await expectedImageCount(client, seriesInstanceUid));
  let attempts = 0;
  const files = await withRetries(client.retryPolicy, `download of series ${seriesInstanceUid}`, async (attempt) => {
    attempts = attempt;
    return downloadOnce(client, store, request, imageCount);
  });
  await deleteStaleObjects(store, prefixUri, new Set(files.map((file) => file.uri)));
  const marker: CompletionMarker = { seriesInstanceUid, imageCount, files };
  await store.put(markerUri, Buffer.from(`${JSON.stringify(marker, null, 2)}\n`));
  return { seriesInstanceUid, markerUri, alreadyComplete: false, attempts, files };
}

/** The marker of a finished download of this series, or undefined (absent, unreadable, or another series). */
async function readCompletionMarker(
  store: BlobStore,
  markerUri: string,
  seriesInstanceUid: string,
): Promise<CompletionMarker | undefined> {
  if (!(await store.exists(markerUri))) return undefined;
  try {
    const marker = CompletionMarkerSchema.parse(JSON.parse((await store.get(markerUri)).toString('utf8')));
    return marker.seriesInstanceUid === seriesInstanceUid ? marker : undefined;
  } catch {
    return undefined;
  }
}

/** ImageCount of the series from getSeries; MissingInputError when the source does not list it. */
async function expectedImageCount(client: TciaClient, seriesInstanceUid: string): Promise<number> {
  const rows = await client.getSeries({ seriesInstanceUid });
  if (rows.length === 0) {
    throw new MissingInputError(
      `${client.connection.baseUrl}/getSeries?SeriesInstanceUID=${seriesInstanceUid}: no such series (unknown, or not accessible)`,
      client.connection.baseUrl,
    );
  }
  return rows[0].ImageCount;
}

/** One try: fetch the ZIP to a temporary file, verify it, and stream its DICOM files into the store. */
async function downloadOnce(
  client: TciaClient,
  store: BlobStore,
  request: SeriesDownloadRequest,
  imageCount: number,
): Promise<CompletionMarker['files']> {
  const tempDir = await fs.mkdtemp(path.join(client.tempDir ?? os.tmpdir(), 'rg-tcia-'));
  const zipPath = path.join(tempDir, `${randomBytes(6).toString('hex')}.zip`);
  try {
    const url = await client.fetchSeriesZip(request.seriesInstanceUid, zipPath);
    const archive = await openArchive(zipPath, url);
    try {
      return await extractVerified(archive, store, request, imageCount, url);
    } finally {
      archive.close();
    }
  } finally {
    await fs.rm(tempDir, { recursive: true, force: true });
  }
}

/** Check count and MD5 list, then stream each DICOM entry into the store, checking its MD5. */
async function extractVerified(
  archive: OpenArchive,
  store: BlobStore,
  request: SeriesDownloadRequest,
  imageCount: number,
  url: string,
): Promise<CompletionMarker['files']> {
  const md5Entry = archive.entries.find((entry) => entry.name === MD5_LIST_NAME);
  const dicomEntries = archive.entries.filter((entry) => entry.name !== MD5_LIST_NAME && entry.name !== LICENSE_NAME);
  if (dicomEntries.length !== imageCount) {
    throw new DownloadVerificationError(
      `${url}: the archive holds ${dicomEntries.length} DICOM files, but the series has ImageCount ${imageCount}`,
      url,
    );
  }
  if (!md5Entry) throw new DownloadVerificationError(`${url}: the archive has no ${MD5_LIST_NAME}`, url);
  const md5List = parseMd5List(await readEntryText(archive, md5Entry));
  const unlisted = dicomEntries.filter((entry) => !md5List.has(entry.name)).map((entry) => entry.name);
  if (unlisted.length > 0) {
    throw new DownloadVerificationError(`${url}: ${MD5_LIST_NAME} lists no hash for ${unlisted.join(', ')}`, url);
  }

  const files: CompletionMarker['files'] = [];
  let bytesDone = 0;
  for (const entry of dicomEntries) {
    const file = await storeVerifiedEntry(archive, entry, store, request.prefixUri, md5List.get(entry.name) ?? '', url);
    files.push(file);
    bytesDone += file.size;
    request.onProgress?.({
      seriesInstanceUid: request.seriesInstanceUid,
      fileName: entry.name,
      filesDone: files.length,
      filesTotal: dicomEntries.length,
      bytesDone,
    });
  }
  return files;
}

/** Stream one entry into `<prefix>/<entry path>`; delete it again and throw if its MD5 is not the listed one. */
async function storeVerifiedEntry(
  archive: OpenArchive,
  entry: ArchiveEntry,
  store: BlobStore,
  prefixUri: string,
  expectedMd5: string,
  url: string,
): Promise<CompletionMarker['files'][number]> {
  const uri = joinUri(prefixUri, ...entry.name.split('/'));
  const tap = new Md5Tap();
  const stream = await archive.openEntry(entry);
  stream.on('error', (error) =>
    tap.destroy(new TransientSourceError(`${url}: cannot read entry "${entry.name}" (${error.message})`, url)),
  );
  const { size } = await store.putStream(uri, stream.pipe(tap));
  const md5 = tap.md5();
  if (md5 !== expectedMd5) {
    await store.delete(uri);
    throw new DownloadVerificationError(
      `${url}: ${entry.name} has MD5 ${md5}, but ${MD5_LIST_NAME} says ${expectedMd5}`,
      url,
    );
  }
  return { name: entry.name, uri, size, md5 };
}

/** Delete objects under the prefix (left by an earlier partial attempt) that are not in `keep`. */
async function deleteStaleObjects(store: BlobStore, prefixUri: string, keep: Set<string>): Promise<void> {
  const folderPrefix = prefixUri.endsWith('/') ? prefixUri : `${prefixUri}/`;
  for (const uri of await store.list(folderPrefix)) {
    if (!keep.has(uri)) await store.delete(uri);
  }
}
