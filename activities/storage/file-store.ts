/**
 * BlobStore on the local file system, for `file:///absolute/path` URIs.
 *
 * Every write goes to a temporary file in the target's own folder (`.<name>.<random>.tmp`),
 * is fsynced, and only then takes the target's name, so a reader never sees a partial file.
 */
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { MissingInputError, OutputConflictError, RadiogenomicsError } from '../errors';
import type { BlobStore, PutResult } from './blob-store';
import { chunkToBuffer, sha256Hex, sha256OfStream } from './hashing';
import { formatFileUri, parseFileUri } from './uri';

/** Names of our temporary files: `.<base>.<12 hex digits>.tmp`. `list` skips them. */
const TEMP_FILE_NAME = /^\..+\.[0-9a-f]{12}\.tmp$/;

export class FileStore implements BlobStore {
  async get(uri: string): Promise<Buffer> {
    const filePath = parseFileUri(uri);
    try {
      return await fs.readFile(filePath);
    } catch (error) {
      throw describeFsError(error, uri, 'read');
    }
  }

  async put(uri: string, data: Uint8Array): Promise<PutResult> {
    const filePath = parseFileUri(uri);
    const tempPath = await writeTempFile(filePath, uri, (handle) => writeFully(handle, data));
    await moveIntoPlace(tempPath, filePath, uri);
    return { uri, size: data.byteLength, sha256: sha256Hex(data) };
  }

  /**
   * Write only if absent; safe against concurrent writers (in this or other processes).
   * The final step is a hard link from the finished temporary file to the target, which fails
   * if the target appeared in the meantime; then the existing bytes are compared instead.
   */
  async putIfAbsent(uri: string, data: Uint8Array): Promise<PutResult & { written: boolean }> {
    const filePath = parseFileUri(uri);
    const wanted: PutResult = { uri, size: data.byteLength, sha256: sha256Hex(data) };
    if (await this.exists(uri)) {
      return { ...(await this.compareWithExisting(wanted)), written: false };
    }
    const tempPath = await writeTempFile(filePath, uri, (handle) => writeFully(handle, data));
    let written: boolean;
    try {
      written = await linkIfAbsent(tempPath, filePath, uri);
    } finally {
      await fs.rm(tempPath, { force: true });
    }
    if (!written) return { ...(await this.compareWithExisting(wanted)), written: false };
    await syncFolder(path.dirname(filePath));
    return { ...wanted, written: true };
  }

  async exists(uri: string): Promise<boolean> {
    const filePath = parseFileUri(uri);
    try {
      return (await fs.stat(filePath)).isFile();
    } catch (error) {
      if (isMissingFileError(error)) return false;
      throw describeFsError(error, uri, 'check');
    }
  }

  /**
   * All files whose URI starts with `prefixUri`, sorted. The prefix need not end at a folder:
   * `file:///runs/r1/pat` matches `file:///runs/r1/patient-7/features.json`.
   */
  async list(prefixUri: string): Promise<string[]> {
    const prefixPath = parseFileUri(prefixUri);
    const folder = prefixPath.endsWith('/') ? prefixPath : path.dirname(prefixPath);
    const files = await listFilesRecursively(folder, prefixUri);
    return files
      .filter((filePath) => filePath.startsWith(prefixPath))
      .map((filePath) => formatFileUri(filePath))
      .sort();
  }

  async getStream(uri: string): Promise<Readable> {
    const filePath = parseFileUri(uri);
    let handle: FileHandle;
    try {
      handle = await fs.open(filePath, 'r');
    } catch (error) {
      throw describeFsError(error, uri, 'read');
    }
    if (!(await handle.stat()).isFile()) {
      await handle.close();
      throw new MissingInputError(`Cannot read ${uri}: it is a folder, not a file`, uri);
    }
    return handle.createReadStream(); // closes the handle when the stream ends or is destroyed
  }

  /** Stream into a temporary file chunk by chunk (hashing as it goes), then rename it into place. */
  async putStream(uri: string, stream: Readable): Promise<PutResult> {
    const filePath = parseFileUri(uri);
    const hash = createHash('sha256');
    let size = 0;
    const tempPath = await writeTempFile(filePath, uri, async (handle) => {
      for await (const chunk of stream) {
        const bytes = chunkToBuffer(chunk);
        hash.update(bytes);
        size += bytes.length;
        await writeFully(handle, bytes); // awaiting each write keeps memory bounded (back-pressure)
      }
    });
    await moveIntoPlace(tempPath, filePath, uri);
    return { uri, size, sha256: hash.digest('hex') };
  }

  async sha256(uri: string): Promise<string> {
    return (await sha256OfStream(await this.getStream(uri))).sha256;
  }

  /** Remove the file. Deleting a file that does not exist is not an error (retries stay harmless). */
  async delete(uri: string): Promise<void> {
    const filePath = parseFileUri(uri);
    try {
      await fs.unlink(filePath);
    } catch (error) {
      if (isMissingFileError(error)) return;
      throw describeFsError(error, uri, 'delete');
    }
  }

