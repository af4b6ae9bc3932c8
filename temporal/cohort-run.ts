/**
 * Running a cohort from the client side: start the CohortWorkflow, show progress, wait for the
 * result. With no Temporal address configured, everything runs embedded: a dev server and
 * in-process workers, stopped again at the end.
 */
import { randomBytes } from 'node:crypto';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { createStorage } from '../activities/storage';
import { CohortInput, parseRunSettings, type CohortProgress, type RunSummary } from '../activities/run/schemas';
import { CohortWorkflow, progressQuery } from '../workflows';
import { connectClient, localTarget, type TemporalTarget } from './connection';
import { startDevServer, type DevServer } from './dev-server';
import { DEFAULT_QUEUES, WORKFLOW_QUEUE } from './queues';
import { createWorkerPool, type WorkerPool } from './worker';

export interface CohortRunOptions {
  manifestUri: string;
  outputUri: string;
  settings?: unknown;
  /** The file the settings came from, named in validation errors. */
  settingsUri?: string;
  runId?: string;
  /** A Temporal server to use; when absent an embedded dev server is started. */
  target?: TemporalTarget;
  /** Run workers in this process (always true when embedded). */
  inProcessWorkers?: boolean;
  /** Folder of the embedded server's state. */
  stateDir: string;
  concurrency?: number;
  log?: (line: string) => void;
  onProgress?: (progress: CohortProgress) => void;
}

/** A run id that sorts by start time: run-20261128T101500-1a2b3c. */
export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
  return `run-${stamp}-${randomBytes(3).toString('hex')}`;
}

export function cohortWorkflowId(runId: string): string {
  return `cohort-${runId}`;
}

export async function runCohort(options: CohortRunOptions): Promise<RunSummary> {
  const log = options.log ?? (() => {});
  let server: DevServer | undefined;
  let pool: WorkerPool | undefined;
  let poolDone: Promise<void> | undefined;
  let client: Client | undefined;
  try {
    let target = options.target;
    if (!target) {
      server = await startDevServer({ stateDir: options.stateDir, log });
      target = localTarget(server.address);
    }
    if (!options.target || options.inProcessWorkers) {
      pool = await createWorkerPool({
        target,
        queues: DEFAULT_QUEUES,
        concurrency: options.concurrency ?? 4,
        store: createStorage(),
      });
      poolDone = pool.run();
    }
    client = await connectClient(target);
    const handle = await startCohort(client, options);
    log(`Started run ${handle.workflowId.replace(/^cohort-/, '')} (workflow ${handle.workflowId})`);
    return await Promise.race([
      followUntilDone(handle, options.onProgress ?? (() => {})),
      // A worker pool that dies takes the run with it: surface its error instead of hanging.
      poolDone?.then(() => new Promise<never>(() => {})) ?? new Promise<never>(() => {}),
    ]);
  } finally {
    await client?.connection.close();
    await pool?.shutdown();
    await poolDone?.catch(() => {});
    await server?.stop();
  }
}

/** Validate the inputs and start the workflow. */
export async function startCohort(
  client: Client,
  options: Pick<CohortRunOptions, 'manifestUri' | 'outputUri' | 'settings' | 'settingsUri' | 'runId'>,
): Promise<WorkflowHandle<typeof CohortWorkflow>> {
  const input = CohortInput.parse({
    runId: options.runId ?? newRunId(),
    manifestUri: options.manifestUri,
    outputUri: options.outputUri.replace(/\/+$/, ''),
    settings: parseRunSettings(options.settings ?? {}, options.settingsUri),
  });
  return client.workflow.start(CohortWorkflow, {
    taskQueue: WORKFLOW_QUEUE,
    workflowId: cohortWorkflowId(input.runId),
    args: [input],
  });
}

/** Poll the progress query until the workflow (across continue-as-new) completes. */
export async function followUntilDone(
  handle: WorkflowHandle<typeof CohortWorkflow>,
  onProgress: (progress: CohortProgress) => void,
  intervalMs = 500,
): Promise<RunSummary> {
  const result = handle.result();
  let finished = false;
  result.then(
    () => (finished = true),
    () => (finished = true),
  );
  while (!finished) {
    try {
      onProgress(await handle.query(progressQuery));
    } catch {
      // Between runs (continue-as-new) or before the first workflow task the query can fail; try again.
    }
    await Promise.race([result.catch(() => {}), new Promise((r) => setTimeout(r, intervalMs))]);
  }
  return result;
}

/** One progress line: "12/60 done · 1 failed · 4 running". */
export function formatProgress(p: CohortProgress): string {
  return `${p.done}/${p.total} done · ${p.failed} failed · ${p.running} running`;
}
