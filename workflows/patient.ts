/**
 * PatientWorkflow: the protocol for one image of one patient.
 *   1. fetch the image and mask into the store (io)
 *   2. extract the radiomic features (cpu)
 *   3. write the feature row (io)
 * Bad data ends the patient as failed with a typed reason; it never fails the cohort.
 */
import { ActivityFailure, ApplicationFailure, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { FailureReason, PatientInput, PatientResult, RunSettings } from '../activities/run/schemas';
import { queueFor, type WorkKind } from '../temporal/queues';
import { NON_RETRYABLE_ERROR_TYPES } from '../activities/errors';

export async function PatientWorkflow(input: PatientInput): Promise<PatientResult> {
  const { patient, settings, runId, outputUri } = input;
  const io = activitiesOn('io', patient.center, settings);
  const cpu = activitiesOn('cpu', patient.center, settings);
  const keys = { patientId: patient.patientId, center: patient.center, timepoint: patient.timepoint, roi: patient.roi };
  try {
    const imaging = await io.fetchImaging({ patient, outputUri, sources: settings.sources });
    const features = await cpu.extractFeatures({ imaging, radiomics: settings.radiomics, patient });
    const row = await io.writeFeatureRow({ runId, outputUri, patient, imaging, features });
    return {
      ...keys,
      status: 'done',
      featuresUri: row.uri,
      featureCount: Object.keys(features.values).length,
      imageSha256: imaging.imageSha256,
      maskSha256: imaging.maskSha256,
    };
  } catch (err) {
    return { ...keys, status: 'failed', error: failureReason(err) };
  }
}

/** Activities of one kind of work, on the queue `queueFor` picks, with explicit timeouts and retries. */
function activitiesOn(kind: WorkKind, center: string, settings: RunSettings) {
  const t = settings.timeouts;
  return proxyActivities<Activities>({
    taskQueue: queueFor(kind, center, settings.perCenterQueues),
    startToCloseTimeout: `${t.startToCloseSeconds} s`,
    heartbeatTimeout: `${t.heartbeatSeconds} s`,
    retry: {
      initialInterval: `${t.initialRetrySeconds} s`,
      backoffCoefficient: 2,
      maximumInterval: '1 minute',
      maximumAttempts: t.maximumAttempts,
      nonRetryableErrorTypes: [...NON_RETRYABLE_ERROR_TYPES],
    },
  });
}

/** The typed reason behind a failed activity (its ApplicationFailure type and message). */
export function failureReason(err: unknown): FailureReason {
  let cause: unknown = err;
  while (cause instanceof ActivityFailure && cause.cause) cause = cause.cause;
  if (cause instanceof ApplicationFailure) {
    return { type: cause.type ?? 'ApplicationFailure', message: cause.message };
  }
  if (cause instanceof Error) return { type: cause.name, message: cause.message };
  return { type: 'UnknownError', message: String(cause) };
}
