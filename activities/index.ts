/**
 * The activities the workers run: thin wrappers that give the pure domain functions their
 * dependencies (the store), heartbeat progress, and turn typed input errors into non-retryable
 * Temporal failures. Built by a factory, so tests hand in real servers and the worker wires
 * production clients in one place.
 */
import { heartbeat } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { RadiogenomicsError } from './errors';
import type { BlobStore } from './storage/blob-store';
import { fetchImaging, type FetchInput } from './imaging/fetch';
import { extractFeaturesFromStore, type ExtractInput } from './radiomics/extract-activity';
import { writeFeatureRow, type WriteRowInput } from './tables/write-row';
import { parseCohortManifest } from './run/cohort-manifest';
import { saveResultBatch, type SaveBatchInput } from './run/results';
import { finalizeRun, type FinalizeInput } from './run/finalize';
import type { ManifestPage } from './run/schemas';

export interface ActivityDependencies {
  store: BlobStore;
}

export function createActivities({ store }: ActivityDependencies) {
  return {
    async readManifestPage(input: { manifestUri: string; offset: number; limit: number }): Promise<ManifestPage> {
      return typedErrors(async () => {
        const rows = parseCohortManifest((await store.get(input.manifestUri)).toString('utf8'), input.manifestUri);
        return { total: rows.length, rows: rows.slice(input.offset, input.offset + input.limit) };
      });
    },
    async fetchImaging(input: FetchInput) {
      return typedErrors(() => fetchImaging(store, input, heartbeat));
    },
    async extractFeatures(input: ExtractInput) {
      return typedErrors(() => extractFeaturesFromStore(store, input, heartbeat));
    },
    async writeFeatureRow(input: WriteRowInput) {
      return typedErrors(() => writeFeatureRow(store, input));
    },
    async saveResultBatch(input: SaveBatchInput) {
      return typedErrors(() => saveResultBatch(store, input));
    },
    async finalizeRun(input: FinalizeInput) {
      return typedErrors(() => finalizeRun(store, input, heartbeat));
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;

/** Run `work`; a typed input error becomes an ApplicationFailure of the same type (non-retryable unless it says so). */
async function typedErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof RadiogenomicsError) {
      throw ApplicationFailure.create({
        message: err.message,
        type: err.type,
        nonRetryable: !err.retryable,
        details: err.uri ? [{ uri: err.uri }] : undefined,
      });
    }
    throw err;
  }
}
