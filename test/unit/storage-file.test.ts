import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { MissingInputError, OutputConflictError, UnsupportedUriError } from '../../activities/errors';
import { FileStore } from '../../activities/storage/file-store';
import { formatFileUri, joinUri } from '../../activities/storage/uri';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** A stream of `chunkCount` random chunks, also returning all bytes for comparison. */
function randomStream(chunkCount: number, chunkSize: number): { stream: Readable; bytes: Buffer } {
  const chunks = Array.from({ length: chunkCount }, () => randomBytes(chunkSize));
  return { stream: Readable.from(chunks), bytes: Buffer.concat(chunks) };
}

/** Names of every entry under `folder`, recursively, relative to it. */
async function allEntries(folder: string): Promise<string[]> {
  return (await readdir(folder, { recursive: true })).map(String).sort();
}

describe('FileStore', () => {
  const store = new FileStore();
  let root: string;
  let rootUri: string;

  before(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'rg-file-store-'));
    rootUri = formatFileUri(root);
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  test('put then get returns the bytes, sha256 matches node:crypto, no temp files remain', async () => {
    const uri = joinUri(rootUri, 'put', 'nested', 'a.bin');
    const data = randomBytes(4096);
    const result = await store.put(uri, data);
    assert.deepEqual(result, { uri, size: data.length, sha256: sha256(data) });
    assert.deepEqual(await store.get(uri), data);
    assert.equal(await store.sha256(uri), sha256(data));
    assert.equal(await store.exists(uri), true);
    assert.deepEqual(await allEntries(path.join(root, 'put')), ['nested', 'nested/a.bin']);
  });

  test('put overwrites an existing file', async () => {
    const uri = joinUri(rootUri, 'overwrite.txt');
    await store.put(uri, Buffer.from('first'));
    await store.put(uri, Buffer.from('second'));
    assert.equal((await store.get(uri)).toString(), 'second');
  });

  test('file names needing percent-encoding round-trip', async () => {
    const uri = joinUri(rootUri, 'odd names', 'patient #1?.nii');
    assert.equal(uri, `${rootUri}/odd%20names/patient%20%231%3F.nii`);
    await store.put(uri, Buffer.from('x'));
    assert.deepEqual(await readdir(path.join(root, 'odd names')), ['patient #1?.nii']);
    assert.deepEqual(await store.list(joinUri(rootUri, 'odd names/')), [uri]);
  });

  test('putIfAbsent writes once, then reports written:false for the same bytes', async () => {
    const uri = joinUri(rootUri, 'once', 'out.json');
    const data = Buffer.from('{"a":1}');
    assert.deepEqual(await store.putIfAbsent(uri, data), { uri, size: data.length, sha256: sha256(data), written: true });
    assert.deepEqual(await store.putIfAbsent(uri, data), { uri, size: data.length, sha256: sha256(data), written: false });
  });

  test('putIfAbsent with different bytes throws OutputConflictError naming the uri and keeps the original', async () => {
    const uri = joinUri(rootUri, 'conflict', 'out.json');
    await store.putIfAbsent(uri, Buffer.from('original'));
    await assert.rejects(store.putIfAbsent(uri, Buffer.from('different')), (error: unknown) => {
      assert.ok(error instanceof OutputConflictError);
      assert.equal(error.uri, uri);
      assert.match(error.message, new RegExp(escapeRegExp(uri)));
      return true;
    });
    assert.equal((await store.get(uri)).toString(), 'original');
  });

  test('concurrent putIfAbsent of the same bytes: exactly one written:true, no temp files left', async () => {
    const uri = joinUri(rootUri, 'race-same', 'out.bin');
    const data = randomBytes(256 * 1024);
    const results = await Promise.all(Array.from({ length: 40 }, () => store.putIfAbsent(uri, data)));
    assert.equal(results.filter((r) => r.written).length, 1);
    assert.ok(results.every((r) => r.sha256 === sha256(data)));
    assert.deepEqual(await store.get(uri), data);
    assert.deepEqual(await readdir(path.join(root, 'race-same')), ['out.bin']);
  });

  test('concurrent putIfAbsent of different bytes: one wins, every other writer gets OutputConflictError', async () => {
    const uri = joinUri(rootUri, 'race-different', 'out.bin');
    const payloads = Array.from({ length: 20 }, (_, i) => Buffer.from(`writer ${i} `.repeat(1000)));
    const settled = await Promise.allSettled(payloads.map((p) => store.putIfAbsent(uri, p)));
    const winners = settled.filter((s) => s.status === 'fulfilled');
    assert.equal(winners.length, 1);
    for (const s of settled) {
      if (s.status === 'rejected') assert.ok(s.reason instanceof OutputConflictError, String(s.reason));
    }
    const stored = await store.get(uri);
    assert.ok(payloads.some((p) => p.equals(stored)), 'the stored file is one complete payload');
    assert.deepEqual(await readdir(path.join(root, 'race-different')), ['out.bin']);
  });

  test('list recurses, sorts, honours non-folder prefixes and ignores temp files', async () => {
    const base = joinUri(rootUri, 'listing');
    for (const name of ['b.txt', 'a/2.txt', 'a/1.txt', 'ab.txt', 'c/d/e.txt']) {
      await store.put(joinUri(base, name), Buffer.from(name));
    }
    await writeFile(path.join(root, 'listing', 'a', '.3.txt.0123456789ab.tmp'), 'partial');
    const all = await store.list(`${base}/`);
    assert.deepEqual(
      all,
      ['a/1.txt', 'a/2.txt', 'ab.txt', 'b.txt', 'c/d/e.txt'].map((n) => joinUri(base, n)),
    );
    assert.deepEqual(await store.list(joinUri(base, 'a')), ['a/1.txt', 'a/2.txt', 'ab.txt'].map((n) => joinUri(base, n)));
    assert.deepEqual(await store.list(joinUri(base, 'a/')), ['a/1.txt', 'a/2.txt'].map((n) => joinUri(base, n)));
    assert.deepEqual(await store.list(joinUri(rootUri, 'no-such-folder/')), []);
  });

  test('absent files: MissingInputError naming the uri from get, getStream and sha256; exists is false', async () => {
    const uri = joinUri(rootUri, 'missing', 'nothing.nii.gz');
    for (const attempt of [() => store.get(uri), () => store.getStream(uri), () => store.sha256(uri)]) {
      await assert.rejects(attempt(), (error: unknown) => {
        assert.ok(error instanceof MissingInputError, String(error));
        assert.equal(error.uri, uri);
        assert.match(error.message, new RegExp(escapeRegExp(uri)));
        return true;
      });
    }
    assert.equal(await store.exists(uri), false);
  });

  test('a folder is not an object', async () => {
    await mkdir(path.join(root, 'a-folder'), { recursive: true });
    const uri = joinUri(rootUri, 'a-folder');
    assert.equal(await store.exists(uri), false);
    await assert.rejects(store.get(uri), MissingInputError);
    await assert.rejects(store.getStream(uri), MissingInputError);
  });

  test('putStream of a few MB: size and sha256 match, getStream returns the same bytes', async () => {
    const uri = joinUri(rootUri, 'stream', 'big.bin');
    const { stream, bytes } = randomStream(48, 64 * 1024 + 7); // ~3 MB in odd-sized chunks
    const result = await store.putStream(uri, stream);
    assert.deepEqual(result, { uri, size: bytes.length, sha256: sha256(bytes) });
    const chunks: Buffer[] = [];
    for await (const chunk of await store.getStream(uri)) chunks.push(chunk as Buffer);
    assert.ok(Buffer.concat(chunks).equals(bytes));
    assert.equal(await store.sha256(uri), sha256(bytes));
    assert.deepEqual(await readdir(path.join(root, 'stream')), ['big.bin']);
  });

  test('putStream whose source fails leaves neither the target nor a temp file', async () => {
    const uri = joinUri(rootUri, 'stream-fail', 'broken.bin');
    async function* failingSource() {
      yield randomBytes(100_000);
      throw new Error('source broke');
    }
    await assert.rejects(store.putStream(uri, Readable.from(failingSource())), /source broke/);
    assert.equal(await store.exists(uri), false);
    assert.deepEqual(await readdir(path.join(root, 'stream-fail')), []);
  });

  test('delete removes the file and is a no-op when it is already gone', async () => {
    const uri = joinUri(rootUri, 'delete-me.txt');
    await store.put(uri, Buffer.from('bye'));
    await store.delete(uri);
    assert.equal(await store.exists(uri), false);
    await store.delete(uri);
  });

  test('non-file URIs are rejected with UnsupportedUriError', async () => {
    await assert.rejects(store.get('s3://bucket/key'), UnsupportedUriError);
    await assert.rejects(store.get('file://remote-host/x'), UnsupportedUriError);
    await assert.rejects(store.get(`${rootUri}/a?b`), UnsupportedUriError);
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
