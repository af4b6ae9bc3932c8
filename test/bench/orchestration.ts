/**
 * Orchestration benchmark: what Temporal costs per patient.
 *
 * A cohort of tiny patients (so the activities themselves are cheap) runs twice in this process:
 *   reference  the same three steps (fetch, extract, write) called directly, with the same window
 *   temporal   the CohortWorkflow on an embedded dev server with in-process workers
 * Prints patients per second for both, their ratio, and the orchestration overhead per patient:
 * each PatientWorkflow's time from start to close minus the time its activities ran (from the
 * workflow histories), i.e. the time spent outside activities.
 *
 *   npm run bench:orchestration -- [--patients 200] [--window 16]
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createStorage } from '../../activities/storage';
import { toFileUri } from '../../activities/storage/uri';
import { generateConsortium } from '../../activities/sources/synthetic/consortium';
import { writeConsortium } from '../../activities/sources/synthetic/writer';
import { parseCohortManifest } from '../../activities/run/cohort-manifest';
import { fetchImaging } from '../../activities/imaging/fetch';
import { extractFeaturesFromStore } from '../../activities/radiomics/extract-activity';
import { writeFeatureRow } from '../../activities/tables/write-row';
import { connectClient, localTarget } from '../../temporal/connection';
import { followUntilDone, startCohort } from '../../temporal/cohort-run';
import { DEFAULT_QUEUES } from '../../temporal/queues';
import { createWorkerPool } from '../../temporal/worker';
import { startTestTemporal, tempDir } from '../support/temporal';
import { patientWorkflowId } from '../../workflows';

const { values: args } = parseArgs({
  options: { patients: { type: 'string', default: '200' }, window: { type: 'string', default: '16' } },
});
const PATIENTS = Number(args.patients);
const WINDOW = Number(args.window);
const CENTERS = 4;

async function main() {
  const dir = tempDir('bench-orch');
  const store = createStorage();
  const consortium = generateConsortium({
    centers: CENTERS,
    patientsPerCenter: Math.ceil(PATIENTS / CENTERS),
    seed: 3,
    size: [12, 12, 6],
  });
  const { manifestUri } = await writeConsortium(store, toFileUri(join(dir, 'cohort')), consortium);
  const patients = parseCohortManifest((await store.get(manifestUri)).toString(), manifestUri);
  console.log(`Cohort: ${patients.length} tiny patients (12×12×6 voxels), window ${WINDOW}`);

  // Reference: the same steps, no orchestration.
  const referenceOut = toFileUri(join(dir, 'reference'));
  const t0 = performance.now();
  let next = 0;
  const lane = async () => {
    while (next < patients.length) {
      const patient = patients[next++];
      const imaging = await fetchImaging(store, { patient, outputUri: referenceOut });
      const features = await extractFeaturesFromStore(store, { patient, imaging, radiomics: {} });
      await writeFeatureRow(store, { runId: 'reference', outputUri: referenceOut, patient, imaging, features });
    }
  };
  await Promise.all(Array.from({ length: WINDOW }, lane));
  const referenceSeconds = (performance.now() - t0) / 1000;

  // Temporal.
  const server = await startTestTemporal();
  const target = localTarget(server.address);
  const pool = await createWorkerPool({
    target: target,
    queues: DEFAULT_QUEUES,
    concurrency: WINDOW,
    store,
  });
  const poolRun = pool.run();
  const client = await connectClient(target);
  const t1 = performance.now();
  const summary = await followUntilDone(
    await startCohort(client, {
      manifestUri,
      outputUri: toFileUri(join(dir, 'temporal')),
      runId: 'bench',
      settings: { window: WINDOW, patientsPerRun: 100 },
    }),
    () => {},
  );
  const temporalSeconds = (performance.now() - t1) / 1000;
  if (summary.done !== patients.length) throw new Error(`only ${summary.done}/${patients.length} patients done`);

  const overheads: number[] = [];
  for (let row = 0; row < patients.length; row++) {
    const history = await client.workflow.getHandle(patientWorkflowId('bench', row)).fetchHistory();
    overheads.push(outsideActivitiesMs(history.events ?? []));
  }
  await client.connection.close();
  await pool.shutdown();
  await poolRun;
  await server.stop();

  overheads.sort((a, b) => a - b);
  const pct = (q: number) => overheads[Math.min(overheads.length - 1, Math.floor(q * overheads.length))];
  const mean = overheads.reduce((s, v) => s + v, 0) / overheads.length;
  console.log(`reference (direct calls): ${referenceSeconds.toFixed(2)} s, ${(patients.length / referenceSeconds).toFixed(1)} patients/s`);
  console.log(`temporal (CohortWorkflow): ${temporalSeconds.toFixed(2)} s, ${(patients.length / temporalSeconds).toFixed(1)} patients/s`);
  console.log(`ratio temporal / reference wall time: ${(temporalSeconds / referenceSeconds).toFixed(2)}×`);
  console.log(
    `orchestration overhead per patient (outside activities): mean ${mean.toFixed(1)} ms, p50 ${pct(0.5).toFixed(1)} ms, p95 ${pct(0.95).toFixed(1)} ms`,
  );
}

type HistoryEvent = { eventType?: unknown; eventTime?: { seconds?: unknown; nanos?: number | null } | null };

/** Workflow start→close minus the sum of activity start→complete, in ms. */
function outsideActivitiesMs(events: HistoryEvent[]): number {
  const ms = (e: HistoryEvent) => Number(e.eventTime?.seconds ?? 0) * 1000 + (e.eventTime?.nanos ?? 0) / 1e6;
  const type = (e: HistoryEvent) => String(e.eventType);
  const is = (e: HistoryEvent, name: string) => type(e) === name || type(e) === `EVENT_TYPE_${name}`;
  const byName = (name: string, n: number) => events.filter((e) => is(e, name) || e.eventType === n);
  // Numeric enum values of temporal.api.enums.v1.EventType.
  const started = byName('ACTIVITY_TASK_STARTED', 11).map(ms);
  const completed = byName('ACTIVITY_TASK_COMPLETED', 12).map(ms);
  const inActivities = completed.reduce((s, t, i) => s + (t - started[i]), 0);
  return ms(events[events.length - 1]) - ms(events[0]) - inActivities;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
