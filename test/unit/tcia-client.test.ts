import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import {
  DownloadVerificationError,
  MissingInputError,
  NON_RETRYABLE_ERROR_TYPES,
  TciaRequestError,
  TransientSourceError,
  UnsafeArchiveError,
} from '../../activities/errors';
import { FileStore } from '../../activities/storage/file-store';
import { formatFileUri, joinUri } from '../../activities/storage/uri';
import { TciaClient, type TciaClientOptions } from '../../activities/sources/tcia/client';
import { getNbia } from '../../activities/sources/tcia/http';
import { collectionSpecFromFolder, type CollectionSpecInput } from '../../activities/sources/tcia-server/collection-spec';
import { startLocalNbiaServer, type LocalNbiaServer } from '../../activities/sources/tcia-server/server';

const COLLECTION = 'RG-TEST';
const md5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex');

/** Bytes that look like a DICOM file: 128-byte preamble, "DICM", then `size` random bytes. */
function fakeDicom(size = 2000): Buffer {
  return Buffer.concat([Buffer.alloc(128), Buffer.from('DICM'), randomBytes(size)]);
}

/** A series of `count` fake DICOM files. */
function seriesOf(seriesInstanceUid: string, count: number, modality = 'CT') {
  const files = Array.from({ length: count }, (_, i) => ({ sopInstanceUid: `${seriesInstanceUid}.${i + 1}`, bytes: fakeDicom(1500 + i) }));
  return { seriesInstanceUid, modality, files };
}

const SERIES_A = seriesOf('1.2.3.1.1', 3);
const SERIES_B = seriesOf('1.2.3.1.2', 2, 'MR');
const SERIES_C = seriesOf('1.2.3.2.1', 4);

const SPEC: CollectionSpecInput = {
  collection: COLLECTION,
  patients: [
    { patientId: 'P1', dateReleased: '2020-01-01', studies: [{ studyInstanceUid: '1.2.3.1', series: [SERIES_A, SERIES_B] }] },
    { patientId: 'P2', dateReleased: '2024-06-01', studies: [{ studyInstanceUid: '1.2.3.2', series: [SERIES_C] }] },
  ],
};

/** Assert that `promise` rejects with an error of `type` whose message contains every string in `includes`. */
async function rejectsWith(promise: Promise<unknown>, type: new (...args: never[]) => Error, includes: string[]): Promise<Error> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof type, `expected ${type.name}, got ${caught instanceof Error ? `${caught.name}: ${caught.message}` : String(caught)}`);
  for (const text of includes) {
    assert.ok(caught.message.includes(text), `message should contain "${text}": ${caught.message}`);
  }
  return caught;
}

