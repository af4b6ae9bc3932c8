/**
 * Test support: a BlobStore held in a Map (URI → bytes), with the same contract as the real
 * stores: get of a missing object is a MissingInputError, putIfAbsent writes once and refuses
 * different bytes with an OutputConflictError, list is sorted by URI.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { MissingInputError, OutputConflictError } from '../../activities/errors';
import type { BlobStore, PutResult } from '../../activities/storage/blob-store';

function sha256Hex(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export class MemoryStore implements BlobStore {
  readonly objects = new Map<string, Buffer>();

  async get(uri: string): Promise<Buffer> {
    const data = this.objects.get(uri);
    if (!data) throw new MissingInputError(`Cannot read ${uri}: no such object`, uri);
    return Buffer.from(data);
  }

  async put(uri: string, data: Uint8Array): Promise<PutResult> {
    const copy = Buffer.from(data);
    this.objects.set(uri, copy);
    return { uri, size: copy.length, sha256: sha256Hex(copy) };
  }

  async putIfAbsent(uri: string, data: Uint8Array): Promise<PutResult & { written: boolean }> {
    const existing = this.objects.get(uri);
    const wanted = { uri, size: data.byteLength, sha256: sha256Hex(data) };
    if (!existing) return { ...(await this.put(uri, data)), written: true };
    if (!existing.equals(data)) {
      throw new OutputConflictError(`Refusing to overwrite ${uri}: it already holds different bytes`, uri);
    }
    return { ...wanted, written: false };
  }

  async exists(uri: string): Promise<boolean> {
    return this.objects.has(uri);
  }

  async list(prefixUri: string): Promise<string[]> {
    return [...this.objects.keys()].filter((uri) => uri.startsWith(prefixUri)).sort();
  }

  async getStream(uri: string): Promise<Readable> {
    return Readable.from([await this.get(uri)]);
  }

  async putStream(uri: string, stream: Readable): Promise<PutResult> {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk));
    return this.put(uri, Buffer.concat(chunks));
  }

  async sha256(uri: string): Promise<string> {
    return sha256Hex(await this.get(uri));
  }

  /** Deleting a missing object is not an error, as in the real stores. */
  async delete(uri: string): Promise<void> {
    this.objects.delete(uri);
  }
}
