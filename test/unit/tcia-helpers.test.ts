import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TciaRequestError, TransientSourceError } from '../../activities/errors';
import { parseRows, toNbiaDate } from '../../activities/sources/tcia/client';
import { endpointUrl, statusError } from '../../activities/sources/tcia/http';
import { backoffDelayMs, withRetries } from '../../activities/sources/tcia/retry';
import { normalizeLegacyFields, PatientRowSchema, SeriesRowSchema } from '../../activities/sources/tcia/schemas';
import { parseMd5List, unsafeEntryReason } from '../../activities/sources/tcia/zip-extract';

describe('TCIA client helpers', () => {
  test('unsafe entry names are recognized; NBIA names are safe', () => {
    for (const name of ['00000001.dcm', '1-01.dcm', 'LICENSE', 'md5hashes.csv', 'series/00000001.dcm', 'a..b.dcm']) {
      assert.equal(unsafeEntryReason(name), undefined, `${name} is safe`);
    }
    for (const name of ['../evil.dcm', 'a/../../evil.dcm', '/etc/passwd', 'C:/evil.dcm', 'c:evil', 'a\\..\\evil', '']) {
      assert.notEqual(unsafeEntryReason(name), undefined, `${name} is unsafe`);
    }
  });

  test('md5hashes.csv is parsed (header skipped, hex lower-cased, quotes and CRLF tolerated)', () => {
    const text = 'Filename,MD5Hash\r\n00000001.dcm,0123456789ABCDEF0123456789abcdef\r\n"00000002.dcm","ffffffffffffffffffffffffffffffff"\r\n\r\n';
    assert.deepEqual(
      [...parseMd5List(text)],
      [
        ['00000001.dcm', '0123456789abcdef0123456789abcdef'],
        ['00000002.dcm', 'ffffffffffffffffffffffffffffffff'],
      ],
      'parsed rows',
    );
  });

  test('legacy and display field names normalize to v4 names; a v4 name present wins', () => {
    assert.deepEqual(
      normalizeLegacyFields({ 'Subject ID': 'P1', 'Series UID': '1.2', 'Study UID': '1', 'Number of images': '12', Modality: 'CT' }),
      { PatientID: 'P1', SeriesInstanceUID: '1.2', StudyInstanceUID: '1', ImageCount: '12', Modality: 'CT' },
      'display names',
    );
    assert.deepEqual(normalizeLegacyFields({ PatientId: 'old', PatientID: 'new' }), { PatientID: 'new' }, 'v4 name wins');
    const row = SeriesRowSchema.parse(normalizeLegacyFields({ SeriesInstanceUID: '1.2', StudyInstanceUID: '1', PatientID: 'P', 'Image Count': '7' }));
    assert.equal(row.ImageCount, 7, 'numeric string ImageCount becomes a number');
    assert.equal(PatientRowSchema.parse(normalizeLegacyFields({ PatientId: 'P1' })).PatientID, 'P1', 'PatientId');
  });

  test('parseRows: empty body → [], non-array → TciaRequestError, bad row → TciaRequestError naming the field', () => {
    assert.deepEqual(parseRows('http://x/getPatient', '  \n', PatientRowSchema), [], 'empty body');
    assert.throws(() => parseRows('http://x/getPatient', '{"a":1}', PatientRowSchema), TciaRequestError, 'object body');
    assert.throws(
      () => parseRows('http://x/getPatient', '[{"PatientName":"x"}]', PatientRowSchema),
      (error: Error) => error instanceof TciaRequestError && error.message.includes('PatientID') && error.message.includes('http://x/getPatient'),
      'row without PatientID',
    );
    assert.throws(() => parseRows('http://x/getPatient', '<html>proxy error</html>', PatientRowSchema), TransientSourceError, 'HTML body');
  });

  test('HTTP statuses map to typed errors', () => {
    for (const status of [400, 401, 403, 404]) {
      const error = statusError('http://x/getSeries?A=1', status, 'no');
      assert.ok(error instanceof TciaRequestError && error.status === status, `${status} is a TciaRequestError`);
      assert.ok(error.message.includes('http://x/getSeries?A=1'), `${status} names the URL`);
    }
    for (const status of [500, 502, 503, 504, 408, 429]) {
      assert.ok(statusError('http://x/', status, '') instanceof TransientSourceError, `${status} is transient`);
    }
  });

  test('URLs, dates and backoff', () => {
    assert.equal(
      endpointUrl('http://h/nbia-api/services/v4/', 'getSeries', { Collection: 'A B', PatientID: undefined, format: 'json' }),
      'http://h/nbia-api/services/v4/getSeries?Collection=A+B&format=json',
      'URL',
    );
    assert.equal(toNbiaDate('2024-06-30'), '06-30-2024', 'date');
    assert.throws(() => toNbiaDate('2024/06/30'), TciaRequestError, 'bad date');
    const policy = { attempts: 5, baseDelayMs: 10, maxDelayMs: 50 };
    assert.deepEqual([1, 2, 3, 4, 5].map((n) => backoffDelayMs(policy, n)), [10, 20, 40, 50, 50], 'doubling, capped');
  });

  test('withRetries retries only TransientSourceError', async () => {
    let calls = 0;
    const value = await withRetries({ attempts: 4, baseDelayMs: 1, maxDelayMs: 1 }, 'x', async () => {
      calls++;
      if (calls < 3) throw new TransientSourceError('flaky');
      return 'ok';
    });
    assert.deepEqual([value, calls], ['ok', 3], 'two transient failures then success');
    calls = 0;
    await assert.rejects(
      withRetries({ attempts: 4, baseDelayMs: 1, maxDelayMs: 1 }, 'x', async () => {
        calls++;
        throw new TciaRequestError('refused');
      }),
      TciaRequestError,
      'a final error passes through',
    );
    assert.equal(calls, 1, 'final errors are not retried');
  });
});
