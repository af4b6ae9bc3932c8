/**
 * Worker thread of correlation-matrix.ts: runs the tasks of each job it is sent (preparation, product,
 * p-values, on memory shared with the calling thread) until the job's shared counter runs out, then answers.
 */
import { parentPort } from 'node:worker_threads';
import { runCorrelationJob, type CorrelationJob } from './correlation-matrix';

parentPort?.on('message', (job: CorrelationJob) => {
  try {
    runCorrelationJob(job);
    parentPort?.postMessage({ ok: true });
  } catch (error) {
    parentPort?.postMessage({ ok: false, error: error instanceof Error ? error.message : String(error) });
  }
});