describe('TCIA client against the local NBIA server', () => {
  let server: LocalNbiaServer;
  let root: string;
  let rootUri: string;
  const store = new FileStore();
  let prefixCounter = 0;

  /** A client of the server with tiny retry delays. */
  const client = (options: TciaClientOptions = {}) =>
    new TciaClient({ baseUrl: server.baseUrl, retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 5 }, tempDir: root, ...options });
  /** A fresh store prefix for one download. */
  const freshPrefix = () => joinUri(rootUri, 'store', `series-${++prefixCounter}`);

  before(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'rg-tcia-'));
    rootUri = formatFileUri(root);
    server = await startLocalNbiaServer(SPEC);
  });
  afterEach(() => {
    server.faults.clear();
    server.modes.legacyFields = false;
    server.modes.requiredToken = undefined;
  });
  after(async () => {
    await server.stop();
    await rm(root, { recursive: true, force: true });
  });

  test('metadata endpoints answer v4 rows; getPatient\'s PatientId is normalized to PatientID', async () => {
    const tcia = client();
    assert.deepEqual(await tcia.getCollectionValues(), [{ Collection: COLLECTION }], 'collections');
    const patients = await tcia.getPatient(COLLECTION);
    assert.deepEqual(patients.map((p) => p.PatientID), ['P1', 'P2'], 'patient ids');
    assert.equal((patients[0] as Record<string, unknown>).PatientId, undefined, 'legacy name removed');
    const studies = await tcia.getPatientStudy(COLLECTION, 'P1');
    assert.deepEqual(studies.map((s) => [s.StudyInstanceUID, s.SeriesCount]), [['1.2.3.1', 2]], 'studies of P1');
    const series = await tcia.getSeries({ collection: COLLECTION, patientId: 'P1' });
    assert.deepEqual(series.map((s) => [s.SeriesInstanceUID, s.Modality, s.ImageCount]), [
      [SERIES_A.seriesInstanceUid, 'CT', 3],
      [SERIES_B.seriesInstanceUid, 'MR', 2],
    ], 'series of P1');
    const size = await tcia.getSeriesSize(SERIES_A.seriesInstanceUid);
    const total = SERIES_A.files.reduce((sum, f) => sum + f.bytes.length, 0);
    assert.deepEqual(size && { ...size }, { TotalSizeInBytes: total, ObjectCount: 3 }, 'series size');
    assert.deepEqual(await tcia.getSopInstanceUids(SERIES_A.seriesInstanceUid), SERIES_A.files.map((f) => f.sopInstanceUid), 'SOP UIDs');
    const newPatients = await tcia.newPatientsInCollection(COLLECTION, '2024-01-01');
    assert.deepEqual(newPatients.map((p) => p.PatientID), ['P2'], 'patients released since 2024-01-01');
    assert.equal(server.requests.at(-1)?.params.fromDate, '01-01-2024', 'fromDate sent as MM-DD-YYYY');
  });

  test('an empty 200 body means no results: empty array, undefined size', async () => {
    const raw = await fetch(`${server.baseUrl}/getPatient?Collection=NO-SUCH&format=json`);
    assert.equal(raw.status, 200, 'status of an unknown collection');
    assert.equal(await raw.text(), '', 'body of an unknown collection');
    const tcia = client();
    assert.deepEqual(await tcia.getPatient('NO-SUCH'), [], 'patients of an unknown collection');
    assert.deepEqual(await tcia.getSeries({ collection: 'NO-SUCH' }), [], 'series of an unknown collection');
    assert.equal(await tcia.getSeriesSize('9.9.9'), undefined, 'size of an unknown series');
  });

  test('400 (unknown parameter) is a TciaRequestError naming the URL, not retried', async () => {
    const tcia = client();
    const before = server.countRequests('getSeries');
    const error = await rejectsWith(getNbia(tcia.connection, 'getSeries', { Bogus: '1' }), TciaRequestError, [
      `${server.baseUrl}/getSeries?Bogus=1`,
      'HTTP 400',
      "Invalid query parameter: 'Bogus'",
    ]);
    assert.equal((error as TciaRequestError).status, 400, 'status on the error');
    assert.equal(server.countRequests('getSeries') - before, 1, 'one request, no retry');
    assert.ok(NON_RETRYABLE_ERROR_TYPES.includes('TciaRequestError'), 'TciaRequestError is non-retryable for Temporal');
  });

  test('400 (getImage of a series without access) fails the download at once', async () => {
    const tcia = client();
    const prefix = freshPrefix();
    await rejectsWith(tcia.downloadSeries(store, { seriesInstanceUid: '9.9.9', prefixUri: prefix, expectedImageCount: 1 }), TciaRequestError, [
      `${server.baseUrl}/getImage?SeriesInstanceUID=9.9.9&IncludeMD5=yes`,
      'not been granted the access',
    ]);
    assert.equal(server.countRequests('getImage', '9.9.9'), 1, 'one getImage request');
    assert.deepEqual(await store.list(`${prefix}/`), [], 'nothing written');
  });

  test('an unknown series (getSeries empty) is a MissingInputError', async () => {
    await rejectsWith(client().downloadSeries(store, { seriesInstanceUid: '9.9.8', prefixUri: freshPrefix() }), MissingInputError, [
      'getSeries?SeriesInstanceUID=9.9.8',
    ]);
  });

  test('500 twice, then OK: retried and succeeds on the third request', async () => {
    server.faults.set('*', { status500: 2 });
    const before = server.countRequests('getCollectionValues');
    assert.deepEqual(await client().getCollectionValues(), [{ Collection: COLLECTION }], 'collections after the outage');
    assert.equal(server.countRequests('getCollectionValues') - before, 3, 'two failures and one success');
  });

  test('500 forever: TransientSourceError after the configured attempts', async () => {
    server.faults.set('*', { status500: 1000 });
    const before = server.countRequests('getPatient');
    const error = await rejectsWith(client().getPatient(COLLECTION), TransientSourceError, [
      'gave up after 3 attempts',
      `${server.baseUrl}/getPatient?Collection=${COLLECTION}&format=json`,
      'HTTP 500',
    ]);
    assert.equal((error as TransientSourceError).retryable, true, 'retryable flag');
    assert.equal(server.countRequests('getPatient') - before, 3, 'exactly 3 attempts');
  });

  test('a slow answer past the idle timeout is retried', async () => {
    server.faults.set('*', { delayMs: 1000, delayTimes: 1 });
    const before = server.countRequests('getCollectionValues');
    assert.deepEqual(await client({ idleTimeoutMs: 250 }).getCollectionValues(), [{ Collection: COLLECTION }], 'collections');
    assert.equal(server.countRequests('getCollectionValues') - before, 2, 'timed out once, then answered');
  });

  test('a truncated ZIP is retried, then the series downloads and verifies', async () => {
    const uid = SERIES_A.seriesInstanceUid;
    server.faults.set(uid, { truncateZip: 1 });
    const before = server.countRequests('getImage', uid);
    const prefix = freshPrefix();
    const result = await client().downloadSeries(store, { seriesInstanceUid: uid, prefixUri: prefix });
    assert.equal(server.countRequests('getImage', uid) - before, 2, 'one truncated, one whole');
    assert.equal(result.attempts, 2, 'attempts reported');
    assert.equal(result.files.length, 3, 'files');
    for (const [i, file] of result.files.entries()) {
      assert.deepEqual(await store.get(file.uri), SERIES_A.files[i].bytes, `bytes of file ${i}`);
      assert.equal(file.md5, md5(SERIES_A.files[i].bytes), `md5 of file ${i}`);
    }
  });

  test('a connection dropped mid-ZIP is retried, then the series downloads', async () => {
    const uid = SERIES_B.seriesInstanceUid;
    server.faults.set(uid, { dropConnection: 1 });
    const before = server.countRequests('getImage', uid);
    const result = await client().downloadSeries(store, { seriesInstanceUid: uid, prefixUri: freshPrefix() });
    assert.equal(server.countRequests('getImage', uid) - before, 2, 'one dropped, one whole');
    assert.equal(result.files.length, 2, 'files');
  });

  test('a ZIP truncated every time: TransientSourceError naming the URL', async () => {
    const uid = SERIES_B.seriesInstanceUid;
    server.faults.set(uid, { truncateZip: 1000 });
    await rejectsWith(client().downloadSeries(store, { seriesInstanceUid: uid, prefixUri: freshPrefix() }), TransientSourceError, [
      'gave up after 3 attempts',
      'truncated or corrupt',
      `getImage?SeriesInstanceUID=${uid}`,
    ]);
  });

  test('an MD5 mismatch is a DownloadVerificationError; nothing is left and no marker written', async () => {
    const uid = SERIES_A.seriesInstanceUid;
    server.faults.set(uid, { corruptMd5: true });
    const prefix = freshPrefix();
    const before = server.countRequests('getImage', uid);
    await rejectsWith(client().downloadSeries(store, { seriesInstanceUid: uid, prefixUri: prefix }), DownloadVerificationError, [
      `getImage?SeriesInstanceUID=${uid}`,
      '00000001.dcm has MD5',
    ]);
    assert.equal(server.countRequests('getImage', uid) - before, 1, 'not retried');
    assert.deepEqual(await store.list(`${prefix}/`), [], 'the bad file was deleted, no marker');
  });

  test('fewer DICOM files than ImageCount is a DownloadVerificationError before anything is written', async () => {
    const uid = SERIES_A.seriesInstanceUid;
    server.faults.set(uid, { dropFiles: 1 });
    const prefix = freshPrefix();
    await rejectsWith(client().downloadSeries(store, { seriesInstanceUid: uid, prefixUri: prefix }), DownloadVerificationError, [
      'holds 2 DICOM files, but the series has ImageCount 3',
      `getImage?SeriesInstanceUID=${uid}`,
    ]);
    assert.deepEqual(await store.list(`${prefix}/`), [], 'nothing written');
  });

  test('a zip-slip entry (../) is an UnsafeArchiveError; nothing is extracted anywhere', async () => {
    const uid = SERIES_B.seriesInstanceUid;
    server.faults.set(uid, { unsafeEntryName: '../evil.dcm' });
    const prefix = freshPrefix();
    await rejectsWith(client().downloadSeries(store, { seriesInstanceUid: uid, prefixUri: prefix }), UnsafeArchiveError, [
      '"../evil.dcm"',
      'zip-slip',
      `getImage?SeriesInstanceUID=${uid}`,
    ]);
    assert.deepEqual(await store.list(`${prefix}/`), [], 'nothing written under the prefix');
    assert.equal(existsSync(path.join(root, 'store', 'evil.dcm')), false, 'nothing written beside it');
    assert.ok(NON_RETRYABLE_ERROR_TYPES.includes('UnsafeArchiveError'), 'non-retryable for Temporal');
  });

  test('an absolute entry path is an UnsafeArchiveError', async () => {
    const uid = SERIES_B.seriesInstanceUid;
    server.faults.set(uid, { unsafeEntryName: '/tmp/evil.dcm' });
    await rejectsWith(client().downloadSeries(store, { seriesInstanceUid: uid, prefixUri: freshPrefix() }), UnsafeArchiveError, [
      '"/tmp/evil.dcm"',
      'absolute path',
    ]);
  });

  test('legacy field names (TimeStamp, CollectionURI, sop_instance_uid, string sizes) are normalized', async () => {
    server.modes.legacyFields = true;
    const raw = (await (await fetch(`${server.baseUrl}/getSeries?SeriesInstanceUID=${SERIES_A.seriesInstanceUid}`)).json()) as Record<string, unknown>[];
    assert.ok('TimeStamp' in raw[0] && 'CollectionURI' in raw[0], `server sends legacy names: ${Object.keys(raw[0])}`);
    const rawSop = (await (await fetch(`${server.baseUrl}/getSOPInstanceUIDs?SeriesInstanceUID=${SERIES_A.seriesInstanceUid}`)).json()) as Record<string, unknown>[];
    assert.ok('sop_instance_uid' in rawSop[0], 'server sends sop_instance_uid');
    const tcia = client();
    const [series] = await tcia.getSeries({ seriesInstanceUid: SERIES_A.seriesInstanceUid });
    assert.equal(series.MaxSubmissionTimestamp, '2020-01-01 00:00:00.0', 'TimeStamp → MaxSubmissionTimestamp');
    assert.equal(series.DataDescriptionURI, raw[0].CollectionURI, 'CollectionURI → DataDescriptionURI');
    assert.deepEqual(await tcia.getSopInstanceUids(SERIES_A.seriesInstanceUid), SERIES_A.files.map((f) => f.sopInstanceUid), 'sop_instance_uid');
    assert.equal((await tcia.getSeriesSize(SERIES_A.seriesInstanceUid))?.ObjectCount, 3, 'string ObjectCount → number');
    const legacyNew = await fetch(`${server.baseUrl}/NewPatientsInCollection?Collection=${COLLECTION}&Date=2024/01/01`);
    assert.equal(JSON.parse(await legacyNew.text())[0].PatientId, 'P2', 'v1 Date parameter accepted in legacy mode');
  });

  test('token required: missing or wrong → 401 TciaRequestError without the token; right token → OK', async () => {
    server.modes.requiredToken = 'right-token-123';
    const before = server.countRequests('getCollectionValues');
    const missing = await rejectsWith(client().getCollectionValues(), TciaRequestError, [
      'HTTP 401',
      `${server.baseUrl}/getCollectionValues?format=json`,
    ]);
    assert.equal((missing as TciaRequestError).status, 401, 'status 401');
    assert.equal(server.countRequests('getCollectionValues') - before, 1, 'not retried');
    const wrong = await rejectsWith(client({ token: 'wrong-token-456' }).getCollectionValues(), TciaRequestError, ['HTTP 401']);
    assert.ok(!wrong.message.includes('wrong-token-456'), `message must not hold the token: ${wrong.message}`);
    const withToken = client({ token: 'right-token-123' });
    assert.deepEqual(await withToken.getCollectionValues(), [{ Collection: COLLECTION }], 'collections with the token');
    const result = await withToken.downloadSeries(store, { seriesInstanceUid: SERIES_B.seriesInstanceUid, prefixUri: freshPrefix() });
    assert.equal(result.files.length, 2, 'download with the token');
    assert.equal(server.requests.at(-1)?.withToken, true, 'token sent');
  });

  test('resume: a second download of a finished series makes no request', async () => {
    const uid = SERIES_C.seriesInstanceUid;
    const prefix = freshPrefix();
    const progress: number[] = [];
    const first = await client().downloadSeries(store, { seriesInstanceUid: uid, prefixUri: prefix, onProgress: (p) => progress.push(p.filesDone) });
    assert.equal(first.alreadyComplete, false, 'first call downloads');
    assert.deepEqual(progress, [1, 2, 3, 4], 'progress after each file');
    const requestsBefore = server.requests.length;
    const second = await client().downloadSeries(store, { seriesInstanceUid: uid, prefixUri: prefix });
    assert.equal(second.alreadyComplete, true, 'second call sees the marker');
    assert.equal(server.requests.length, requestsBefore, 'no request at all');
    assert.deepEqual(second.files, first.files, 'same files reported');
  });

  test('idempotent: a partial earlier attempt is replaced, no duplicate or stale objects remain', async () => {
    const uid = SERIES_A.seriesInstanceUid;
    const prefix = freshPrefix();
    await store.put(joinUri(prefix, '00000001.dcm'), Buffer.from('partial garbage'));
    await store.put(joinUri(prefix, '00000009.dcm'), Buffer.from('stale file from another attempt'));
    const result = await client().downloadSeries(store, { seriesInstanceUid: uid, prefixUri: prefix });
    const expected = ['00000001.dcm', '00000002.dcm', '00000003.dcm', '.complete.json'].map((name) => joinUri(prefix, name)).sort();
    assert.deepEqual(await store.list(`${prefix}/`), expected, 'exactly the series files and the marker');
    assert.deepEqual(await store.get(result.files[0].uri), SERIES_A.files[0].bytes, 'partial file overwritten');
    await store.delete(result.markerUri);
    await client().downloadSeries(store, { seriesInstanceUid: uid, prefixUri: prefix });
    assert.deepEqual(await store.list(`${prefix}/`), expected, 'a repeated download adds nothing');
  });
});

