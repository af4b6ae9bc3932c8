/**
 * Per-patient results of a run, saved one batch per workflow run (one page of the manifest), so the
 * workflow history never has to carry the whole cohort. Re-saving a batch with the same content is
 * a no-op; the final step reads them all back.
 */
import { z } from 'zod';
import type { BlobStore } from '../storage/blob-store';
import { PatientResult } from './schemas';

export interface SaveBatchInput {
  runId: string;
  outputUri: string;
  batch: number;
  results: PatientResult[];
}

export function resultBatchUri(outputUri: string, runId: string, batch: number): string {
  return `${outputUri}/runs/${runId}/results/batch-${String(batch).padStart(5, '0')}.json`;
}

export async function saveResultBatch(store: BlobStore, { runId, outputUri, batch, results }: SaveBatchInput) {
  const bytes = Buffer.from(JSON.stringify(results, null, 1) + '\n');
  await store.put(resultBatchUri(outputUri, runId, batch), bytes);
  return { count: results.length };
}

export async function readResultBatches(
  store: BlobStore,
  outputUri: string,
  runId: string,
  batches: number,
): Promise<PatientResult[]> {
  const all: PatientResult[] = [];
  for (let b = 0; b < batches; b++) {
    const uri = resultBatchUri(outputUri, runId, b);
    const parsed = z.array(PatientResult).parse(JSON.parse((await store.get(uri)).toString('utf8')));
    all.push(...parsed);
  }
  return all;
}
