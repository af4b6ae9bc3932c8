import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeNrrd } from '../../activities/imaging/nrrd';
import { generateConsortium } from '../../activities/sources/synthetic/consortium';
import { writeConsortium } from '../../activities/sources/synthetic/writer';
import { MemoryStore } from '../support/memory-store';

const ROOT = 's3://consortium-bucket/release-1';

async function written(seed: number, root = ROOT) {
  const store = new MemoryStore();
  const consortium = generateConsortium({ seed });
  const result = await writeConsortium(store, root, consortium);
  return { store, consortium, result };
}

const tsvRows = (text: string) => text.trimEnd().split('\n').map((line) => line.split('\t'));

describe('writeConsortium', async () => {
  const first = await written(1);
  const text = async (relativePath: string) => (await first.store.get(`${ROOT}/${relativePath}`)).toString('utf8');

  test('writes 2 NRRD files per patient plus manifest, omics tables and truth', () => {
    const uris = [...first.store.objects.keys()].sort();
    assert.equal(uris.length, 60 * 2 + 5);
    assert.ok(uris.includes(`${ROOT}/images/C01/C01-P0001_image.nrrd`));
    assert.ok(uris.includes(`${ROOT}/images/C03/C03-P0020_mask.nrrd`));
    for (const name of ['manifest.csv', 'truth.json', 'omics/mutations.maf.tsv', 'omics/expression.tsv', 'omics/clinical.tsv']) {
      assert.ok(uris.includes(`${ROOT}/${name}`), name);
    }
    assert.equal(first.result.manifestUri, `${ROOT}/manifest.csv`);
    assert.equal(first.result.truthUri, `${ROOT}/truth.json`);
    assert.equal(first.result.files.at(-1)?.uri, first.result.manifestUri, 'the manifest is written last');
  });

  test('manifest: exact header, absolute URIs of files that exist', async () => {
    const lines = (await text('manifest.csv')).trimEnd().split('\n');
    assert.equal(lines[0], 'patient_id,center,timepoint,image_uri,mask_uri');
    assert.equal(lines.length, 61);
    assert.equal(lines[1], `C01-P0001,C01,baseline,${ROOT}/images/C01/C01-P0001_image.nrrd,${ROOT}/images/C01/C01-P0001_mask.nrrd`);
    for (const line of lines.slice(1)) {
      const [patientId, center, timepoint, imageUri, maskUri] = line.split(',');
      assert.ok(patientId.startsWith(`${center}-`));
      assert.equal(timepoint, 'baseline');
      assert.ok(await first.store.exists(imageUri), imageUri);
      assert.ok(await first.store.exists(maskUri), maskUri);
    }
  });

  test('images decode back to the generated volumes', async () => {
    for (const patient of [first.consortium.patients[0], first.consortium.patients[59]]) {
      const uri = `${ROOT}/images/${patient.centerId}/${patient.patientId}_image.nrrd`;
      const image = decodeNrrd(await first.store.get(uri), uri);
      const mask = decodeNrrd(await first.store.get(uri.replace('_image', '_mask')), uri);
      assert.deepEqual(image.data, patient.image.data);
      assert.deepEqual(mask.data, patient.mask.data);
      assert.deepEqual(image.origin, patient.image.origin);
      assert.deepEqual(image.spacing, patient.image.spacing);
    }
  });

  test('omics tables', async () => {
    const maf = tsvRows(await text('omics/mutations.maf.tsv'));
    assert.deepEqual(maf[0], ['Hugo_Symbol', 'Tumor_Sample_Barcode', 'Variant_Classification']);
    assert.equal(maf.length - 1, first.consortium.mutations.length);
    const mutated = first.consortium.patients.filter((p) => p.truth.mutated).map((p) => p.patientId);
    assert.deepEqual(maf.filter((row) => row[0] === 'RGMUT1').map((row) => row[1]), mutated);

    const expression = tsvRows(await text('omics/expression.tsv'));
    assert.deepEqual(expression[0], ['gene', ...first.consortium.patients.map((p) => p.patientId)]);
    assert.equal(expression.length, 301);
    assert.ok(expression.slice(1).every((row) => row.length === 61 && row.slice(1).every((c) => /^\d+$/.test(c))));

    const clinical = tsvRows(await text('omics/clinical.tsv'));
    assert.deepEqual(clinical[0], ['patient_id', 'center', 'age', 'stage', 'time_days', 'event']);
    assert.equal(clinical.length, 61);
    const truth = first.consortium.patients[0].truth;
    assert.deepEqual(clinical[1], [truth.patientId, 'C01', String(truth.age), String(truth.stage), String(truth.survival.timeDays), String(truth.survival.event)]);
  });

  test('truth.json holds the planted parameters and per-patient truth', async () => {
    const truth = JSON.parse(await text('truth.json'));
    assert.deepEqual(truth, JSON.parse(JSON.stringify(first.consortium.truth)));
    assert.equal(truth.planted.mutation.gene, 'RGMUT1');
    assert.equal(truth.planted.survival.beta.mutation, 0.8);
    assert.equal(truth.patients.length, 60);
    assert.equal(truth.centers.length, 3);
  });

  test('the same seed gives byte-identical files; another seed different ones', async () => {
    const again = await written(1);
    assert.deepEqual([...again.store.objects.keys()], [...first.store.objects.keys()]);
    for (const [uri, bytes] of first.store.objects) assert.ok(bytes.equals(again.store.objects.get(uri)!), uri);

    const other = await written(2);
    for (const [uri, bytes] of first.store.objects) {
      if (uri.endsWith('manifest.csv')) continue; // same ids and paths for any seed
      assert.ok(!bytes.equals(other.store.objects.get(uri)!), `${uri} should differ between seeds`);
    }
  });

  test('a trailing slash on the root is ignored', async () => {
    const store = new MemoryStore();
    const consortium = generateConsortium({ centers: 1, patientsPerCenter: 1, size: [8, 8, 4] });
    const { manifestUri } = await writeConsortium(store, 'file:///tmp/cohort/', consortium);
    assert.equal(manifestUri, 'file:///tmp/cohort/manifest.csv');
    assert.ok((await store.get(manifestUri)).toString().includes('file:///tmp/cohort/images/C01/C01-P0001_image.nrrd'));
  });
});
