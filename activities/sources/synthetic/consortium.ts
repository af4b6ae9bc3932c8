/**
 * A seeded synthetic multi-center radiogenomics consortium: per patient a CT-like image with a
 * tumor mask, a driver mutation, gene expression, clinical covariates and survival, all tied
 * together by known, planted biology (see biology.ts) that is recorded in `truth`.
 *
 * The same parameters always give the same consortium, bit for bit; another seed gives another.
 */
import { z } from 'zod';
import { InvalidSettingsError } from '../../errors';
import type { Volume } from '../../imaging/volume';
import { PLANTED } from './biology';
import { drawModule, geneNames, simulateExpression, type ExpressionMatrix, type ExpressionModule } from './expression';
import { simulateMutations, type MafRow } from './mutations';
import { placeTumor, renderPhantom, type TumorShape } from './phantom';
import { Random } from './random';
import { simulateSurvival, type SurvivalTruth } from './survival';

export const GENERATOR = 'radiogenomics-synthetic-consortium/1';

export const ConsortiumParams = z
  .object({
    centers: z.number().int().min(1).default(3),
    patientsPerCenter: z.number().int().min(1).default(20),
    seed: z.number().int().default(1),
    /** Voxels per axis (x, y, z). */
    size: z.tuple([z.number().int().min(4), z.number().int().min(4), z.number().int().min(4)]).default([64, 64, 40]),
    /** Millimetres per voxel (x, y, z). */
    spacing: z.tuple([z.number().positive(), z.number().positive(), z.number().positive()]).default([0.8, 0.8, 2.5]),
    /** Genes in the expression table. */
    genes: z.number().int().min(1).default(300),
    /** Genes of the expression module that follows the latent score z. */
    moduleSize: z.number().int().min(1).default(30),
  })
  .strict()
  .refine((p) => p.moduleSize <= p.genes, { message: 'moduleSize cannot exceed genes', path: ['moduleSize'] });

export type ConsortiumParams = z.output<typeof ConsortiumParams>;
export type ConsortiumParamsInput = z.input<typeof ConsortiumParams>;

export interface CenterTruth {
  centerId: string;
  /** Added to every voxel by this center's scanner. */
  intensityShiftHu: number;
  /** SD of this scanner's white noise. */
  noiseSdHu: number;
}

export interface PatientTruth {
  patientId: string;
  centerId: string;
  mutated: boolean;
  /** Latent expression-module score z ~ N(0, 1). */
  moduleScore: number;
  age: number;
  stage: number;
  tumor: TumorShape & {
    radiusMm: number;
    voxelCount: number;
    /** Planted mean tumor intensity, before the scanner shift and noise. */
    meanHu: number;
    textureSdHu: number;
  };
  survival: SurvivalTruth;
}

export interface SyntheticPatient {
  patientId: string;
  centerId: string;
  image: Volume<Int16Array>;
  mask: Volume<Uint8Array>;
  truth: PatientTruth;
}

export interface ConsortiumTruth {
  generator: string;
  params: ConsortiumParams;
  planted: typeof PLANTED;
  centers: CenterTruth[];
  expressionModule: ExpressionModule;
  patients: PatientTruth[];
}

export interface Consortium {
  params: ConsortiumParams;
  centers: CenterTruth[];
  patients: SyntheticPatient[];
  expression: ExpressionMatrix;
  mutations: MafRow[];
  truth: ConsortiumTruth;
}

/** Validate parameters and apply defaults; InvalidSettingsError names the offending key. */
export function parseConsortiumParams(input: unknown): ConsortiumParams {
  const result = ConsortiumParams.safeParse(input ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) =>
    issue.code === 'unrecognized_keys'
      ? `unknown key ${issue.keys.join(', ')}`
      : `"${issue.path.join('.')}": ${issue.message}`,
  );
  throw new InvalidSettingsError(`invalid consortium parameters: ${problems.join('; ')}`);
}

