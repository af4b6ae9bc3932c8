/**
 * Durability: a worker process is SIGKILLed in the middle of a cohort; a new worker takes over and
 * the cohort completes with every patient's output written exactly once, byte-identical to a run
 * without the kill.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { after, before, test } from 'node:test';
import { createStorage } from '../../activities/storage';
import { toFileUri } from '../../activities/storage/uri';
import { generateConsortium } from '../../activities/sources/synthetic/consortium';
import { writeConsortium } from '../../activities/sources/synthetic/writer';
import type { CohortProgress } from '../../activities/run/schemas';
import { connectClient, localTarget } from '../../temporal/connection';
import { followUntilDone, startCohort } from '../../temporal/cohort-run';
import { DEFAULT_QUEUES } from '../../temporal/queues';
import { createWorkerPool } from '../../temporal/worker';
import { progressQuery } from '../../workflows';
import { spawnRg, waitFor } from '../support/processes';
import { startTestTemporal, tempDir } from '../support/temporal';

let server: Awaited<ReturnType<typeof startTestTemporal>>;
before(async () => (server = await startTestTemporal()));
after(async () => server?.stop());

const PATIENTS = 30;
const settings = {
  window: 3,
  patientsPerRun: 12,
  timeouts: { heartbeatSeconds: 3, startToCloseSeconds: 30, initialRetrySeconds: 0.2, maximumAttempts: 10 },
};

test('SIGKILL of the worker mid-cohort: the cohort completes, each output written once and identical', async () => {
  const dir = tempDir('kill');
  const store = createStorage();
  const consortium = generateConsortium({ centers: 3, patientsPerCenter: PATIENTS / 3, seed: 5, size: [40, 40, 16] });
  const { manifestUri } = await writeConsortium(store, toFileUri(join(dir, 'cohort')), consortium);
  const client = await connectClient(localTarget(server.address));

  // Reference: the same cohort, no kill, with workers in this process.
  const pool = await createWorkerPool({
    target: localTarget(server.address),
    queues: DEFAULT_QUEUES,
    concurrency: 3,
    store,
  });
  const poolRun = pool.run();
  const reference = await followUntilDone(
    await startCohort(client, { manifestUri, outputUri: toFileUri(join(dir, 'reference')), settings, runId: 'reference' }),
    () => {},
  );
  await pool.shutdown();
  await poolRun;
  assert.equal(reference.done, PATIENTS);

  // The run under test: a worker process, killed once a few patients are done.
  const env = { TEMPORAL_ADDRESS: server.address, TEMPORAL_NAMESPACE: 'default' };
  const first = spawnRg(['worker', '--concurrency', '3'], env);
  await waitFor('the first worker to start', () => /Worker serving/.test(first.output()), 60_000);
  const handle = await startCohort(client, { manifestUri, outputUri: toFileUri(join(dir, 'killed')), settings, runId: 'killed' });
  let atKill: CohortProgress | undefined;
  await waitFor('a few patients done', async () => {
    const p = await handle.query(progressQuery).catch(() => undefined);
    if (p && p.done >= 4) atKill = p;
    return !!atKill;
  }, 60_000, 20);
  first.child.kill('SIGKILL');
  await first.exited;
  const doneAtKill = atKill!.done + atKill!.failed;
  // Continue-as-new resets the page but keeps the counts: done counts the whole cohort.
  console.error(`SIGKILLed the worker with ${doneAtKill}/${PATIENTS} patients done and ${atKill!.running} running`);
  assert.ok(doneAtKill < PATIENTS, `killed mid-cohort (${doneAtKill}/${PATIENTS} done at the kill)`);

  const second = spawnRg(['worker', '--concurrency', '3'], env);
  try {
    const summary = await followUntilDone(handle, () => {}, 200);
    assert.equal(summary.done, PATIENTS, second.output());
    assert.equal(summary.failed, 0);
  } finally {
    second.child.kill('SIGTERM');
    await second.exited;
  }

  const refRows = listFiles(join(dir, 'reference', 'runs', 'reference', 'features'));
  const killedRows = listFiles(join(dir, 'killed', 'runs', 'killed', 'features'));
  assert.equal(killedRows.length, PATIENTS, 'one feature file per patient, no temporary files left');
  assert.deepEqual(killedRows, refRows);
  for (const rel of killedRows) {
    assert.deepEqual(
      readFileSync(join(dir, 'killed', 'runs', 'killed', 'features', rel)),
      readFileSync(join(dir, 'reference', 'runs', 'reference', 'features', rel)),
      `${rel} identical to the run without the kill`,
    );
  }
  assert.deepEqual(readFileSync(join(dir, 'killed', 'features.arrow')), readFileSync(join(dir, 'reference', 'features.arrow')));
  await client.connection.close();
});

function listFiles(root: string): string[] {
  const walk = (d: string): string[] =>
    readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : [join(d, e.name)]));
  return walk(root).map((f) => relative(root, f)).sort();
}
