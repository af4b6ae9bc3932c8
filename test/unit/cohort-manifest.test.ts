import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCohortManifest, resolveAgainst } from '../../activities/run/cohort-manifest';
import { InvalidTableError } from '../../activities/errors';
import { parseDelimited } from '../../activities/tables/csv';

const URI = 'file:///data/cohort/manifest.csv';
const HEADER = 'patient_id,center,timepoint,image_uri,mask_uri';

test('rows become patient references with URIs resolved against the manifest', () => {
  const rows = parseCohortManifest(`${HEADER}\nP1,C01,baseline,images/p1.nrrd,s3://b/m1.nrrd\nP2,C02,,../p2.nrrd,\n`, URI);
  assert.deepEqual(rows[0], {
    patientId: 'P1',
    center: 'C01',
    timepoint: 'baseline',
    imageUri: 'file:///data/cohort/images/p1.nrrd',
    maskUri: 's3://b/m1.nrrd',
    roi: 'tumor',
  });
  assert.equal(rows[1].timepoint, 'baseline', 'empty timepoint defaults to baseline');
  assert.equal(rows[1].imageUri, 'file:///data/p2.nrrd');
  assert.equal(rows[1].maskUri, undefined);
});

test('errors name the file, the line and the column', () => {
  assert.throws(() => parseCohortManifest('patient_id,image_uri\nP1,a.nrrd\n', URI), (e: Error) => {
    assert.ok(e instanceof InvalidTableError);
    assert.match(e.message, /manifest\.csv: missing required column "center"/);
    return true;
  });
  assert.throws(() => parseCohortManifest(`${HEADER}\nP1,C01,baseline,,m\n`, URI), /line 2, column image_uri: empty/);
  assert.throws(() => parseCohortManifest(`${HEADER}\nP1,C01,baseline,a\n`, URI), /line 2: expected 5 cells, found 4/);
  assert.throws(
    () => parseCohortManifest(`${HEADER}\nP1,C01,baseline,a,m\nP1,C01,baseline,b,m\n`, URI),
    /line 3: patient P1 at timepoint baseline \(roi tumor\) is already on line 2/,
  );
  assert.throws(() => parseCohortManifest('', URI), /empty/);
});

test('CSV quoting, CRLF and blank lines', () => {
  assert.deepEqual(parseDelimited('a,"b,c","d""e"\r\n\r\n1,2,3'), [
    ['a', 'b,c', 'd"e'],
    ['1', '2', '3'],
  ]);
  assert.deepEqual(parseDelimited('x\ty\n1\t2\n', '\t'), [
    ['x', 'y'],
    ['1', '2'],
  ]);
});

test('relative URIs resolve for s3 too', () => {
  assert.equal(resolveAgainst('s3://bucket/site/manifest.csv', 'img/a.nrrd'), 's3://bucket/site/img/a.nrrd');
});