describe('local NBIA server from a folder tree', () => {
  test('serves <patient>/<study>/<series>/<sop>.dcm and the client downloads it', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'rg-tcia-folder-'));
    const server = await (async () => {
      const folder = path.join(root, 'FOLDER-COLL', 'P9', '1.9.1', '1.9.1.1');
      await mkdir(folder, { recursive: true });
      const bytes = [fakeDicom(100), fakeDicom(200)];
      await writeFile(path.join(folder, '1.9.1.1.1.dcm'), bytes[0]);
      await writeFile(path.join(folder, '1.9.1.1.2.dcm'), bytes[1]);
      return startLocalNbiaServer(await collectionSpecFromFolder(path.join(root, 'FOLDER-COLL'), { modality: 'MR' }));
    })();
    try {
      const tcia = new TciaClient({ baseUrl: server.baseUrl, retry: { attempts: 2, baseDelayMs: 1 } });
      assert.deepEqual(await tcia.getCollectionValues(), [{ Collection: 'FOLDER-COLL' }], 'collection named after the folder');
      const [series] = await tcia.getSeries({ patientId: 'P9' });
      assert.deepEqual([series.SeriesInstanceUID, series.Modality, series.ImageCount], ['1.9.1.1', 'MR', 2], 'series row');
      assert.deepEqual(await tcia.getSopInstanceUids('1.9.1.1'), ['1.9.1.1.1', '1.9.1.1.2'], 'SOP UIDs from file names');
      const prefix = joinUri(formatFileUri(root), 'out');
      const result = await tcia.downloadSeries(new FileStore(), { seriesInstanceUid: '1.9.1.1', prefixUri: prefix });
      assert.equal(result.files.length, 2, 'downloaded files');
    } finally {
      await server.stop();
      await rm(root, { recursive: true, force: true });
    }
  });
});