export function generateConsortium(input: ConsortiumParamsInput = {}): Consortium {
  const params = parseConsortiumParams(input);
  // One independent stream per part, so that e.g. changing `genes` leaves the images unchanged.
  const root = new Random(params.seed);
  const centerRng = root.split();
  const patientRng = root.split();
  const omicsRng = root.split();

  const centers = Array.from({ length: params.centers }, (_, c) => drawCenter(c, centerRng));
  const patients = centers.flatMap((center) =>
    Array.from({ length: params.patientsPerCenter }, (_, n) =>
      simulatePatient(`${center.centerId}-P${String(n + 1).padStart(4, '0')}`, center, params, patientRng.split()),
    ),
  );

  const genes = geneNames(params.genes);
  const expressionModule = drawModule(genes, params.moduleSize, omicsRng);
  const sampleIds = patients.map((p) => p.patientId);
  const scores = patients.map((p) => p.truth.moduleScore);
  const expression = simulateExpression(genes, expressionModule, sampleIds, scores, omicsRng);
  const mutations = patients.flatMap((p) => simulateMutations(p.patientId, p.truth.mutated, genes, omicsRng));

  const truth: ConsortiumTruth = {
    generator: GENERATOR,
    params,
    planted: PLANTED,
    centers,
    expressionModule,
    patients: patients.map((p) => p.truth),
  };
  return { params, centers, patients, expression, mutations, truth };
}

/** Center ids C01, C02, ...; each scanner with its own intensity shift and noise level. */
function drawCenter(index: number, rng: Random): CenterTruth {
  const { intensityShiftSdHu, noiseSdHuRange } = PLANTED.centers;
  return {
    centerId: `C${String(index + 1).padStart(2, '0')}`,
    intensityShiftHu: roundTo(rng.normal(0, intensityShiftSdHu), 1),
    noiseSdHu: roundTo(rng.uniform(noiseSdHuRange[0], noiseSdHuRange[1]), 1),
  };
}

/** One patient: latent biology and covariates first, then the images and survival that follow. */
function simulatePatient(
  patientId: string,
  center: CenterTruth,
  params: ConsortiumParams,
  rng: Random,
): SyntheticPatient {
  const { clinical, mutation, tumor } = PLANTED;
  const mutated = rng.bernoulli(mutation.prevalence);
  const moduleScore = rng.normal();
  const [youngest, oldest] = clinical.ageRange;
  const age = clamp(Math.round(rng.normal(clinical.ageMean, clinical.ageSd)), youngest, oldest);
  const stage = rng.weightedIndex(clinical.stageProbabilities) + 1;

  const radiusMm = tumorRadiusMm(stage, params, rng);
  const shape = placeTumor(params.size, params.spacing, radiusMm, rng);
  const meanHu = tumor.baseHu + tumor.huPerModuleScore * moduleScore;
  const textureSdHu = mutated ? mutation.textureSdHu.mutated : mutation.textureSdHu.wildType;
  const phantom = renderPhantom(
    {
      size: params.size,
      spacing: params.spacing,
      tumor: shape,
      tumorMeanHu: meanHu,
      textureSdHu,
      scannerShiftHu: center.intensityShiftHu,
      scannerNoiseSdHu: center.noiseSdHu,
    },
    rng.split(),
  );
  const survival = simulateSurvival({ mutated, moduleScore, stage, age }, rng);
  const truth: PatientTruth = {
    patientId,
    centerId: center.centerId,
    mutated,
    moduleScore,
    age,
    stage,
    tumor: { ...shape, radiusMm, voxelCount: phantom.tumorVoxels, meanHu, textureSdHu },
    survival,
  };
  return { patientId, centerId: center.centerId, image: phantom.image, mask: phantom.mask, truth };
}

/** Mean radius grows with stage; scaled to the field of view (51.2 mm for the default grid). */
function tumorRadiusMm(stage: number, params: ConsortiumParams, rng: Random): number {
  const { radiusMmByStage, radiusSdMm } = PLANTED.tumor;
  const scale = Math.min(params.size[0] * params.spacing[0], params.size[1] * params.spacing[1]) / 51.2;
  const radius = rng.normal(radiusMmByStage[stage - 1], radiusSdMm);
  return scale * Math.max(radiusMmByStage[0] / 2, radius);
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

function roundTo(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

export type { ExpressionMatrix, ExpressionModule, MafRow, SurvivalTruth, TumorShape };