  /** Existing file's identity if it holds the wanted bytes; OutputConflictError if it holds others. */
  private async compareWithExisting(wanted: PutResult): Promise<PutResult> {
    const existingSha256 = await this.sha256(wanted.uri);
    if (existingSha256 !== wanted.sha256) {
      throw new OutputConflictError(
        `Refusing to overwrite ${wanted.uri}: it already holds different bytes ` +
          `(sha256 ${existingSha256}, new bytes sha256 ${wanted.sha256})`,
        wanted.uri,
      );
    }
    return wanted;
  }
}

/**
 * Create a temporary file next to `filePath`, fill it with `writeBody`, fsync and close it.
 * Returns the temporary path; on failure the temporary file is removed.
 */
async function writeTempFile(
  filePath: string,
  uri: string,
  writeBody: (handle: FileHandle) => Promise<void>,
): Promise<string> {
  const folder = path.dirname(filePath);
  const tempPath = path.join(folder, `.${path.basename(filePath)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await fs.mkdir(folder, { recursive: true });
    const handle = await fs.open(tempPath, 'wx');
    try {
      await writeBody(handle);
      await handle.sync();
    } finally {
      await handle.close();
    }
    return tempPath;
  } catch (error) {
    await fs.rm(tempPath, { force: true });
    throw describeFsError(error, uri, 'write');
  }
}

/** Rename a finished temporary file onto its target (replacing it atomically) and make that durable. */
async function moveIntoPlace(tempPath: string, filePath: string, uri: string): Promise<void> {
  try {
    await fs.rename(tempPath, filePath);
  } catch (error) {
    await fs.rm(tempPath, { force: true });
    throw describeFsError(error, uri, 'write');
  }
  await syncFolder(path.dirname(filePath));
}

/**
 * Give the finished temporary file the target's name unless the target exists.
 * Returns false when another writer got there first.
 */
async function linkIfAbsent(tempPath: string, filePath: string, uri: string): Promise<boolean> {
  try {
    await fs.link(tempPath, filePath);
    return true;
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    throw describeFsError(error, uri, 'write');
  }
}

/** Write all of `data` at the handle's current position (a single write may be partial). */
async function writeFully(handle: FileHandle, data: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < data.byteLength) {
    const { bytesWritten } = await handle.write(data, offset, data.byteLength - offset);
    offset += bytesWritten;
  }
}

/** fsync a folder so that a rename or link inside it survives a crash. Best effort. */
async function syncFolder(folder: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await fs.open(folder, 'r');
    await handle.sync();
  } catch {
    // Some file systems refuse to fsync folders; the data itself was already fsynced.
  } finally {
    await handle?.close();
  }
}

/** Absolute paths of all files under `folder` (following nothing but real folders), skipping temp files. */
async function listFilesRecursively(folder: string, prefixUri: string): Promise<string[]> {
  let entries;
  try {
    entries = await fs.readdir(folder, { withFileTypes: true });
  } catch (error) {
    if (isMissingFileError(error)) return [];
    throw describeFsError(error, prefixUri, 'list');
  }
  const files: string[] = [];
  for (const entry of entries) {
    const entryPath = path.join(folder, entry.name);
    if (entry.isDirectory()) {
      files.push(...(await listFilesRecursively(entryPath, prefixUri)));
    } else if (TEMP_FILE_NAME.test(entry.name)) {
      continue;
    } else if (entry.isFile() || (entry.isSymbolicLink() && (await isFileOrLinkToFile(entryPath)))) {
      files.push(entryPath);
    }
  }
  return files;
}

async function isFileOrLinkToFile(filePath: string): Promise<boolean> {
  try {
    return (await fs.stat(filePath)).isFile();
  } catch {
    return false; // dangling link
  }
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/** ENOENT, or ENOTDIR (a parent of the path is a file): either way the file is not there. */
function isMissingFileError(error: unknown): boolean {
  const code = errorCode(error);
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** A typed or descriptive error naming the URI: MissingInputError for absent files on reads. */
function describeFsError(error: unknown, uri: string, action: 'read' | 'write' | 'check' | 'list' | 'delete'): Error {
  if (error instanceof RadiogenomicsError) return error; // already typed and named
  if (action === 'read' && isMissingFileError(error)) {
    return new MissingInputError(`Cannot read ${uri}: no such file`, uri);
  }
  if (action === 'read' && errorCode(error) === 'EISDIR') {
    return new MissingInputError(`Cannot read ${uri}: it is a folder, not a file`, uri);
  }
  const code = errorCode(error);
  const wrapped = new Error(`Cannot ${action} ${uri}: ${(error as Error).message}`, { cause: error });
  return Object.assign(wrapped, code ? { code } : {});
}
