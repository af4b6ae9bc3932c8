/**
 * `rg`, the command line:
 *   rg demo      generate a synthetic consortium and run it end to end on an embedded Temporal server
 *   rg run       run a cohort manifest (embedded, or on the cluster named by TEMPORAL_ADDRESS)
 *   rg worker    serve task queues for a cluster
 *   rg status    progress (or result) of a run on a cluster
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { parse as parseYaml } from 'yaml';
import { createStorage } from '../activities/storage';
import { toFileUri } from '../activities/storage/uri';
import { generateConsortium } from '../activities/sources/synthetic/consortium';
import { writeConsortium } from '../activities/sources/synthetic/writer';
import { tciaCollectionSpec } from '../activities/sources/synthetic/dicom-writer';
import { startLocalNbiaServer } from '../activities/sources/tcia-server/server';
import { extractFromFiles, formatFeatures, formatOf, writeMapsFromFiles } from '../activities/radiomics/features-file';
import { inspectPath } from '../activities/imaging/inspect';
import { sourceUriOf } from '../activities/imaging/sources';
import { progressQuery } from '../workflows';
import type { CohortProgress, RunSummary } from '../activities/run/schemas';
import { connectClient, targetFromEnvironment, type TemporalTarget } from './connection';
import { cohortWorkflowId, formatProgress, runCohort } from './cohort-run';
import { DEFAULT_QUEUES } from './queues';
import { createWorkerPool } from './worker';

export async function main(argv: string[]): Promise<void> {
  const program = new Command('rg')
    .description('radiogenomics: durable imaging + omics pipelines on Temporal')
    .showHelpAfterError();

  program
    .command('demo')
    .description('generate a synthetic multi-center consortium and run it end to end on an embedded Temporal server')
    .option('--patients <n>', 'patients per center', positiveInt, 20)
    .option('--centers <k>', 'number of centers', positiveInt, 3)
    .option('--seed <s>', 'random seed of the synthetic consortium', integer, 1)
    .option('--out <dir>', 'output folder', 'demo-out')
    .option('--window <w>', 'patients processed at once', positiveInt, 8)
    .option('--params <file>', 'a PyRadiomics params file (YAML) for the feature extraction')
    .option('--source <kind>', `where the images come from: ${DEMO_SOURCES.join(', ')}`, 'dicom')
    .option('--cohort-uri <s3-uri>', 'with --source s3: the s3:// prefix the consortium is written to')
    .action(async (opts) => {
      const source = demoSource(opts.source, opts.cohortUri);
      const out = resolve(opts.out);
      const store = createStorage();
      say(`Generating ${opts.centers} centers × ${opts.patients} patients (seed ${opts.seed}) as ${source} ...`);
      const consortium = generateConsortium({ centers: opts.centers, patientsPerCenter: opts.patients, seed: opts.seed });
      const cohortUri = source === 's3' ? String(opts.cohortUri).replace(/\/+$/, '') : toFileUri(join(out, 'cohort'));
      const written = await writeConsortium(store, cohortUri, consortium, {
        imageFormat: source === 'nrrd' ? 'nrrd' : 'dicom',
        imageLocation: source === 'tcia' ? 'tcia' : 'files',
      });
      const tcia = source === 'tcia' ? await startLocalNbiaServer(tciaCollectionSpec('SYNTHETIC-RG', written.dicom ?? [])) : undefined;
      if (tcia) say(`Serving the consortium as TCIA collection SYNTHETIC-RG at ${tcia.baseUrl}`);
      try {
        const summary = await runWithProgress({
          manifestUri: written.manifestUri,
          outputUri: toFileUri(out),
          settings: {
            window: opts.window,
            radiomics: opts.params ? readParamsFile(opts.params) : {},
            ...(tcia ? { sources: { tcia: { baseUrl: tcia.baseUrl } } } : {}),
            omics: { clinicalUri: written.clinicalUri, expressionUri: written.expressionUri, mutationsUri: written.mutationsUri },
          },
          settingsUri: opts.params,
          stateDir: join(out, '.state'),
        });
        printSummary(summary, out);
      } finally {
        await tcia?.stop();
      }
    });

  program
    .command('run <manifest>')
    .description('run a cohort manifest (CSV: patient_id,center,timepoint,image_uri,mask_uri)')
    .option('--out <dir-or-uri>', 'output folder or s3:// prefix', 'out')
    .option('--settings <file>', 'run settings (JSON): window, patientsPerRun, radiomics, timeouts, ...')
    .option('--params <file>', 'a PyRadiomics params file (YAML) for the feature extraction (replaces settings.radiomics)')
    .option('--clinical <file-or-uri>', 'clinical/outcome table (TSV) to join with the features')
    .option('--expression <file-or-uri>', 'expression table (TSV genes × samples, or GCT) to join')
    .option('--mutations <file-or-uri>', 'mutations (MAF) to join')
    .option('--run-id <id>', 'run id (default: run-<time>-<random>)')
    .option('--workers', 'also run workers in this process when using a cluster')
    .action(async (manifest: string, opts) => {
      const outputUri = isUri(opts.out) ? opts.out : toFileUri(resolve(opts.out));
      const target = targetFromEnvironment();
      if (target) say(`Using the Temporal server at ${target.address} (namespace ${target.namespace}).`);
      const summary = await runWithProgress({
        manifestUri: isUri(manifest) ? manifest : toFileUri(resolve(manifest)),
        outputUri,
        settings: withOmics(withParams(opts.settings ? readJsonFile(opts.settings) : {}, opts.params), opts),
        settingsUri: opts.params ?? opts.settings,
        runId: opts.runId,
        target,
        inProcessWorkers: !!opts.workers,
        stateDir: isUri(opts.out) ? resolve('.state') : join(resolve(opts.out), '.state'),
      });
      printSummary(summary, opts.out);
    });

  program
    .command('features')
    .description('radiomic features of one image and mask (NRRD, NIfTI, DICOM series/SEG/RTSTRUCT), PyRadiomics names and params files')
    .requiredOption('--image <path-or-uri>', 'the image (a DICOM series: its folder, ending with /)')
    .requiredOption('--mask <path-or-uri>', 'the mask: label map on the image grid, DICOM-SEG or RTSTRUCT')
    .option('--roi <name>', 'RTSTRUCT masks: the ROI to use', 'tumor')
    .option('--params <path-or-uri>', 'a PyRadiomics params file (YAML or JSON)')
    .option('--label <n>', 'the ROI label (overrides the params file)', positiveInt)
    .option('--convention <name>', 'pyradiomics or ibsi', 'pyradiomics')
    .option('--out <file>', 'write .json, .csv or .arrow (default: JSON on stdout)')
    .option('--maps <dir-or-uri>', 'instead: voxel-based feature maps (PyRadiomics voxelBased), one .nrrd per feature')
    .option('--kernel-radius <n>', 'kernel radius of the maps, in voxels', positiveInt, 1)
    .action(async (opts) => {
      // A local folder becomes a URI ending with "/": it names a DICOM series.
      const uri = sourceUriOf;
      if (opts.maps) {
        const written = await writeMapsFromFiles(createStorage(), {
          imageUri: uri(opts.image),
          maskUri: uri(opts.mask),
          paramsUri: opts.params ? uri(opts.params) : undefined,
          label: opts.label,
          outputUri: uri(opts.maps).replace(/\/*$/, '/'),
          kernelRadius: opts.kernelRadius,
        });
        say(`Wrote ${written} feature maps to ${opts.maps}`);
        return;
      }
      const request = {
        imageUri: uri(opts.image),
        maskUri: uri(opts.mask),
        paramsUri: opts.params ? uri(opts.params) : undefined,
        label: opts.label,
        convention: opts.convention,
        roi: opts.roi,
      };
      if (!['pyradiomics', 'ibsi'].includes(opts.convention)) {
        throw new InvalidArgumentError(`--convention must be pyradiomics or ibsi, not "${opts.convention}"`);
      }
      const format = opts.out ? formatOf(opts.out) : 'json';
      const store = createStorage();
      const bytes = formatFeatures(await extractFromFiles(store, request), request, format);
      if (opts.out) {
        await store.put(uri(opts.out), bytes);
        say(`Wrote ${opts.out}`);
      } else process.stdout.write(bytes);
    });

  program
    .command('inspect <path>')
    .description('describe an image or mask as JSON: DICOM file or series folder, NIfTI, NRRD, DICOM-SEG, RTSTRUCT (with --reference)')
    .option('--reference <image>', 'the image a DICOM-SEG or RTSTRUCT refers to (DICOM folder or file, NIfTI, NRRD)')
    .option('--roi <name>', 'RTSTRUCT: only this ROI')
    .action(async (path: string, opts) => {
      const report = await inspectPath(path, { reference: opts.reference, roi: opts.roi });
      process.stdout.write(JSON.stringify(report, null, 2) + '\n');
    });

  program
    .command('worker')
    .description('serve task queues of a Temporal cluster (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TLS/API key from the environment)')
    .option('--queues <list>', `comma-separated queues (${DEFAULT_QUEUES.join(',')}, or <center>.<io|cpu|gpu>)`, DEFAULT_QUEUES.join(','))
    .option('--concurrency <n>', 'activities at once per activity queue', positiveInt, 4)
    .action(async (opts) => {
      const target = requireTarget();
      const pool = await createWorkerPool({
        target,
        queues: String(opts.queues).split(',').map((q) => q.trim()).filter(Boolean),
        concurrency: opts.concurrency,
        store: createStorage(),
      });
      for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void pool.shutdown());
      say(`Worker serving ${opts.queues} on ${target.address} (concurrency ${opts.concurrency}). Ctrl-C stops it.`);
      await pool.run();
    });

  program
    .command('status <run-id>')
    .description('progress of a run (or its result when finished) on the cluster named by TEMPORAL_ADDRESS')
    .action(async (runId: string) => {
      const client = await connectClient(requireTarget());
      const handle = client.workflow.getHandle(cohortWorkflowId(runId));
      const description = await handle.describe();
      if (description.status.name === 'RUNNING') {
        const p = await handle.query(progressQuery);
        console.log(JSON.stringify({ runId, status: 'running', ...p }));
      } else if (description.status.name === 'COMPLETED') {
        console.log(JSON.stringify({ runId, status: 'completed', ...(await handle.result()) }, null, 2));
      } else {
        console.log(JSON.stringify({ runId, status: description.status.name.toLowerCase() }));
        process.exitCode = 1;
      }
    });

  await program.parseAsync(argv);
}

async function runWithProgress(options: Parameters<typeof runCohort>[0]): Promise<RunSummary> {
  let last = '';
  const interactive = process.stderr.isTTY;
  const summary = await runCohort({
    ...options,
    log: say,
    onProgress: (p: CohortProgress) => {
      const line = formatProgress(p);
      if (p.total === 0 || line === last) return; // total 0: the manifest is still being read
      last = line;
      if (interactive) process.stderr.write(`\r\x1b[K  ${line}`);
      else say(`  ${line}`);
    },
  });
  if (interactive) process.stderr.write('\n');
  return summary;
}

function printSummary(summary: RunSummary, out: string): void {
  say(`Run ${summary.runId}: ${summary.done} done, ${summary.failed} failed of ${summary.total}.`);
  for (const [name, file] of Object.entries(summary.outputs)) say(`  ${name.padEnd(18)} ${file.uri}`);
  say(`Open the report: ${summary.outputs['report.html']?.uri ?? out}`);
}

/** Omics tables given on the command line go into settings.omics (as URIs), over the settings file. */
function withOmics(settings: unknown, opts: { clinical?: string; expression?: string; mutations?: string }): unknown {
  if (!opts.clinical && !opts.expression && !opts.mutations) return settings;
  const uri = (p?: string) => (p === undefined ? undefined : isUri(p) ? p : toFileUri(resolve(p)));
  const base = (settings ?? {}) as { omics?: Record<string, unknown> };
  const given = { clinicalUri: uri(opts.clinical), expressionUri: uri(opts.expression), mutationsUri: uri(opts.mutations) };
  const defined = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined));
  return { ...base, omics: { ...base.omics, ...defined } };
}

