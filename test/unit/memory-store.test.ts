import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { MissingInputError, OutputConflictError } from '../../activities/errors';
import { MemoryStore } from '../support/memory-store';

test('MemoryStore follows the BlobStore contract', async () => {
  const store = new MemoryStore();
  await assert.rejects(store.get('mem://a/x'), MissingInputError);
  const put = await store.put('mem://a/x', Buffer.from('hello'));
  assert.equal(put.size, 5);
  assert.equal(put.sha256, '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824');
  assert.equal(await store.sha256('mem://a/x'), put.sha256);
  assert.equal((await store.get('mem://a/x')).toString(), 'hello');

  assert.equal((await store.putIfAbsent('mem://a/y', Buffer.from('one'))).written, true);
  assert.equal((await store.putIfAbsent('mem://a/y', Buffer.from('one'))).written, false);
  await assert.rejects(store.putIfAbsent('mem://a/y', Buffer.from('two')), OutputConflictError);

  await store.putStream('mem://b/z', Readable.from([Buffer.from('ab'), Buffer.from('c')]));
  const chunks: Buffer[] = [];
  for await (const chunk of await store.getStream('mem://b/z')) chunks.push(chunk);
  assert.equal(Buffer.concat(chunks).toString(), 'abc');

  assert.deepEqual(await store.list('mem://a/'), ['mem://a/x', 'mem://a/y']);
  await store.delete('mem://a/x');
  await store.delete('mem://a/x');
  assert.equal(await store.exists('mem://a/x'), false);
});
