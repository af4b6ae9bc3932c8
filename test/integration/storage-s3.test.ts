/**
 * S3Store against a real S3-compatible server (MinIO or moto, see test/support/s3-server.ts).
 *   node --import tsx --test test/integration/storage-s3.test.ts
 *   RG_S3_SERVER=moto node --import tsx --test test/integration/storage-s3.test.ts
 */
import {
  CreateBucketCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { MissingInputError, OutputConflictError, UnsupportedUriError } from '../../activities/errors';
import { createStorage, formatFileUri, joinUri, s3ClientFromEnv, S3Store } from '../../activities/storage';
import { startS3Server, type S3TestServer } from '../support/s3-server';

const BUCKET = 'rg-test-bucket';
const MiB = 1024 * 1024;
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('S3Store against a real S3-compatible server', () => {
  let server: S3TestServer;
  let env: NodeJS.ProcessEnv;
  let client: S3Client;
  let store: S3Store;

  before(async () => {
    server = await startS3Server();
    console.log(`# S3 test server: ${server.kind} at ${server.endpoint}`);
    env = {
      AWS_ENDPOINT_URL_S3: server.endpoint,
      AWS_ACCESS_KEY_ID: server.accessKeyId,
      AWS_SECRET_ACCESS_KEY: server.secretAccessKey,
      AWS_REGION: server.region,
    };
    client = s3ClientFromEnv(env);
    await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
    store = new S3Store(client, { partSizeBytes: 5 * MiB });
  });

  after(async () => {
    client?.destroy();
    await server?.stop();
  });

  test('put, get, exists, sha256; put stores the sha256 as object metadata', async () => {
    const uri = `s3://${BUCKET}/basic/a.bin`;
    const data = randomBytes(10_000);
    assert.deepEqual(await store.put(uri, data), { uri, size: data.length, sha256: sha256(data) });
    assert.deepEqual(await store.get(uri), data);
    assert.equal(await store.exists(uri), true);
    assert.equal(await store.sha256(uri), sha256(data));
    const head = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'basic/a.bin' }));
    assert.equal(head.Metadata?.sha256, sha256(data));

    await store.put(uri, Buffer.from('replaced'));
    assert.equal((await store.get(uri)).toString(), 'replaced');
  });

  test('absent objects: MissingInputError naming the uri; exists is false', async () => {
    const uri = `s3://${BUCKET}/missing/nothing.nii.gz`;
    for (const attempt of [() => store.get(uri), () => store.getStream(uri), () => store.sha256(uri)]) {
      await assert.rejects(attempt(), (error: unknown) => {
        assert.ok(error instanceof MissingInputError, String(error));
        assert.equal(error.uri, uri);
        assert.ok(error.message.includes(uri), error.message);
        return true;
      });
    }
    assert.equal(await store.exists(uri), false);
    const inMissingBucket = 's3://no-such-bucket-rg/x';
    await assert.rejects(store.get(inMissingBucket), (error: unknown) => {
      assert.ok(error instanceof MissingInputError, String(error));
      assert.ok(error.message.includes(inMissingBucket), error.message);
      return true;
    });
    assert.equal(await store.exists(inMissingBucket), false);
  });

  test('list pages through more than 1000 keys, sorted, and honours the prefix', async () => {
    const names = Array.from({ length: 1100 }, (_, i) => `many/item-${String(i).padStart(4, '0')}`);
    await inBatches(names, 50, (name) => store.put(`s3://${BUCKET}/${name}`, Buffer.from(name)));
    await store.put(`s3://${BUCKET}/many-other/x`, Buffer.from('x'));

    const listed = await store.list(`s3://${BUCKET}/many/`);
    assert.equal(listed.length, 1100);
    assert.deepEqual(listed, names.map((n) => `s3://${BUCKET}/${n}`).sort());
    assert.equal((await store.list(`s3://${BUCKET}/many/item-10`)).length, 100);
    assert.equal((await store.list(`s3://${BUCKET}/many`)).length, 1101);
    assert.deepEqual(await store.list(`s3://${BUCKET}/nothing-here/`), []);
  });

  test('putIfAbsent: written once, then written:false, different bytes → OutputConflictError', async () => {
    const uri = `s3://${BUCKET}/once/out.json`;
    const data = Buffer.from('{"a":1}');
    assert.deepEqual(await store.putIfAbsent(uri, data), { uri, size: data.length, sha256: sha256(data), written: true });
    assert.deepEqual(await store.putIfAbsent(uri, data), { uri, size: data.length, sha256: sha256(data), written: false });
    await assert.rejects(store.putIfAbsent(uri, Buffer.from('{"a":2}')), (error: unknown) => {
      assert.ok(error instanceof OutputConflictError, String(error));
      assert.equal(error.uri, uri);
      assert.ok(error.message.includes(uri), error.message);
      return true;
    });
    assert.deepEqual(await store.get(uri), data);
  });

  test('putIfAbsent compares by hashing the body when the object has no sha256 metadata', async () => {
    const key = 'foreign/written-by-someone-else.txt';
    const uri = `s3://${BUCKET}/${key}`;
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: 'abc' }));
    assert.equal((await store.putIfAbsent(uri, Buffer.from('abc'))).written, false);
    await assert.rejects(store.putIfAbsent(uri, Buffer.from('abd')), OutputConflictError); // same size
    await assert.rejects(store.putIfAbsent(uri, Buffer.from('abcd')), OutputConflictError); // other size
  });

  test('concurrent putIfAbsent of the same bytes: exactly one written:true', async () => {
    const uri = `s3://${BUCKET}/race/out.bin`;
    const data = randomBytes(64 * 1024);
    const results = await Promise.all(Array.from({ length: 10 }, () => store.putIfAbsent(uri, data)));
    assert.equal(results.filter((r) => r.written).length, 1);
    assert.deepEqual(await store.get(uri), data);
  });

  test('concurrent putIfAbsent of different bytes: one winner, the others get OutputConflictError', async () => {
    const uri = `s3://${BUCKET}/race-different/out.bin`;
    const payloads = Array.from({ length: 10 }, (_, i) => Buffer.from(`writer ${i}`));
    const settled = await Promise.allSettled(payloads.map((p) => store.putIfAbsent(uri, p)));
    assert.equal(settled.filter((s) => s.status === 'fulfilled').length, 1);
    for (const s of settled) {
      if (s.status === 'rejected') assert.ok(s.reason instanceof OutputConflictError, String(s.reason));
    }
  });

  test('a writer that loses the race between its existence check and its write compares the winner (412)', async () => {
    for (const [name, rivalBytes, expectConflict] of [
      ['same', 'payload', false],
      ['different', 'rival payload', true],
    ] as const) {
      const key = `lost-race/${name}.txt`;
      const racingClient = s3ClientFromEnv(env);
      // Right after our HeadObject says "absent", a rival writes the object (with plain S3 calls).
      racingClient.middlewareStack.add(
        (next, context) => async (args) => {
          try {
            return await next(args);
          } finally {
            if (context.commandName === 'HeadObjectCommand') {
              await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: rivalBytes }));
            }
          }
        },
        { step: 'initialize', name: 'rivalWritesAfterHead' },
      );
      const racingStore = new S3Store(racingClient);
      const uri = `s3://${BUCKET}/${key}`;
      try {
        const attempt = racingStore.putIfAbsent(uri, Buffer.from('payload'));
        if (expectConflict) await assert.rejects(attempt, OutputConflictError);
        else assert.equal((await attempt).written, false);
        assert.equal((await store.get(uri)).toString(), rivalBytes, 'the rival object was not overwritten');
      } finally {
        racingClient.destroy();
      }
    }
  });

  test('putIfAbsent still works for a single writer when the server rejects conditional writes', async () => {
    const noConditionalWrites = s3ClientFromEnv(env);
    noConditionalWrites.middlewareStack.add(
      (next) => async (args) => {
        const headers = (args.request as { headers?: Record<string, string> }).headers ?? {};
        if (Object.keys(headers).some((name) => name.toLowerCase() === 'if-none-match')) {
          throw Object.assign(new Error('A header you provided implies functionality that is not implemented'), {
            name: 'NotImplemented',
            $metadata: { httpStatusCode: 501 },
          });
        }
        return next(args);
      },
      { step: 'finalizeRequest', name: 'simulateServerWithoutConditionalWrites' },
    );
    const fallbackStore = new S3Store(noConditionalWrites);
    const uri = `s3://${BUCKET}/no-conditional/out.txt`;
    try {
      assert.equal((await fallbackStore.putIfAbsent(uri, Buffer.from('v1'))).written, true);
      assert.equal((await fallbackStore.putIfAbsent(uri, Buffer.from('v1'))).written, false);
      await assert.rejects(fallbackStore.putIfAbsent(uri, Buffer.from('v2')), OutputConflictError);
      assert.equal((await store.get(uri)).toString(), 'v1');
    } finally {
      noConditionalWrites.destroy();
    }
  });

  test('putStream of ~12 MB goes up in parts; getStream and sha256 return the same bytes', async () => {
    const key = 'stream/big.bin';
    const uri = `s3://${BUCKET}/${key}`;
    const chunks = Array.from({ length: 12 }, () => randomBytes(MiB + 1234));
    const bytes = Buffer.concat(chunks);
    const result = await store.putStream(uri, Readable.from(chunks));
    assert.deepEqual(result, { uri, size: bytes.length, sha256: sha256(bytes) });

    const head = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
    assert.equal(head.ContentLength, bytes.length);
    assert.match(head.ETag ?? '', /-3"?$/, 'a multipart upload of three 5 MiB parts');

    const received = createHash('sha256');
    let size = 0;
    for await (const chunk of await store.getStream(uri)) {
      received.update(chunk as Buffer);
      size += (chunk as Buffer).length;
    }
    assert.equal(size, bytes.length);
    assert.equal(received.digest('hex'), sha256(bytes));
    assert.equal(await store.sha256(uri), sha256(bytes));
  });

  test('putStream whose source fails leaves no object and no unfinished upload', async () => {
    const uri = `s3://${BUCKET}/stream-fail/broken.bin`;
    async function* failingSource() {
      yield randomBytes(6 * MiB); // enough for one part to be uploaded before the failure
      throw new Error('source broke');
    }
    await assert.rejects(store.putStream(uri, Readable.from(failingSource())), /source broke/);
    assert.equal(await store.exists(uri), false);
    const uploads = await client.send(new ListMultipartUploadsCommand({ Bucket: BUCKET, Prefix: 'stream-fail/' }));
    assert.deepEqual(uploads.Uploads ?? [], []);
  });

  test('delete removes the object and is a no-op when it is already gone', async () => {
    const uri = `s3://${BUCKET}/delete/me.txt`;
    await store.put(uri, Buffer.from('bye'));
    await store.delete(uri);
    assert.equal(await store.exists(uri), false);
    await store.delete(uri);
  });

  test('URIs that do not name an object are rejected with UnsupportedUriError', async () => {
    await assert.rejects(store.put(`s3://${BUCKET}/`, Buffer.from('x')), UnsupportedUriError);
    await assert.rejects(store.get(`s3://${BUCKET}/folder/`), UnsupportedUriError);
    await assert.rejects(store.get('file:///tmp/x'), UnsupportedUriError);
  });

  test('createStorage dispatches file:// and s3:// URIs and rejects other schemes', async () => {
    const storage = createStorage({ env });
    const folder = await mkdtemp(path.join(os.tmpdir(), 'rg-storage-dispatch-'));
    try {
      const fileUri = joinUri(formatFileUri(folder), 'local.txt');
      const s3Uri = `s3://${BUCKET}/dispatch/remote.txt`;
      await storage.put(fileUri, Buffer.from('local'));
      await storage.put(s3Uri, Buffer.from('remote'));
      assert.equal((await storage.get(fileUri)).toString(), 'local');
      assert.equal((await storage.get(s3Uri)).toString(), 'remote');
      assert.deepEqual(await storage.list(`s3://${BUCKET}/dispatch/`), [s3Uri]);
      assert.deepEqual(await storage.list(`${formatFileUri(folder)}/`), [fileUri]);
      assert.equal((await storage.putIfAbsent(s3Uri, Buffer.from('remote'))).written, false);
      await assert.rejects(storage.get('gs://bucket/x'), UnsupportedUriError);
      await assert.rejects(storage.get('/plain/path'), UnsupportedUriError);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});

/** Run `work` over `items`, at most `size` at a time. */
async function inBatches<T>(items: T[], size: number, work: (item: T) => Promise<unknown>): Promise<void> {
  for (let start = 0; start < items.length; start += size) {
    await Promise.all(items.slice(start, start + size).map(work));
  }
}
