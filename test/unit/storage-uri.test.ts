import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { UnsupportedUriError } from '../../activities/errors';
import {
  formatFileUri,
  joinUri,
  parseFileUri,
  parseS3Uri,
  parseUri,
  toFileUri,
  uriScheme,
} from '../../activities/storage/uri';

describe('storage URIs', () => {
  test('file URIs round-trip through percent-encoding', () => {
    assert.equal(formatFileUri('/data/a b/#1?.nii'), 'file:///data/a%20b/%231%3F.nii');
    assert.equal(parseFileUri('file:///data/a%20b/%231%3F.nii'), '/data/a b/#1?.nii');
    assert.equal(parseFileUri('file://localhost/data/x'), '/data/x');
    assert.equal(formatFileUri('/data/folder/'), 'file:///data/folder/');
    assert.equal(parseFileUri('file:///data/folder/'), '/data/folder/');
  });

  test('malformed file URIs throw UnsupportedUriError naming the uri', () => {
    for (const bad of ['file://other-host/x', 'file:///a?query', 'file:///a#frag', 'file:///a%2Fb', 'file:relative']) {
      assert.throws(() => parseFileUri(bad), (error: unknown) => {
        assert.ok(error instanceof UnsupportedUriError, `${bad}: ${String(error)}`);
        assert.ok(error.message.includes(bad), error.message);
        return true;
      });
    }
    assert.throws(() => formatFileUri('relative/path'), UnsupportedUriError);
  });

  test('s3 URIs', () => {
    assert.deepEqual(parseS3Uri('s3://my-bucket/runs/r1/a b.json'), { bucket: 'my-bucket', key: 'runs/r1/a b.json' });
    assert.deepEqual(parseS3Uri('s3://my-bucket'), { bucket: 'my-bucket', key: '' });
    assert.deepEqual(parseS3Uri('s3://my-bucket/'), { bucket: 'my-bucket', key: '' });
    assert.deepEqual(parseUri('s3://b.c-d/k'), { scheme: 's3', bucket: 'b.c-d', key: 'k' });
    for (const bad of ['s3://', 's3://UPPER/k', 's3://ab/k', 's3:/bucket/k', `s3://bucket/${'k'.repeat(1025)}`]) {
      assert.throws(() => parseUri(bad), UnsupportedUriError, bad);
    }
  });

  test('uriScheme rejects other schemes', () => {
    assert.equal(uriScheme('file:///x'), 'file');
    assert.equal(uriScheme('s3://bucket/x'), 's3');
    assert.throws(() => uriScheme('gs://bucket/x'), /Unsupported storage URI "gs:\/\/bucket\/x"/);
    assert.throws(() => uriScheme('/plain/path'), UnsupportedUriError);
  });

  test('joinUri puts exactly one slash between parts and encodes file names', () => {
    assert.equal(joinUri('s3://bucket/runs', 'r1', 'features.parquet'), 's3://bucket/runs/r1/features.parquet');
    assert.equal(joinUri('s3://bucket/runs/', '/r1/', 'x'), 's3://bucket/runs/r1/x');
    assert.equal(joinUri('s3://bucket', 'x'), 's3://bucket/x');
    assert.equal(joinUri('s3://bucket/', 'prefix/'), 's3://bucket/prefix/');
    assert.equal(joinUri('file:///data/', 'a b.nii'), 'file:///data/a%20b.nii');
    assert.equal(joinUri('file:///data', 'sub', 'patient #1.nii'), 'file:///data/sub/patient%20%231.nii');
    assert.equal(joinUri('file:///data/x%20y', 'z'), 'file:///data/x%20y/z');
  });

  test('toFileUri resolves plain paths against the working directory and keeps URIs', () => {
    assert.equal(toFileUri('/abs/p q'), 'file:///abs/p%20q');
    assert.equal(toFileUri('rel/file.txt'), formatFileUri(path.resolve('rel/file.txt')));
    assert.equal(toFileUri('rel/folder/'), `${formatFileUri(path.resolve('rel/folder'))}/`);
    assert.equal(toFileUri('file:///already/uri'), 'file:///already/uri');
    assert.equal(toFileUri('s3://bucket/key'), 's3://bucket/key');
    assert.throws(() => toFileUri('https://example.com/x'), UnsupportedUriError);
  });
});
