/**
 * The cluster path of the CLI: `rg worker` serves the queues, `rg run` starts a cohort on the
 * server named by TEMPORAL_ADDRESS and follows it, `rg status` reports the finished run.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tableFromIPC } from 'apache-arrow';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createStorage } from '../../activities/storage';
import { toFileUri } from '../../activities/storage/uri';
import { generateConsortium } from '../../activities/sources/synthetic/consortium';
import { writeConsortium } from '../../activities/sources/synthetic/writer';
import { spawnRg, waitFor } from '../support/processes';
import { startTestTemporal, tempDir } from '../support/temporal';

let server: Awaited<ReturnType<typeof startTestTemporal>>;
before(async () => (server = await startTestTemporal()));
after(async () => server?.stop());

test('rg worker + rg run + rg status against a Temporal server from the environment', async () => {
  const dir = tempDir('cli');
  const consortium = generateConsortium({ centers: 1, patientsPerCenter: 3, seed: 2, size: [16, 16, 8] });
  const { manifestUri } = await writeConsortium(createStorage(), toFileUri(join(dir, 'cohort')), consortium);
  const env = { TEMPORAL_ADDRESS: server.address, TEMPORAL_NAMESPACE: 'default' };

  const worker = spawnRg(['worker', '--concurrency', '2'], env);
  try {
    await waitFor('the worker to start', () => /Worker serving/.test(worker.output()), 60_000);
    const params = join(dir, 'params.yaml');
    writeFileSync(params, 'imageType:\n  Original: {}\n  Square: {}\nfeatureClass:\n  firstorder: [Mean, Entropy]\n  shape: [VoxelVolume]\n');
    const run = spawnRg(
      ['run', new URL(manifestUri).pathname, '--out', join(dir, 'out'), '--run-id', 'cli-run', '--params', params],
      env,
    );
    assert.equal(await run.exited, 0, run.output());
    assert.match(run.output(), new RegExp(`Using the Temporal server at ${server.address}`));
    assert.match(run.output(), /Run cli-run: 3 done, 0 failed of 3/);
    assert.ok(existsSync(join(dir, 'out', 'features.parquet')));
    const table = tableFromIPC(readFileSync(join(dir, 'out', 'features.arrow')));
    const features = table.schema.fields.map((f) => f.name).filter((n) => /_(firstorder|shape)_/.test(n));
    assert.deepEqual(features.sort(), [
      'original_firstorder_Entropy', 'original_firstorder_Mean', 'original_shape_VoxelVolume',
      'square_firstorder_Entropy', 'square_firstorder_Mean',
    ], 'the params file chose the image types and features');
    const manifest = JSON.parse(readFileSync(join(dir, 'out', 'run-manifest.json'), 'utf8'));
    assert.deepEqual(manifest.settings.radiomics.imageType, { Original: {}, Square: {} });
    assert.equal(manifest.settings.radiomics.setting.binWidth, 25, 'resolved defaults are recorded');
    assert.ok(!existsSync(join(dir, 'out', '.state')), 'no embedded server was started');

    const status = spawnRg(['status', 'cli-run'], env);
    assert.equal(await status.exited, 0, status.output());
    const report = JSON.parse(status.output().slice(status.output().indexOf('{')));
    assert.equal(report.status, 'completed');
    assert.equal(report.done, 3);
  } finally {
    worker.child.kill('SIGTERM');
    await worker.exited;
  }
});

test('rg status without TEMPORAL_ADDRESS says what to set', async () => {
  const status = spawnRg(['status', 'x'], { TEMPORAL_ADDRESS: '' });
  assert.equal(await status.exited, 1);
  assert.match(status.output(), /set TEMPORAL_ADDRESS/);
});
