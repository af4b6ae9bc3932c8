/**
 * fetchImaging on DICOM sources, without Temporal: a folder with two series needs
 * `#series=<uid>`; a DICOM mask must be one SEG or RTSTRUCT file (RTSTRUCT: the manifest's roi); converted volumes are kept once
 * under their content hash and read back voxel for voxel.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createStorage } from '../../activities/storage';
import { toFileUri } from '../../activities/storage/uri';
import { generateConsortium } from '../../activities/sources/synthetic/consortium';
import { writePatientDicom } from '../../activities/sources/synthetic/dicom-writer';
import { fetchImaging } from '../../activities/imaging/fetch';
import { decodeVolume } from '../../activities/imaging/read-volume';
import { PatientRef } from '../../activities/run/schemas';
import { rectangle, rtStruct } from '../support/rtstruct-bytes';
import { tempDir } from '../support/temporal';

const store = createStorage();
const consortium = generateConsortium({ centers: 1, patientsPerCenter: 2, seed: 3, size: [20, 18, 6] });

test('a folder with two series is refused unless #series= picks one; the pick reads back exactly', async () => {
  const dir = toFileUri(tempDir('fetch'));
  const [a, b] = [await writePatientDicom(store, dir, consortium.patients[0]), await writePatientDicom(store, dir, consortium.patients[1])];
  // Both CT series copied into one folder, as a careless export would leave them.
  const mixed = `${dir}/mixed/`;
  for (const file of [...a.ct.files, ...b.ct.files]) await store.put(`${mixed}${file.sopInstanceUid}.dcm`, await store.get(file.uri));
  const patient = (imageUri: string, maskUri: string) =>
    PatientRef.parse({ patientId: 'P', center: 'C', timepoint: 't0', imageUri, maskUri });
  const outputUri = `${dir}/out`;

  await assert.rejects(
    fetchImaging(store, { patient: patient(mixed, b.seg.files[0].uri), outputUri }),
    (err: Error & { type?: string }) =>
      err.name === 'InvalidSeriesError' && err.message.includes(a.ct.seriesInstanceUid) && err.message.includes(b.ct.seriesInstanceUid),
    'two series: an error listing both',
  );
  const steps: string[] = [];
  const fetched = await fetchImaging(
    store,
    { patient: patient(`${mixed}#series=${b.ct.seriesInstanceUid}`, b.seg.files[0].uri), outputUri },
    (step) => steps.push(step),
  );
  const image = decodeVolume(await store.get(fetched.imageUri), fetched.imageUri);
  const mask = decodeVolume(await store.get(fetched.maskUri), fetched.maskUri);
  assert.deepEqual(Array.from(image.data), Array.from(consortium.patients[1].image.data), 'the chosen series, voxel for voxel');
  assert.deepEqual(Array.from(mask.data), Array.from(consortium.patients[1].mask.data), 'the SEG on that grid, voxel for voxel');
  assert.ok(steps.length >= a.ct.files.length + b.ct.files.length, `progress per file (${steps.length} steps)`);
  assert.ok(fetched.imageUri.endsWith(fetched.imageSha256), 'kept under its content hash');

  const again = await fetchImaging(store, { patient: patient(`${mixed}#series=${b.ct.seriesInstanceUid}`, b.seg.files[0].uri), outputUri });
  assert.deepEqual(again, fetched, 'fetching twice gives the same objects');
  const objects = await store.list(`${outputUri}/objects/`);
  assert.equal(objects.length, 2, `one image and one mask object: ${objects.join(', ')}`);

  await assert.rejects(
    fetchImaging(store, { patient: patient(a.ct.folderUri, a.ct.folderUri), outputUri }),
    (err: Error) => err.name === 'InvalidMaskError' && /one DICOM-SEG or RTSTRUCT file, found 6 files/.test(err.message),
    'a series folder is not a mask',
  );
  await assert.rejects(
    fetchImaging(store, { patient: patient(`${dir}/empty/`, b.seg.files[0].uri), outputUri }),
    (err: Error) => err.name === 'MissingInputError' && err.message.includes('empty/'),
    'an empty folder is a missing input, named',
  );
});

test('an RTSTRUCT mask: the ROI named by the manifest row is rasterized on the image grid', async () => {
  const dir = toFileUri(tempDir('fetch-rt'));
  const written = await writePatientDicom(store, dir, consortium.patients[0]);
  const grid = consortium.patients[0].image;
  // Two ROIs: "tumor" a 6 × 4 rectangle of voxel centers on slices 2 and 3, "body" larger.
  const rt = rtStruct({
    body: [rectangle(grid, [0.5, 0.5, 18.5, 16.5], 2)],
    tumor: [rectangle(grid, [3.5, 5.5, 9.5, 9.5], 2), rectangle(grid, [3.5, 5.5, 9.5, 9.5], 3)],
  });
  const rtUri = `${dir}/rtstruct.dcm`;
  await store.put(rtUri, rt);
  const ref = (roi: string) =>
    PatientRef.parse({ patientId: 'P', center: 'C', timepoint: 't0', imageUri: written.ct.folderUri, maskUri: rtUri, roi });
  const fetched = await fetchImaging(store, { patient: ref('tumor'), outputUri: `${dir}/out` });
  const mask = decodeVolume(await store.get(fetched.maskUri), fetched.maskUri);
  assert.equal(Array.from(mask.data).filter((v) => v === 1).length, 2 * 6 * 4, 'tumor: 6 × 4 voxels on two slices');
  assert.deepEqual(mask.size, grid.size, 'on the image grid');
  await assert.rejects(
    fetchImaging(store, { patient: ref('liver'), outputUri: `${dir}/out` }),
    (err: Error) => err.name === 'InvalidMaskError' && /body/.test(err.message) && /tumor/.test(err.message),
    'an absent ROI: the error lists the ROIs present',
  );
});
