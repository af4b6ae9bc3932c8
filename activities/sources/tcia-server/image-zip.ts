/**
 * The getImage ZIP of a series, as NBIA v4 builds it: a `LICENSE` entry, the DICOM files named
 * `00000001.dcm`, `00000002.dcm`, … (or `1-01.dcm`, … with NewFileNames=Yes), and, with
 * IncludeMD5=yes, `md5hashes.csv` (`Filename,MD5Hash`) last. Streamed with yazl: files on disk are
 * read one at a time, never held whole in memory. Faults (wrong MD5, missing files, an unsafe entry
 * name) change the archive; an unsafe name needs the whole archive in memory to patch it, since
 * yazl itself refuses such names.
 */
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { ZipFile } from 'yazl';
import type { ServedSeries } from './collection-spec';
import type { SeriesFaults } from './faults';

const FIXED_MTIME = new Date('2020-01-01T00:00:00Z');
const LICENSE_TEXT = 'Creative Commons Attribution 4.0 International License\nhttps://creativecommons.org/licenses/by/4.0/\n';

export interface ImageZipOptions {
  includeMd5: boolean;
  newFileNames: boolean;
  /** Deflate the entries (NBIA does). */
  compress: boolean;
  faults: SeriesFaults;
}

/** A placeholder entry name to patch into `unsafeName` afterwards (same length, hex digits only). */
export interface PendingRename {
  placeholder: string;
  unsafeName: string;
}

/** Build the ZIP; returns its byte stream and the rename to apply when a fault asks for an unsafe name. */
export function buildImageZip(served: ServedSeries, options: ImageZipOptions): { stream: Readable; rename?: PendingRename } {
  const zip = new ZipFile();
  const entryOptions = { mtime: FIXED_MTIME, compress: options.compress };
  zip.addBuffer(Buffer.from(LICENSE_TEXT), 'LICENSE', entryOptions);
  const files = served.files.slice(0, Math.max(0, served.files.length - (options.faults.dropFiles ?? 0)));
  const md5Rows: string[] = [];
  files.forEach((file, index) => {
    const name = options.newFileNames ? `1-${String(index + 1).padStart(2, '0')}.dcm` : `${String(index + 1).padStart(8, '0')}.dcm`;
    if (file.bytes) zip.addBuffer(Buffer.from(file.bytes), name, entryOptions);
    else zip.addFile(file.path as string, name, entryOptions);
    const md5 = index === 0 && options.faults.corruptMd5 ? flipFirstDigit(file.md5) : file.md5;
    md5Rows.push(`${name},${md5}`);
  });
  let rename: PendingRename | undefined;
  if (options.faults.unsafeEntryName) {
    const unsafeName = options.faults.unsafeEntryName;
    const placeholder = randomBytes(unsafeName.length).toString('hex').slice(0, unsafeName.length);
    zip.addBuffer(Buffer.from('not really DICOM'), placeholder, entryOptions);
    md5Rows.push(`${unsafeName},00000000000000000000000000000000`);
    rename = { placeholder, unsafeName };
  }
  if (options.includeMd5) {
    zip.addBuffer(Buffer.from(`Filename,MD5Hash\n${md5Rows.join('\n')}\n`), 'md5hashes.csv', entryOptions);
  }
  zip.end();
  return { stream: zip.outputStream as Readable, rename };
}

/** Replace every occurrence of the placeholder name (local header and central directory) by the unsafe name. */
export function applyRename(zipBytes: Buffer, rename: PendingRename): Buffer {
  const from = Buffer.from(rename.placeholder, 'utf8');
  const to = Buffer.from(rename.unsafeName, 'utf8');
  let at = zipBytes.indexOf(from);
  while (at !== -1) {
    to.copy(zipBytes, at);
    at = zipBytes.indexOf(from, at + from.length);
  }
  return zipBytes;
}

/** The same hex digest with its first digit changed. */
function flipFirstDigit(md5: string): string {
  return (md5[0] === '0' ? '1' : '0') + md5.slice(1);
}
