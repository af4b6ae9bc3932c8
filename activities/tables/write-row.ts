/**
 * Write: one patient's feature row as an Arrow IPC file under a run-scoped key. The write is
 * create-if-absent, so a retried activity (a worker died after writing) writes it exactly once.
 */
import type { BlobStore, PutResult } from '../storage/blob-store';
import type { FetchedImaging, PatientRef } from '../run/schemas';
import type { ExtractedFeatures } from '../radiomics/extract-activity';
import { featureRowToArrow } from './feature-table';

export interface WriteRowInput {
  runId: string;
  outputUri: string;
  patient: PatientRef;
  imaging: FetchedImaging;
  features: ExtractedFeatures;
}

export function featureRowUri(outputUri: string, runId: string, p: PatientRef): string {
  const part = (s: string) => encodeURIComponent(s);
  return `${outputUri}/runs/${runId}/features/${part(p.center)}/${part(p.patientId)}/${part(p.timepoint)}/${part(p.roi)}.arrow`;
}

export async function writeFeatureRow(
  store: BlobStore,
  { runId, outputUri, patient, imaging, features }: WriteRowInput,
): Promise<PutResult & { written: boolean }> {
  const bytes = featureRowToArrow({
    keys: { patient_id: patient.patientId, center: patient.center, timepoint: patient.timepoint, roi: patient.roi },
    provenance: {
      image_sha256: imaging.imageSha256,
      mask_sha256: imaging.maskSha256,
      settings_sha256: features.settingsSha256,
      extractor: features.extractor,
    },
    features: features.values,
  });
  return store.putIfAbsent(featureRowUri(outputUri, runId, patient), bytes);
}
