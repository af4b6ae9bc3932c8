/**
 * The cohort pipeline fed with DICOM: series folders on file://, the same on s3:// (IDC-style
 * prefixes) and TCIA series from the local NBIA server. Patients with a truncated ZIP (every try),
 * a corrupt DICOM slice or a SEG on another grid fail with typed reasons; a ZIP truncated once is
 * retried; everyone else completes with the features the NRRD release of the same consortium gives.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Client } from '@temporalio/client';
import { tableFromIPC, type Table } from 'apache-arrow';
import type { BlobStore } from '../../activities/storage';
import { toFileUri } from '../../activities/storage/uri';
import { generateConsortium } from '../../activities/sources/synthetic/consortium';
import { writeConsortium } from '../../activities/sources/synthetic/writer';
import { tciaCollectionSpec } from '../../activities/sources/synthetic/dicom-writer';
import { dicomSeriesReference } from '../../activities/imaging/dicom-write/series';
import { CODES, writeDicomSeg } from '../../activities/imaging/dicom-write/seg';
import { startLocalNbiaServer, type LocalNbiaServer } from '../../activities/sources/tcia-server/server';
import { inspectPath } from '../../activities/imaging/inspect';
import { RunManifest, type RunSummary } from '../../activities/run/schemas';
import { connectClient, localTarget } from '../../temporal/connection';
import { followUntilDone, startCohort } from '../../temporal/cohort-run';
import { DEFAULT_QUEUES } from '../../temporal/queues';
import { createWorkerPool, type WorkerPool } from '../../temporal/worker';
import { startS3WithBucket, type S3TestServer } from '../support/s3-server';
import { startTestTemporal, tempDir } from '../support/temporal';

let server: Awaited<ReturnType<typeof startTestTemporal>>;
let pool: WorkerPool;
let poolRun: Promise<void>;
let client: Client;
let s3: S3TestServer;
let store: BlobStore;
let tcia: LocalNbiaServer | undefined;
const BUCKET = 'rg-dicom';
const consortium = generateConsortium({ centers: 2, patientsPerCenter: 3, seed: 21, size: [24, 24, 10] });
/** Quick retries, so that a patient that keeps failing fails fast. */
const FAST_RETRIES = { timeouts: { maximumAttempts: 2, initialRetrySeconds: 0.1 } };

before(async () => {
  ({ s3, store } = await startS3WithBucket(BUCKET));
  server = await startTestTemporal();
  pool = await createWorkerPool({ target: localTarget(server.address), queues: DEFAULT_QUEUES, concurrency: 4, store });
  poolRun = pool.run();
  client = await connectClient(localTarget(server.address));
});

after(async () => {
  await tcia?.stop();
  await client?.connection.close();
  await pool?.shutdown();
  await poolRun;
  await server?.stop();
  await s3?.stop();
});

/** Run a manifest to the end and read back its run manifest and feature table. */
async function runToEnd(manifestUri: string, outputUri: string, settings: object = {}) {
  const summary: RunSummary = await followUntilDone(await startCohort(client, { manifestUri, outputUri, settings }), () => {}, 100);
  const manifest = RunManifest.parse(JSON.parse((await store.get(`${outputUri}/run-manifest.json`)).toString('utf8')));
  const table = tableFromIPC(await store.get(`${outputUri}/features.arrow`));
  return { summary, manifest, table };
}

/** patient id → its original_* feature values, from a feature table. */
function featuresByPatient(table: Table): Map<string, number[]> {
  const names = table.schema.fields.map((f) => f.name).filter((n) => n.startsWith('original_'));
  const ids = table.getChild('patient_id')!.toArray() as string[];
  return new Map(ids.map((id, row) => [id, names.map((n) => Number(table.getChild(n)!.get(row)))]));
}

let nrrdFeatures: Map<string, number[]>;

test('DICOM series folders (file://) give the same features as the NRRD release', async () => {
  const dir = tempDir('dicom-src');
  const nrrd = await writeConsortium(store, toFileUri(join(dir, 'nrrd')), consortium);
  const dicom = await writeConsortium(store, toFileUri(join(dir, 'dicom')), consortium, { imageFormat: 'dicom' });
  const a = await runToEnd(nrrd.manifestUri, toFileUri(join(dir, 'out-nrrd')));
  const b = await runToEnd(dicom.manifestUri, toFileUri(join(dir, 'out-dicom')));
  assert.equal(b.summary.done, consortium.patients.length, JSON.stringify(b.manifest.patients.map((p) => p.error)));
  nrrdFeatures = featuresByPatient(a.table);
  const dicomFeatures = featuresByPatient(b.table);
  for (const [id, values] of nrrdFeatures) {
    assert.deepEqual(dicomFeatures.get(id), values, `patient ${id}: DICOM and NRRD sources give identical features`);
  }
  assert.ok(nrrdFeatures.get(consortium.patients[0].patientId)!.length > 90, 'a full set of original_* features');
});