const DEMO_SOURCES = ['dicom', 'nrrd', 's3', 'tcia'] as const;
type DemoSource = (typeof DEMO_SOURCES)[number];

/** Check --source (and --cohort-uri for s3). */
function demoSource(source: string, cohortUri: string | undefined): DemoSource {
  if (!(DEMO_SOURCES as readonly string[]).includes(source)) {
    throw new InvalidArgumentError(`--source must be one of ${DEMO_SOURCES.join(', ')}, not "${source}"`);
  }
  if (source === 's3' && !cohortUri?.startsWith('s3://')) {
    throw new InvalidArgumentError('--source s3 needs --cohort-uri s3://bucket/prefix (and S3 settings in the environment: AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, ...)');
  }
  return source as DemoSource;
}

function requireTarget(): TemporalTarget {
  const target = targetFromEnvironment();
  if (!target) {
    throw new InvalidArgumentError(
      'No Temporal server configured: set TEMPORAL_ADDRESS (and TEMPORAL_NAMESPACE, TLS or TEMPORAL_API_KEY as needed).',
    );
  }
  return target;
}

/** A PyRadiomics params file as a plain object (validated when the run settings are). */
function readParamsFile(path: string): unknown {
  try {
    return parseYaml(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new InvalidArgumentError(`${path}: not a readable YAML params file (${(err as Error).message})`);
  }
}

function withParams(settings: unknown, paramsPath?: string): unknown {
  return paramsPath ? { ...(settings as object), radiomics: readParamsFile(paramsPath) } : settings;
}

function readJsonFile(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new InvalidArgumentError(`${path}: not a readable JSON file (${(err as Error).message})`);
  }
}

function say(line: string): void {
  process.stderr.write(line + '\n');
}

function isUri(s: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(s);
}

function integer(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError(`"${value}" is not an integer.`);
  return n;
}

function positiveInt(value: string): number {
  const n = integer(value);
  if (n < 1) throw new InvalidArgumentError(`"${value}" must be at least 1.`);
  return n;
}

