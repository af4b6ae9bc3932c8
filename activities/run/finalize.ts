/**
 * Finalize: the last step of a cohort run. Merges the per-patient feature rows into the cohort
 * table (Arrow IPC and Parquet), writes the run manifest and the HTML report next to them.
 */
import type { BlobStore } from '../storage/blob-store';
import { sha256Hex } from '../hash';
import { arrowToFeatureRows, rowsToTable, tableToArrowFile, tableToParquet, type FeatureRow } from '../tables/feature-table';
import { renderCohortReport } from '../report/cohort-report';
import { codeVersion } from './code-version';
import { readResultBatches } from './results';
import { joinOmicsTables } from './omics-join';
import { RunManifest, type RunSettings, type RunSummary } from './schemas';

export interface FinalizeInput {
  runId: string;
  manifestUri: string;
  outputUri: string;
  settings: RunSettings;
  batches: number;
  startedAt: string;
}

export async function finalizeRun(
  store: BlobStore,
  input: FinalizeInput,
  onProgress: (step: string) => void = () => {},
): Promise<RunSummary> {
  const patients = await readResultBatches(store, input.outputUri, input.runId, input.batches);
  const rows: FeatureRow[] = [];
  for (const p of patients) {
    if (p.status !== 'done' || !p.featuresUri) continue;
    rows.push(...arrowToFeatureRows(await store.get(p.featuresUri)));
    onProgress(`merged ${rows.length}`);
  }
  const table = rowsToTable(rows);
  const outputs: RunSummary['outputs'] = {};
  const write = async (name: string, bytes: Uint8Array) => {
    const put = await store.put(`${input.outputUri}/${name}`, bytes);
    outputs[name] = { uri: put.uri, sha256: put.sha256, size: put.size };
  };
  await write('features.arrow', tableToArrowFile(table));
  await write('features.parquet', tableToParquet(table));

  const manifestBytes = await store.get(input.manifestUri);
  const done = patients.filter((p) => p.status === 'done').length;
  const summary = { total: patients.length, done, failed: patients.length - done };
  const keyed = rows.map((row) => ({ patient_id: row.keys.patient_id }));
  const omics = input.settings.omics ? await joinOmicsTables(store, keyed, input.settings.omics) : undefined;
  onProgress('omics joined');
  await write('report.html', Buffer.from(renderCohortReport({ runId: input.runId, patients, table, omics })));

  const manifest = RunManifest.parse({
    schemaVersion: 1,
    runId: input.runId,
    startedAt: input.startedAt,
    finishedAt: new Date().toISOString(),
    code: codeVersion(),
    inputs: {
      manifest: { uri: input.manifestUri, sha256: sha256Hex(manifestBytes), size: manifestBytes.length },
      images: patients
        .filter((p) => p.imageSha256 && p.maskSha256)
        .map((p) => ({ patientId: p.patientId, timepoint: p.timepoint, imageSha256: p.imageSha256!, maskSha256: p.maskSha256! })),
    },
    settings: input.settings,
    summary,
    patients,
    outputs: { ...outputs },
    ...(omics ? { omics } : {}),
  });
  await write('run-manifest.json', Buffer.from(JSON.stringify(manifest, null, 2) + '\n'));
  return { runId: input.runId, ...summary, outputs };
}
