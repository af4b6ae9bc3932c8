/**
 * CohortWorkflow: the protocol for a whole cohort.
 *   1. read the next page of the cohort manifest
 *   2. run one PatientWorkflow per row, at most `window` at a time
 *   3. save the page's per-patient results to the store
 *   4. continue as new for the next page, so the history stays small however large the cohort
 *   5. after the last page: merge the feature table, write the run manifest and the report
 * The `progress` query tells how many patients are done, failed and running.
 */
import {
  continueAsNew,
  defineQuery,
  executeChild,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import type {
  CohortInput,
  CohortProgress,
  CohortState,
  PatientRef,
  PatientResult,
  RunSummary,
} from '../activities/run/schemas';
import { NON_RETRYABLE_ERROR_TYPES } from '../activities/errors';
import { queueFor } from '../temporal/queues';
import { failureReason, PatientWorkflow } from './patient';

export const progressQuery = defineQuery<CohortProgress>('progress');

export async function CohortWorkflow(input: CohortInput): Promise<RunSummary> {
  const state: CohortState = input.state ?? firstState();
  const { settings } = input;
  const io = proxyActivities<Activities>({
    taskQueue: queueFor('io', undefined, false),
    startToCloseTimeout: `${settings.timeouts.startToCloseSeconds} s`,
    heartbeatTimeout: `${settings.timeouts.heartbeatSeconds} s`,
    retry: { maximumAttempts: settings.timeouts.maximumAttempts, nonRetryableErrorTypes: [...NON_RETRYABLE_ERROR_TYPES] },
  });

  const progress: CohortProgress = { total: 0, done: state.done, failed: state.failed, running: 0 };
  setHandler(progressQuery, () => progress);

  const page = await io.readManifestPage({
    manifestUri: input.manifestUri,
    offset: state.nextIndex,
    limit: settings.patientsPerRun,
  });
  progress.total = page.total;

  const results = await inSlidingWindow(page.rows, settings.window, async (patient, i) => {
    progress.running++;
    const result = await runPatient(input, patient, state.nextIndex + i);
    progress.running--;
    if (result.status === 'done') progress.done++;
    else progress.failed++;
    return result;
  });

  await io.saveResultBatch({ runId: input.runId, outputUri: input.outputUri, batch: state.batch, results });

  const next: CohortState = {
    ...state,
    nextIndex: state.nextIndex + page.rows.length,
    batch: state.batch + 1,
    done: progress.done,
    failed: progress.failed,
  };
  if (page.rows.length > 0 && next.nextIndex < page.total) {
    return continueAsNew<typeof CohortWorkflow>({ ...input, state: next });
  }
  return io.finalizeRun({
    runId: input.runId,
    manifestUri: input.manifestUri,
    outputUri: input.outputUri,
    settings,
    batches: next.batch,
    startedAt: state.startedAt,
  });
}

function firstState(): CohortState {
  return { nextIndex: 0, batch: 0, done: 0, failed: 0, startedAt: new Date(workflowInfo().startTime).toISOString() };
}

/**
 * One child workflow per manifest row. Its id is the run id and the row number: unique, so a row is
 * never started twice, and free of patient identifiers, which the server would store in clear text.
 */
async function runPatient(input: CohortInput, patient: PatientRef, row: number): Promise<PatientResult> {
  try {
    return await executeChild(PatientWorkflow, {
      workflowId: patientWorkflowId(input.runId, row),
      args: [{ runId: input.runId, outputUri: input.outputUri, patient, settings: input.settings }],
    });
  } catch (err) {
    const { patientId, center, timepoint, roi } = patient;
    return { patientId, center, timepoint, roi, status: 'failed', error: failureReason(err) };
  }
}

/** The id of the PatientWorkflow of manifest row `row` (0-based) of a run. */
export function patientWorkflowId(runId: string, row: number): string {
  return `${runId}--row-${String(row + 1).padStart(6, '0')}`;
}

/** Run `work` over `items` with at most `width` in flight; results keep the order of `items`. */
async function inSlidingWindow<T, R>(items: T[], width: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  async function lane(): Promise<void> {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index], index);
    }
  }
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, lane));
  return results;
}
