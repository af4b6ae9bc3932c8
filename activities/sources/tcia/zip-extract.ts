/**
 * Reading an NBIA getImage ZIP safely and one entry at a time.
 *
 * The archive is read from a local file with yauzl, which reads the central directory first:
 * a ZIP cut short in transfer has no central directory and is reported as a TransientSourceError
 * (retry the download). Entry names are checked before anything is extracted: `..` segments,
 * absolute paths, drive letters and backslashes are an UnsafeArchiveError. Entry data is streamed,
 * never held whole in memory.
 *
 * NBIA's archive holds `LICENSE`, the DICOM files (`00000001.dcm`, … or, with NewFileNames=Yes,
 * `1-01.dcm` …) and, with IncludeMD5=yes, `md5hashes.csv` (`Filename,MD5Hash`, one row per file).
 */
import { createHash } from 'node:crypto';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import * as yauzl from 'yauzl';
import { TransientSourceError, UnsafeArchiveError } from '../../errors';

export const MD5_LIST_NAME = 'md5hashes.csv';
export const LICENSE_NAME = 'LICENSE';

export interface ArchiveEntry {
  /** The entry's path inside the archive, checked safe ('/'-separated, relative, no `..`). */
  name: string;
  size: number;
  entry: yauzl.Entry;
}

/** An open archive: its entries (names checked) and a way to stream each one. */
export interface OpenArchive {
  entries: ArchiveEntry[];
  /** The entry's uncompressed bytes as a stream. */
  openEntry(entry: ArchiveEntry): Promise<Readable>;
  close(): void;
}

/** Why an entry name is unsafe to extract, or undefined when it is safe. */
export function unsafeEntryReason(name: string): string | undefined {
  if (name.length === 0) return 'empty name';
  if (name.includes('\0')) return 'NUL character in name';
  if (name.includes('\\')) return 'backslash in name';
  if (name.startsWith('/')) return 'absolute path';
  if (/^[a-zA-Z]:/.test(name)) return 'drive letter (absolute Windows path)';
  if (name.split('/').includes('..')) return 'parent folder segment (zip-slip)';
  return undefined;
}

/**
 * Open a ZIP file and list its entries. Throws UnsafeArchiveError naming the first unsafe entry,
 * TransientSourceError when the file is not a complete ZIP (truncated download).
 */
export async function openArchive(zipPath: string, sourceUrl: string): Promise<OpenArchive> {
  let zipFile: yauzl.ZipFile;
  try {
    zipFile = await yauzl.openPromise(zipPath, { lazyEntries: true, autoClose: false, decodeStrings: false });
  } catch (error) {
    throw new TransientSourceError(
      `${sourceUrl}: the ZIP is truncated or corrupt (${(error as Error).message})`,
      sourceUrl,
    );
  }
  try {
    const entries: ArchiveEntry[] = [];
    for await (const entry of zipFile.eachEntry()) {
      const name = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, true);
      const reason = unsafeEntryReason(name);
      if (reason) {
        throw new UnsafeArchiveError(`${sourceUrl}: refusing to extract entry "${name}": ${reason}`, sourceUrl);
      }
      if (!name.endsWith('/')) entries.push({ name, size: entry.uncompressedSize, entry });
    }
    return {
      entries,
      openEntry: (archiveEntry) => openEntryStream(zipFile, archiveEntry, sourceUrl),
      close: () => zipFile.close(),
    };
  } catch (error) {
    zipFile.close();
    if (error instanceof UnsafeArchiveError) throw error;
    throw new TransientSourceError(`${sourceUrl}: cannot read the ZIP's entries (${(error as Error).message})`, sourceUrl);
  }
}

/** A read stream of one entry; a failure to start is a TransientSourceError (damaged download). */
async function openEntryStream(zipFile: yauzl.ZipFile, archiveEntry: ArchiveEntry, sourceUrl: string): Promise<Readable> {
  try {
    return await zipFile.openReadStreamPromise(archiveEntry.entry);
  } catch (error) {
    throw new TransientSourceError(
      `${sourceUrl}: cannot read entry "${archiveEntry.name}" (${(error as Error).message})`,
      sourceUrl,
    );
  }
}

/** Read a small entry (md5hashes.csv) whole, as UTF-8 text. */
export async function readEntryText(archive: OpenArchive, entry: ArchiveEntry): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of await archive.openEntry(entry)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Parse md5hashes.csv (`Filename,MD5Hash` header, then `name,hex` rows) into name → lower-case hex.
 * Rows that are not `name,32 hex digits` are ignored.
 */
export function parseMd5List(text: string): Map<string, string> {
  const hashes = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const match = /^"?([^",]+)"?\s*,\s*"?([0-9a-fA-F]{32})"?\s*$/.exec(line.trim());
    if (match) hashes.set(match[1], match[2].toLowerCase());
  }
  return hashes;
}

/** A pass-through stream that computes the MD5 and size of what flows through it. */
export class Md5Tap extends Transform {
  private readonly hash = createHash('md5');
  private digest: string | undefined;
  bytesSeen = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.bytesSeen += chunk.length;
    callback(null, chunk);
  }

  /** Hex MD5 of all bytes seen; call once the stream has ended. */
  md5(): string {
    this.digest ??= this.hash.digest('hex');
    return this.digest;
  }
}
