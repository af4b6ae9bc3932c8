/**
 * What a manifest's image_uri / mask_uri may point at, and how its files are brought in:
 *
 *   file:///data/ct.nrrd, s3://bucket/ct.nii.gz   one volume file (NRRD or NIfTI, told apart by content)
 *   file:///data/ct/, s3://bucket/series/          a folder or prefix (trailing "/") of DICOM files: one
 *                                                  series (IDC-style layout), or a SEG / RTSTRUCT file
 *   file:///data/seg.dcm                           one DICOM file: an image (single or multi-frame),
 *                                                  a DICOM-SEG or an RTSTRUCT
 *   tcia://<SeriesInstanceUID>                     a TCIA series, downloaded (verified, resumable) into
 *                                                  <output>/sources/tcia/<SeriesInstanceUID>/ first
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { InvalidSettingsError } from '../errors';
import type { BlobStore } from '../storage/blob-store';
import type { SourceSettings } from '../run/schemas';
import { TciaClient } from '../sources/tcia/client';
import { downloadSeriesToStore } from '../sources/tcia/download';
import { isDicom } from './dicom/dataset';
import { toFileUri } from '../storage/uri';

/** One file of a source, read into memory. */
export interface SourceFile {
  uri: string;
  bytes: Uint8Array;
}

/** A source read: either one volume file, or DICOM files (one or more). */
export type SourceContents = { kind: 'volume-file'; file: SourceFile } | { kind: 'dicom'; files: SourceFile[] };

export interface SourceContext {
  store: BlobStore;
  /** Where downloads (TCIA) are kept, under `<outputUri>/sources/`. */
  outputUri: string;
  sources: SourceSettings;
  /** Called after each file read or downloaded (the activity heartbeats with it). */
  onProgress: (step: string) => void;
}

const TCIA_SCHEME = 'tcia://';

/** A URI stays as it is; a local path becomes a file:// URI, ending with "/" when it is a folder (a series). */
export function sourceUriOf(pathOrUri: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(pathOrUri)) return pathOrUri;
  const absolute = resolve(pathOrUri);
  let folder = false;
  try {
    folder = statSync(absolute).isDirectory();
  } catch {
    // missing: the read reports it, naming the path
  }
  return toFileUri(absolute) + (folder ? '/' : '');
}

/** Read every file a source URI stands for. */
export async function readSource(uri: string, context: SourceContext): Promise<SourceContents> {
  if (uri.startsWith(TCIA_SCHEME)) return { kind: 'dicom', files: await readFolder(await downloadTciaSeries(uri, context), context) };
  if (uri.endsWith('/')) return { kind: 'dicom', files: await readFolder(uri, context) };
  const file = { uri, bytes: await context.store.get(uri) };
  context.onProgress(`read ${uri}`);
  return isDicom(file.bytes) ? { kind: 'dicom', files: [file] } : { kind: 'volume-file', file };
}

/** Every object under a folder/prefix, except hidden ones (like the download marker), in name order. */
async function readFolder(folderUri: string, context: SourceContext): Promise<SourceFile[]> {
  const uris = (await context.store.list(folderUri)).filter((uri) => !baseName(uri).startsWith('.'));
  const files: SourceFile[] = [];
  for (const uri of uris) {
    files.push({ uri, bytes: await context.store.get(uri) });
    context.onProgress(`read ${files.length}/${uris.length} files of ${folderUri}`);
  }
  return files;
}

/** Download `tcia://<uid>` into the store (nothing when already complete); returns the folder URI. */
async function downloadTciaSeries(uri: string, context: SourceContext): Promise<string> {
  const seriesInstanceUid = uri.slice(TCIA_SCHEME.length).replace(/\/+$/, '');
  if (!/^[0-9]+(\.[0-9]+)*$/.test(seriesInstanceUid)) {
    throw new InvalidSettingsError(`${uri}: a TCIA source is tcia://<SeriesInstanceUID> (digits and dots)`, uri);
  }
  const tcia = context.sources.tcia;
  const client = new TciaClient({
    baseUrl: tcia.baseUrl,
    token: process.env[tcia.tokenEnv] || undefined,
    retry: { attempts: tcia.attempts, baseDelayMs: tcia.retryDelayMs },
  });
  const folderUri = `${context.outputUri}/sources/tcia/${seriesInstanceUid}/`;
  await downloadSeriesToStore(client, context.store, {
    seriesInstanceUid,
    prefixUri: folderUri.slice(0, -1),
    onProgress: (p) => context.onProgress(`downloaded ${p.filesDone}/${p.filesTotal} files of series ${seriesInstanceUid}`),
  });
  return folderUri;
}

function baseName(uri: string): string {
  return uri.slice(uri.lastIndexOf('/') + 1);
}
