/**
 * The cohort pipeline on a real Temporal dev server with in-process workers: patients with bad
 * data fail with typed reasons while the rest complete; continue-as-new keeps every patient; the
 * outputs (Arrow, Parquet, run manifest, report) agree with each other.
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Client } from '@temporalio/client';
import { tableFromIPC } from 'apache-arrow';
import type { BlobStore } from '../../activities/storage';
import { startS3WithBucket, type S3TestServer } from '../support/s3-server';
import { toFileUri } from '../../activities/storage/uri';
import { generateConsortium } from '../../activities/sources/synthetic/consortium';
import { writeConsortium } from '../../activities/sources/synthetic/writer';
import { RunManifest } from '../../activities/run/schemas';
import { parquetToTable } from '../../activities/tables/feature-table';
import { connectClient, localTarget } from '../../temporal/connection';
import { followUntilDone, startCohort } from '../../temporal/cohort-run';
import { DEFAULT_QUEUES } from '../../temporal/queues';
import { createWorkerPool, type WorkerPool } from '../../temporal/worker';
import { startTestTemporal, tempDir } from '../support/temporal';

let server: Awaited<ReturnType<typeof startTestTemporal>>;
let pool: WorkerPool;
let poolRun: Promise<void>;
let client: Client;
let s3: S3TestServer;
let store: BlobStore;
const BUCKET = 'rg-cohort';

before(async () => {
  ({ s3, store } = await startS3WithBucket(BUCKET));
  server = await startTestTemporal();
  pool = await createWorkerPool({
    target: localTarget(server.address),
    queues: DEFAULT_QUEUES,
    concurrency: 4,
    store,
  });
  poolRun = pool.run();
  client = await connectClient(localTarget(server.address));
});

after(async () => {
  await client?.connection.close();
  await pool?.shutdown();
  await poolRun;
  await server?.stop();
  await s3?.stop();
});

test('bad patients fail with typed reasons; the others complete across continue-as-new', async () => {
  const dir = tempDir('cohort');
  const consortium = generateConsortium({ centers: 2, patientsPerCenter: 4, seed: 11, size: [24, 24, 10] });
  const { manifestUri } = await writeConsortium(store, toFileUri(join(dir, 'cohort')), consortium);
  const rows = readFileSync(new URL(manifestUri), 'utf8').trim().split('\n').slice(1);
  const imagePath = (line: string) => new URL(line.split(',')[3]);
  writeFileSync(imagePath(rows[1]), 'this is not an NRRD file');
  rmSync(imagePath(rows[6]));

  const handle = await startCohort(client, {
    manifestUri,
    outputUri: toFileUri(join(dir, 'out')),
    settings: { window: 2, patientsPerRun: 3 },
  });
  const seen: number[] = [];
  const summary = await followUntilDone(handle, (p) => seen.push(p.done + p.failed), 100);

  assert.equal(summary.total, 8);
  assert.equal(summary.done, 6);
  assert.equal(summary.failed, 2);
  assert.ok(seen.length > 0, 'the progress query answered');

  const manifest = RunManifest.parse(JSON.parse(readFileSync(join(dir, 'out', 'run-manifest.json'), 'utf8')));
  assert.equal(manifest.patients.length, 8);
  const failedTypes = manifest.patients.filter((p) => p.status === 'failed').map((p) => p.error?.type).sort();
  assert.deepEqual(failedTypes, ['CorruptImageError', 'MissingInputError']);
  for (const p of manifest.patients.filter((p) => p.status === 'failed')) {
    assert.match(p.error!.message, /\.nrrd/, 'the reason names the file');
  }
  assert.equal(manifest.inputs.images.length, 6);
  assert.match(manifest.inputs.manifest.sha256, /^[0-9a-f]{64}$/);

  const table = tableFromIPC(readFileSync(join(dir, 'out', 'features.arrow')));
  assert.equal(table.numRows, 6);
  const mean = table.getChild('original_firstorder_Mean')!;
  for (let i = 0; i < table.numRows; i++) assert.ok(Number.isFinite(mean.get(i)), `row ${i} has a mean`);
  const parquet = parquetToTable(readFileSync(join(dir, 'out', 'features.parquet')));
  assert.equal(parquet.numRows, 6);
  assert.deepEqual(
    parquet.getChild('patient_id')!.toArray(),
    table.getChild('patient_id')!.toArray(),
  );
  const report = readFileSync(join(dir, 'out', 'report.html'), 'utf8');
  assert.match(report, /CorruptImageError/);
  assert.match(report, /<svg/);
  rmSync(dir, { recursive: true, force: true });
});

test('a malformed cohort manifest fails the run with a reason naming the line', async () => {
  const dir = tempDir('bad-manifest');
  const manifestPath = join(dir, 'manifest.csv');
  writeFileSync(manifestPath, 'patient_id,center,timepoint,image_uri,mask_uri\nP1,C01,baseline,,m.nrrd\n');
  const handle = await startCohort(client, { manifestUri: toFileUri(manifestPath), outputUri: toFileUri(join(dir, 'out')) });
  await assert.rejects(handle.result(), (err: Error & { cause?: { cause?: { type?: string; message?: string } } }) => {
    const cause = err.cause?.cause;
    assert.equal(cause?.type, 'InvalidTableError');
    assert.match(cause?.message ?? '', /line 2, column image_uri/);
    return true;
  });
  rmSync(dir, { recursive: true, force: true });
});

test('the same pipeline with the cohort and every output on S3', async () => {
  const consortium = generateConsortium({ centers: 2, patientsPerCenter: 2, seed: 4, size: [20, 20, 8] });
  const { manifestUri } = await writeConsortium(store, `s3://${BUCKET}/cohort`, consortium);
  const outputUri = `s3://${BUCKET}/runs/s3-run`;
  const summary = await followUntilDone(await startCohort(client, { manifestUri, outputUri, runId: 's3-run' }), () => {});
  assert.equal(summary.done, 4);
  assert.equal(summary.outputs['features.arrow'].uri, `${outputUri}/features.arrow`);
  const table = tableFromIPC(await store.get(`${outputUri}/features.arrow`));
  assert.equal(table.numRows, 4);
  const manifest = RunManifest.parse(JSON.parse((await store.get(`${outputUri}/run-manifest.json`)).toString()));
  assert.equal(manifest.inputs.manifest.uri, manifestUri);
  const rows = await store.list(`${outputUri}/runs/s3-run/features/`);
  assert.equal(rows.length, 4, rows.join('\n'));
});
