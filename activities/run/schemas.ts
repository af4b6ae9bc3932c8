/**
 * The types that cross the Temporal boundary (workflow inputs and results, activity inputs and
 * results) and the run manifest, as zod schemas. Workflows import only the inferred types.
 */
import { z } from 'zod';
import { parseParams } from '../radiomics/params-file';
import { parseSettings } from '../settings-validation';
import { IDENTITY_RULE, SampleIdRule } from '../omics/sample-ids';
import type { JoinReport } from '../omics/join';

export const RadiomicsSettingsInput = z.record(z.string(), z.unknown());

/** One row of a cohort manifest: an image (and optionally its mask) of one patient at one time. */
export const PatientRef = z.object({
  patientId: z.string().min(1),
  center: z.string().min(1),
  timepoint: z.string().min(1),
  imageUri: z.string().min(1),
  maskUri: z.string().min(1).optional(),
  /** Region-of-interest name used as a key of the feature row. */
  roi: z.string().min(1).default('tumor'),
});
export type PatientRef = z.infer<typeof PatientRef>;

export const ActivityTimeouts = z
  .object({
    /** Longest time one attempt of a fetch/extract/write may take. */
    startToCloseSeconds: z.number().positive().default(600),
    /** A worker that stops heartbeating for this long is presumed dead and its activity retried elsewhere. */
    heartbeatSeconds: z.number().positive().default(30),
    maximumAttempts: z.number().int().min(1).default(5),
    initialRetrySeconds: z.number().positive().default(1),
  })
  .strict();

/** Where `tcia://<SeriesInstanceUID>` URIs are downloaded from (NBIA REST API v4). */
export const TciaSourceSettings = z
  .object({
    baseUrl: z.string().url().default('https://services.cancerimagingarchive.net/nbia-api/services/v4'),
    /** Name of the environment variable holding a bearer token (never the token itself: settings are recorded). */
    tokenEnv: z.string().default('TCIA_TOKEN'),
    /** Download tries of one series within one activity attempt (5xx, timeouts, truncated ZIPs). */
    attempts: z.number().int().min(1).default(5),
    /** First delay between those tries; it doubles each time. */
    retryDelayMs: z.number().int().min(0).default(1000),
  })
  .strict();
export type TciaSourceSettings = z.infer<typeof TciaSourceSettings>;

export const SourceSettings = z.object({ tcia: TciaSourceSettings.default(TciaSourceSettings.parse({})) }).strict();
export type SourceSettings = z.infer<typeof SourceSettings>;

/** Omics tables of a run (URIs), and how their sample ids map to patient ids. */
export const OmicsInputs = z
  .object({
    clinicalUri: z.string().optional(),
    expressionUri: z.string().optional(),
    mutationsUri: z.string().optional(),
    sampleIdRule: SampleIdRule.default(IDENTITY_RULE),
  })
  .strict();
export type OmicsInputs = z.infer<typeof OmicsInputs>;

/** What the run manifest records for one omics table: its hash and join report, or the error that stopped it. */
export const OmicsJoinRecord = z.object({
  uri: z.string(),
  sha256: z.string().optional(),
  /** Patients in the table (after the sample-id rule). */
  patients: z.number().int().optional(),
  join: z.custom<JoinReport>((value) => typeof value === 'object' && value !== null).optional(),
  error: z.object({ type: z.string(), message: z.string() }).optional(),
});
export type OmicsJoinRecord = z.infer<typeof OmicsJoinRecord>;

export const OmicsJoinSummary = z.partialRecord(z.enum(['clinical', 'expression', 'mutations']), OmicsJoinRecord);
export type OmicsJoinSummary = z.infer<typeof OmicsJoinSummary>;

/** Settings of a cohort run. Defaults suit a laptop; every field is recorded in the run manifest. */
export const RunSettings = z
  .object({
    /** How many patients are processed at once. */
    window: z.number().int().min(1).default(8),
    /** Patients per workflow run before continuing-as-new (keeps histories small). */
    patientsPerRun: z.number().int().min(1).default(250),
    /** Route activities to `<center>.<kind>` queues (centers that keep images on site). */
    perCenterQueues: z.boolean().default(false),
    /**
     * The feature extraction, as a PyRadiomics params file has it: { setting, imageType, featureClass }.
     * Resolved by parseRunSettings (every default filled in), so the run manifest records what ran.
     */
    radiomics: RadiomicsSettingsInput.default({}),
    timeouts: ActivityTimeouts.default(ActivityTimeouts.parse({})),
    /** Image sources that need settings (TCIA). */
    sources: SourceSettings.default(SourceSettings.parse({})),
    /** Omics tables joined with the feature table when the run ends (join report in the run manifest). */
    omics: OmicsInputs.optional(),
  })
  .strict();