test('DICOM series under s3:// prefixes (IDC-style) run the same way', async () => {
  const dicom = await writeConsortium(store, `s3://${BUCKET}/release`, consortium, { imageFormat: 'dicom' });
  assert.ok(dicom.dicom![0].ct.folderUri.startsWith(`s3://${BUCKET}/release/dicom/`), dicom.dicom![0].ct.folderUri);
  const { summary, table } = await runToEnd(dicom.manifestUri, `s3://${BUCKET}/out`);
  assert.equal(summary.done, consortium.patients.length, 'every patient done');
  const s3Features = featuresByPatient(table);
  for (const [id, values] of nrrdFeatures) assert.deepEqual(s3Features.get(id), values, `patient ${id}: same features from S3`);
  // rg inspect reads the same prefixes.
  const { ct, seg } = dicom.dicom![0];
  const image = await inspectPath(ct.folderUri, {}, store);
  assert.deepEqual([image.kind, image.size, image.series?.files], ['image', [24, 24, 10], 10], JSON.stringify(image));
  const mask = await inspectPath(seg.files[0].uri, { reference: ct.folderUri }, store);
  assert.equal(mask.labels?.['1'], Array.from(consortium.patients[0].mask.data).filter((v) => v === 1).length, 'tumor voxels of the SEG on S3');
});

test('TCIA: a truncated ZIP (always), a corrupt slice and a SEG on another grid fail typed; a ZIP truncated once is retried', async () => {
  const dir = tempDir('tcia-src');
  const written = await writeConsortium(store, toFileUri(join(dir, 'release')), consortium, { imageFormat: 'dicom', imageLocation: 'tcia' });
  const patients = written.dicom!;
  tcia = await startLocalNbiaServer(tciaCollectionSpec('RG-FAULTS', patients));
  const [alwaysTruncated, truncatedOnce, corrupt, otherGrid] = patients;
  tcia.faults.set(alwaysTruncated.ct.seriesInstanceUid, { truncateZip: 1000 });
  tcia.faults.set(truncatedOnce.ct.seriesInstanceUid, { truncateZip: 1 });
  // A slice whose bytes are not DICOM any more (its MD5 in the archive matches: the file itself is bad).
  writeFileSync(new URL(corrupt.ct.files[4].uri), Buffer.from('DICM? no: a damaged file'));
  // A SEG drawn on a grid shifted by half a voxel: it references its own (shifted) series.
  const patient = consortium.patients[3];
  const shifted = { ...patient.mask, origin: patient.mask.origin.map((v, i) => v + patient.mask.spacing[i] / 2) as typeof patient.mask.origin };
  const shiftedSeg = writeDicomSeg(shifted, dicomSeriesReference(shifted, { patientId: patient.patientId, modality: 'CT' }), [
    { label: 1, name: 'tumor', category: CODES.morphologicallyAlteredStructure, type: CODES.neoplasm },
  ]);
  writeFileSync(new URL(otherGrid.seg.files[0].uri), shiftedSeg);
  await tcia.stop();
  tcia = await startLocalNbiaServer(tciaCollectionSpec('RG-FAULTS', patients)); // re-reads the files' MD5s
  tcia.faults.set(alwaysTruncated.ct.seriesInstanceUid, { truncateZip: 1000 });
  tcia.faults.set(truncatedOnce.ct.seriesInstanceUid, { truncateZip: 1 });

  const { summary, manifest, table } = await runToEnd(written.manifestUri, toFileUri(join(dir, 'out')), {
    ...FAST_RETRIES,
    sources: { tcia: { baseUrl: tcia.baseUrl, attempts: 2, retryDelayMs: 10 } },
  });
  const byId = new Map(manifest.patients.map((p) => [p.patientId, p]));
  const reason = (i: number) => byId.get(patients[i].ct.patientId)?.error;
  assert.equal(reason(0)?.type, 'TransientSourceError', `always truncated: ${JSON.stringify(reason(0))}`);
  assert.match(reason(0)!.message, /truncated|ZIP|zip/, 'the reason says what went wrong');
  assert.equal(byId.get(patients[1].ct.patientId)?.status, 'done', `truncated once, then retried: ${JSON.stringify(reason(1))}`);
  assert.equal(reason(2)?.type, 'CorruptImageError', `corrupt slice: ${JSON.stringify(reason(2))}`);
  assert.match(reason(2)!.message, new RegExp(`sources/tcia/${corrupt.ct.seriesInstanceUid}/[^ ]+\\.dcm: not a DICOM file`), 'names the file');
  assert.equal(reason(3)?.type, 'GeometryMismatchError', `SEG on another grid: ${JSON.stringify(reason(3))}`);
  assert.equal(summary.done, 2 + 1 - 0, 'the two untouched patients and the retried one complete');
  assert.equal(summary.failed, 3, 'exactly the three bad patients fail');
  assert.ok(
    tcia.countRequests('getImage', truncatedOnce.ct.seriesInstanceUid) >= 2,
    'the series truncated once was downloaded again',
  );
  const tciaFeatures = featuresByPatient(table);
  for (const p of manifest.patients.filter((p) => p.status === 'done')) {
    assert.deepEqual(tciaFeatures.get(p.patientId), nrrdFeatures.get(p.patientId), `patient ${p.patientId}: same features through TCIA`);
  }
});
