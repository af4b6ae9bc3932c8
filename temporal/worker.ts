/**
 * Workers: one Temporal worker per task queue, all on one connection. The workflow queue runs the
 * workflow bundle; the io/cpu/gpu queues (or per-center `<center>.<kind>` queues) run activities,
 * each with its own concurrency.
 */
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { createActivities } from '../activities';
import type { BlobStore } from '../activities/storage/blob-store';
import { connectWorkerConnection, type TemporalTarget } from './connection';
import { dataConverterFromEnvironment } from './payload-codec';
import { kindOfQueue, WORKFLOW_QUEUE } from './queues';
import { loadWorkflowBundle } from './workflow-bundle';

export interface WorkerPoolOptions {
  target: TemporalTarget;
  /** Queue names: 'radiogenomics' (workflows), 'io', 'cpu', 'gpu', or '<center>.<kind>'. */
  queues: readonly string[];
  /** Activities run at once per activity queue. */
  concurrency: number;
  store: BlobStore;
  identity?: string;
}

export interface WorkerPool {
  /** Resolves when every worker has stopped (and the connection is closed). */
  run(): Promise<void>;
  shutdown(): Promise<void>;
}

let runtimeInstalled = false;
/** SDK logging: warnings and errors only, one line each (the CLI prints progress itself). */
function installRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({ logger: new DefaultLogger('WARN', ({ level, message, meta }) => printSdkLog(level, message, meta)) });
  } catch {
    // A runtime was already installed by the host program: keep its logger.
  }
}

function printSdkLog(level: string, message: string, meta?: Record<string, unknown>): void {
  // Each worker serves either workflows or activities, so this is expected, not a problem.
  if (/registered, not polling/.test(message)) return;
  const where = meta?.activityType ? ` ${meta.activityType} (${meta.workflowId}, attempt ${meta.attempt})` : '';
  const error = meta?.error as { type?: string; name?: string; message?: string } | undefined;
  const why = error ? `: ${error.type ?? error.name}: ${error.message}` : '';
  process.stderr.write(`[${level}] ${message}${where}${why}\n`);
}

export async function createWorkerPool(options: WorkerPoolOptions): Promise<WorkerPool> {
  installRuntime();
  const unknown = options.queues.filter((q) => q !== WORKFLOW_QUEUE && !kindOfQueue(q));
  if (unknown.length) {
    throw new Error(`Unknown queue(s): ${unknown.join(', ')}. Use ${WORKFLOW_QUEUE}, io, cpu, gpu or <center>.<io|cpu|gpu>.`);
  }
  const activities = createActivities({ store: options.store });
  const connection = await connectWorkerConnection(options.target);
  const dataConverter = dataConverterFromEnvironment();
  const common = {
    connection,
    ...(dataConverter ? { dataConverter } : {}),
    namespace: options.target.namespace,
    ...(options.identity ? { identity: options.identity } : {}),
  };
  const workers = await Promise.all(
    options.queues.map(async (taskQueue) =>
      taskQueue === WORKFLOW_QUEUE
        ? Worker.create({ ...common, taskQueue, workflowBundle: await loadWorkflowBundle({ failureConverterPath: dataConverter?.failureConverterPath }) })
        : Worker.create({
            ...common,
            taskQueue,
            activities,
            maxConcurrentActivityTaskExecutions: options.concurrency,
          }),
    ),
  );
  return {
    run: async () => {
      try {
        await Promise.all(workers.map((w) => w.run()));
      } finally {
        await connection.close();
      }
    },
    shutdown: async () => {
      for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
    },
  };
}
