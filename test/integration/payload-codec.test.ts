/**
 * Payload encryption: with RG_PAYLOAD_KEY set, the Temporal server stores only ciphertext (no
 * patient id or URI in its history), while clients and workers holding the key run the cohort.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { createStorage } from '../../activities/storage';
import { toFileUri } from '../../activities/storage/uri';
import { generateConsortium } from '../../activities/sources/synthetic/consortium';
import { imagePaths, writeConsortium } from '../../activities/sources/synthetic/writer';
import { connectClient, localTarget } from '../../temporal/connection';
import { followUntilDone, startCohort } from '../../temporal/cohort-run';
import { AesGcmPayloadCodec, dataConverterFromEnvironment, PayloadKeyError } from '../../temporal/payload-codec';
import { DEFAULT_QUEUES } from '../../temporal/queues';
import { createWorkerPool } from '../../temporal/worker';
import { startTestTemporal, tempDir } from '../support/temporal';
import { patientWorkflowId } from '../../workflows';

const KEY = randomBytes(32).toString('base64');
let server: Awaited<ReturnType<typeof startTestTemporal>>;
before(async () => (server = await startTestTemporal()));
after(async () => {
  delete process.env.RG_PAYLOAD_KEY;
  await server?.stop();
});

test('round trip, key rotation, and tampering detected', async () => {
  const [k1, k2] = [randomBytes(32), randomBytes(32)];
  const old = new AesGcmPayloadCodec('k1', new Map([['k1', k1]]));
  const rotated = new AesGcmPayloadCodec('k2', new Map([['k1', k1], ['k2', k2]]));
  const payload = { metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from('{"patientId":"C01-P0001"}') };
  const [sealed] = await old.encode([payload]);
  assert.equal(Buffer.from(sealed.metadata!.encoding!).toString(), 'binary/encrypted');
  assert.ok(!Buffer.from(sealed.data!).toString('latin1').includes('C01-P0001'));
  const [opened] = await rotated.decode([sealed]);
  assert.deepEqual(Buffer.from(opened.data!), payload.data, 'a newer codec still reads old payloads');
  await assert.rejects(old.decode(await rotated.encode([payload])), PayloadKeyError);
  Buffer.from(sealed.data!.buffer, sealed.data!.byteOffset)[20] ^= 1;
  await assert.rejects(old.decode([sealed]), /auth|decrypt/i);
  assert.throws(() => new AesGcmPayloadCodec('x', new Map([['x', randomBytes(16)]])), /needs 32/);
  assert.equal(dataConverterFromEnvironment({}), undefined);
});

test('with RG_PAYLOAD_KEY the server history holds no patient identifiers', async () => {
  process.env.RG_PAYLOAD_KEY = KEY;
  const dir = tempDir('codec');
  const consortium = generateConsortium({ centers: 1, patientsPerCenter: 3, seed: 8, size: [16, 16, 8] });
  const { manifestUri } = await writeConsortium(createStorage(), toFileUri(join(dir, 'cohort')), consortium);
  // The third patient's image is corrupt: its failure message names the file, and must not leak.
  const corruptPath = join(dir, 'cohort', imagePaths(consortium.patients[2]).image);
  writeFileSync(corruptPath, 'not an image');
  const target = localTarget(server.address);
  const pool = await createWorkerPool({ target, queues: DEFAULT_QUEUES, concurrency: 2, store: createStorage() });
  const poolRun = pool.run();
  const client = await connectClient(target);
  try {
    const summary = await followUntilDone(
      await startCohort(client, { manifestUri, outputUri: toFileUri(join(dir, 'out')), runId: 'secret-run' }),
      () => {},
    );
    assert.equal(summary.done, 2);
    assert.equal(summary.failed, 1);
    const manifest = JSON.parse(readFileSync(join(dir, 'out', 'run-manifest.json'), 'utf8'));
    const failed = manifest.patients.find((p: { status: string }) => p.status === 'failed');
    assert.equal(failed?.error?.type, 'CorruptImageError', 'the key holder still reads the typed reason');
    assert.ok(failed.error.message.includes(corruptPath), `the reason names the file: ${failed.error.message}`);

    // What the server stores, read without the key.
    const raw = new Client({ connection: await Connection.connect({ address: server.address }) });
    const history = await raw.workflow.getHandle(patientWorkflowId('secret-run', 0)).fetchHistory();
    const payloads = findPayloads(history.events);
    assert.ok(payloads.length >= 6, `${payloads.length} payloads in the history (input, activity inputs and results)`);
    for (const p of payloads) {
      assert.equal(Buffer.from(p.metadata.encoding).toString(), 'binary/encrypted');
      const clear = Buffer.from(p.data ?? []).toString('latin1');
      assert.ok(!clear.includes('C01-P0001'), 'no patient id in clear text');
      assert.ok(!clear.includes('original_firstorder'), 'no feature names in clear text');
    }
    // The failed patient: activity failures hold no message, stack or file name in clear text.
    const failedHistory = await raw.workflow.getHandle(patientWorkflowId('secret-run', 2)).fetchHistory();
    const failures = findFailures(failedHistory.events);
    assert.ok(failures.length >= 1, `${failures.length} failures in the failed patient's history`);
    for (const f of failures) {
      assert.equal(f.message, 'Encoded failure', `failure message stored as: ${f.message}`);
      assert.ok(!String(f.stackTrace ?? '').includes('cohort'), 'no stack trace in clear text');
    }
    const everything = JSON.stringify(failedHistory.events, (_k, v) => (v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v));
    assert.ok(!everything.includes(corruptPath), 'the corrupt file path appears nowhere in clear text');
    assert.ok(!everything.includes('C01-P0003'), 'the patient id appears nowhere in clear text');
    await raw.connection.close();
  } finally {
    await client.connection.close();
    await pool.shutdown();
    await poolRun;
    delete process.env.RG_PAYLOAD_KEY;
  }
});

type StoredFailure = { message?: string; stackTrace?: string; encodedAttributes?: unknown };

/** Every failure (an object with a message and a failure-info field) anywhere in the history events. */
function findFailures(value: unknown, found: StoredFailure[] = []): StoredFailure[] {
  if (!value || typeof value !== 'object' || value instanceof Uint8Array) return found;
  const candidate = value as Record<string, unknown>;
  if (typeof candidate.message === 'string' && 'applicationFailureInfo' in candidate) found.push(candidate as StoredFailure);
  for (const child of Object.values(value)) findFailures(child, found);
  return found;
}

type StoredPayload = { metadata: Record<string, Uint8Array>; data?: Uint8Array };

/** Every payload (an object with metadata and data bytes) anywhere in the history events. */
function findPayloads(value: unknown, found: StoredPayload[] = []): StoredPayload[] {
  if (!value || typeof value !== 'object' || value instanceof Uint8Array) return found;
  const candidate = value as Partial<StoredPayload>;
  if (candidate.metadata && candidate.metadata.encoding instanceof Uint8Array) found.push(candidate as StoredPayload);
  else for (const child of Object.values(value)) findPayloads(child, found);
  return found;
}