export type RunSettings = z.infer<typeof RunSettings>;

/** Validate run settings (and the radiomics params inside), applying every default. */
export function parseRunSettings(input: unknown, sourceUri?: string): RunSettings {
  const settings = parseSettings(RunSettings, input, 'run settings', sourceUri);
  const params = parseParams(settings.radiomics, sourceUri);
  return { ...settings, radiomics: { setting: params.settings, imageType: params.imageTypes, featureClass: params.featureClasses } };
}

export const CohortProgress = z.object({
  total: z.number().int(),
  done: z.number().int(),
  failed: z.number().int(),
  running: z.number().int(),
});
export type CohortProgress = z.infer<typeof CohortProgress>;

export const CohortState = z.object({
  nextIndex: z.number().int(),
  batch: z.number().int(),
  done: z.number().int(),
  failed: z.number().int(),
  startedAt: z.string(),
});
export type CohortState = z.infer<typeof CohortState>;

export const CohortInput = z.object({
  runId: z.string().regex(/^[A-Za-z0-9._-]+$/, 'run ids use letters, digits, dot, dash and underscore'),
  manifestUri: z.string(),
  /** Where every output of the run goes (file:// or s3:// prefix, no trailing slash). */
  outputUri: z.string(),
  settings: RunSettings,
  /** Present when the workflow continued as new. */
  state: CohortState.optional(),
});
export type CohortInput = z.infer<typeof CohortInput>;

export const FailureReason = z.object({ type: z.string(), message: z.string() });
export type FailureReason = z.infer<typeof FailureReason>;

export const PatientResult = z.object({
  patientId: z.string(),
  center: z.string(),
  timepoint: z.string(),
  roi: z.string(),
  status: z.enum(['done', 'failed']),
  featuresUri: z.string().optional(),
  featureCount: z.number().int().optional(),
  imageSha256: z.string().optional(),
  maskSha256: z.string().optional(),
  error: FailureReason.optional(),
});
export type PatientResult = z.infer<typeof PatientResult>;

export const PatientInput = z.object({
  runId: z.string(),
  outputUri: z.string(),
  patient: PatientRef,
  settings: RunSettings,
});
export type PatientInput = z.infer<typeof PatientInput>;

export const ManifestPage = z.object({ total: z.number().int(), rows: z.array(PatientRef) });
export type ManifestPage = z.infer<typeof ManifestPage>;

export const FetchedImaging = z.object({
  imageUri: z.string(),
  maskUri: z.string(),
  imageSha256: z.string(),
  maskSha256: z.string(),
});
export type FetchedImaging = z.infer<typeof FetchedImaging>;

export const OutputFile = z.object({ uri: z.string(), sha256: z.string(), size: z.number().int() });

export const RunSummary = z.object({
  runId: z.string(),
  total: z.number().int(),
  done: z.number().int(),
  failed: z.number().int(),
  outputs: z.record(z.string(), OutputFile),
});
export type RunSummary = z.infer<typeof RunSummary>;

/** The single record of what a run read, did and wrote. */
export const RunManifest = z.object({
  schemaVersion: z.literal(1),
  runId: z.string(),
  startedAt: z.string(),
  finishedAt: z.string(),
  code: z.object({ name: z.string(), version: z.string(), gitCommit: z.string().optional() }),
  inputs: z.object({
    manifest: OutputFile,
    images: z.array(
      z.object({ patientId: z.string(), timepoint: z.string(), imageSha256: z.string(), maskSha256: z.string() }),
    ),
  }),
  settings: RunSettings,
  summary: z.object({ total: z.number().int(), done: z.number().int(), failed: z.number().int() }),
  patients: z.array(PatientResult),
  outputs: z.record(z.string(), OutputFile),
  /** The omics tables of the run, each with its join report (or the typed error that stopped it). */
  omics: OmicsJoinSummary.optional(),
});
export type RunManifest = z.infer<typeof RunManifest>;
