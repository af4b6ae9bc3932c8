import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvalidSettingsError } from '../../activities/errors';
import { sameGrid } from '../../activities/imaging/volume';
import { extractFeatures } from '../../activities/radiomics';
import { PLANTED } from '../../activities/sources/synthetic/biology';
import { generateConsortium, parseConsortiumParams } from '../../activities/sources/synthetic/consortium';
import { hazardPerDay } from '../../activities/sources/synthetic/survival';

const consortium = generateConsortium({}); // defaults: 3 centers × 20 patients, 64×64×40, seed 1
const { patients } = consortium;

const mean = (values: number[]) => values.reduce((s, v) => s + v, 0) / values.length;
function correlation(a: number[], b: number[]): number {
  const ma = mean(a);
  const mb = mean(b);
  let ab = 0;
  let aa = 0;
  let bb = 0;
  a.forEach((x, i) => {
    ab += (x - ma) * (b[i] - mb);
    aa += (x - ma) ** 2;
    bb += (b[i] - mb) ** 2;
  });
  return ab / Math.sqrt(aa * bb);
}

describe('parameters', () => {
  test('defaults', () => {
    assert.deepEqual(consortium.params, {
      centers: 3,
      patientsPerCenter: 20,
      seed: 1,
      size: [64, 64, 40],
      spacing: [0.8, 0.8, 2.5],
      genes: 300,
      moduleSize: 30,
    });
  });

  test('bad parameters are an InvalidSettingsError naming the key', () => {
    const refused = (input: unknown, pattern: RegExp) =>
      assert.throws(() => parseConsortiumParams(input), (e: unknown) => e instanceof InvalidSettingsError && pattern.test(e.message));
    refused({ centers: 0 }, /"centers"/);
    refused({ patientsPerCenter: 2.5 }, /"patientsPerCenter"/);
    refused({ size: [64, 64] }, /"size\.2"/);
    refused({ genes: 10, moduleSize: 11 }, /"moduleSize": moduleSize cannot exceed genes/);
    refused({ patients: 5 }, /unknown key patients/);
  });
});

describe('shapes and value ranges', () => {
  test('ids: centers C01..C03, patients C01-P0001..', () => {
    assert.deepEqual(consortium.centers.map((c) => c.centerId), ['C01', 'C02', 'C03']);
    assert.equal(patients.length, 60);
    assert.equal(patients[0].patientId, 'C01-P0001');
    assert.equal(patients[59].patientId, 'C03-P0020');
    assert.ok(patients.every((p) => /^C\d{2}-P\d{4}$/.test(p.patientId) && p.patientId.startsWith(p.centerId)));
    assert.equal(new Set(patients.map((p) => p.patientId)).size, 60);
  });

  test('images are Int16 HU and masks Uint8 {0, 1}, on one grid, with the tumor as label 1', () => {
    for (const { image, mask, truth } of patients) {
      assert.ok(image.data instanceof Int16Array && mask.data instanceof Uint8Array);
      assert.equal(image.data.length, 64 * 64 * 40);
      assert.deepEqual(image.size, [64, 64, 40]);
      assert.deepEqual(image.spacing, [0.8, 0.8, 2.5]);
      assert.ok(sameGrid(image, mask));
      let tumorVoxels = 0;
      for (let n = 0; n < mask.data.length; n++) {
        assert.ok(mask.data[n] <= 1);
        tumorVoxels += mask.data[n];
      }
      assert.equal(tumorVoxels, truth.tumor.voxelCount);
      assert.ok(tumorVoxels >= 50, `${truth.patientId}: ${tumorVoxels} tumor voxels`);
      assert.ok(image.data.every((v) => v >= -1024 && v <= 3071));
    }
  });

  test('air outside the body, soft tissue inside', () => {
    const { image } = patients[0];
    const center = consortium.centers[0];
    const corner = Array.from({ length: 10 }, (_, i) => image.data[i]);
    assert.ok(Math.abs(mean(corner) - (-1000 + center.intensityShiftHu)) < 3 * center.noiseSdHu);
    // The central column of the body, outside the tumor: soft tissue (40 HU) plus shift and noise.
    const column = Array.from({ length: 40 }, (_, k) => 32 + 64 * (32 + 64 * k)).filter((n) => patients[0].mask.data[n] === 0);
    const tissue = mean(column.map((n) => image.data[n])) - center.intensityShiftHu;
    assert.ok(Math.abs(tissue - 40) < center.noiseSdHu, `tissue ${tissue}`);
  });

  test('clinical covariates: age ~ N(62, 9), stage 1..4 and tied to tumor size', () => {
    const ages = patients.map((p) => p.truth.age);
    assert.ok(ages.every((age) => Number.isInteger(age) && age >= 30 && age <= 90));
    assert.ok(Math.abs(mean(ages) - 62) < 5);
    const stages = patients.map((p) => p.truth.stage);
    assert.ok(stages.every((s) => [1, 2, 3, 4].includes(s)));
    const volumeOfStage = (s: number) => mean(patients.filter((p) => p.truth.stage === s).map((p) => p.truth.tumor.voxelCount));
    assert.ok(volumeOfStage(4) > volumeOfStage(1) * 2);
  });

  test('survival: whole days ≥ 1, event 0/1 consistent with the planted times and hazard', () => {
    for (const { truth } of patients) {
      const s = truth.survival;
      assert.ok(Number.isInteger(s.timeDays) && s.timeDays >= 1);
      assert.equal(s.event, s.eventTimeDays <= s.censoringTimeDays ? 1 : 0);
      assert.equal(s.timeDays, Math.max(1, Math.round(Math.min(s.eventTimeDays, s.censoringTimeDays))));
      const { beta, baselineHazardPerDay } = PLANTED.survival;
      const expected =
        baselineHazardPerDay *
        Math.exp(beta.mutation * Number(truth.mutated) + beta.moduleScore * truth.moduleScore + beta.stage * (truth.stage - 1) + (beta.agePer10Years * (truth.age - 62)) / 10);
      assert.ok(Math.abs(s.hazardPerDay / expected - 1) < 1e-12);
      assert.equal(hazardPerDay(truth), s.hazardPerDay);
    }
    const events = patients.filter((p) => p.truth.survival.event === 1).length;
    assert.ok(events > 10 && events < 60, `${events} events`);
  });

  test('expression: genes × samples of non-negative integer counts', () => {
    const { expression } = consortium;
    assert.equal(expression.genes.length, 300);
    assert.deepEqual(expression.sampleIds, patients.map((p) => p.patientId));
    assert.ok(expression.counts.every((row) => row.length === 60 && row.every((c) => Number.isInteger(c) && c >= 0)));
    assert.equal(consortium.truth.expressionModule.genes.length, 30);
  });

  test('mutations: RGMUT1 Missense_Mutation exactly in mutated patients, plus passengers (some Silent)', () => {
    const mutated = patients.filter((p) => p.truth.mutated).map((p) => p.patientId);
    const driverRows = consortium.mutations.filter((row) => row.Hugo_Symbol === 'RGMUT1');
    assert.deepEqual(driverRows.map((row) => row.Tumor_Sample_Barcode), mutated);
    assert.ok(driverRows.every((row) => row.Variant_Classification === 'Missense_Mutation'));
    assert.ok(mutated.length >= 10 && mutated.length <= 35, `${mutated.length} mutated`); // prevalence 0.35
    const passengers = consortium.mutations.filter((row) => row.Hugo_Symbol !== 'RGMUT1');
    assert.ok(passengers.length > 60);
    assert.ok(passengers.some((row) => row.Variant_Classification === 'Silent'));
    assert.ok(passengers.some((row) => row.Variant_Classification !== 'Silent'));
  });
});

describe('the planted biology can be recovered', () => {
  const features = patients.map((p) => extractFeatures(p.image, p.mask, {}));

  test('mutated tumors are more heterogeneous: higher ROI variance and entropy', () => {
    const byStatus = (name: string, mutated: boolean) =>
      mean(features.filter((_, n) => patients[n].truth.mutated === mutated).map((f) => f[`original_firstorder_${name}`]));
    const varianceMutated = byStatus('Variance', true);
    const varianceWildType = byStatus('Variance', false);
    // (1.5 × the standard deviation)² = 2.25 × the variance.
    assert.ok(varianceMutated > 2.25 * varianceWildType, `variance mutated ${varianceMutated} vs wild type ${varianceWildType}`);
    assert.ok(byStatus('Entropy', true) > byStatus('Entropy', false) + 0.5);
  });

  test('ROI mean intensity follows the module score once each center is centred', () => {
    const roiMean = features.map((f) => f.original_firstorder_Mean);
    const centred = roiMean.map((m, n) => {
      const sameCenter = patients.flatMap((p, k) => (p.centerId === patients[n].centerId ? [roiMean[k]] : []));
      return m - mean(sameCenter);
    });
    const r = correlation(patients.map((p) => p.truth.moduleScore), centred);
    assert.ok(r > 0.5, `correlation ${r}`);
  });

  test('module genes follow the module score; other genes do not', () => {
    const { expression, truth } = consortium;
    const scores = patients.map((p) => p.truth.moduleScore);
    const moduleGenes = new Set(truth.expressionModule.genes);
    const absCorrelation = (g: number) => Math.abs(correlation(expression.counts[g].map((c) => Math.log1p(c)), scores));
    const inModule = expression.genes.flatMap((gene, g) => (moduleGenes.has(gene) ? [absCorrelation(g)] : []));
    const outside = expression.genes.flatMap((gene, g) => (moduleGenes.has(gene) ? [] : [absCorrelation(g)]));
    assert.ok(mean(inModule) > 0.6, `module genes |r| ${mean(inModule)}`);
    assert.ok(mean(outside) < 0.2, `other genes |r| ${mean(outside)}`);
  });
});

describe('determinism', () => {
  const small = { centers: 2, patientsPerCenter: 3, size: [16, 16, 8] as [number, number, number] };

  test('the same parameters give the same consortium; another seed another one', () => {
    const a = generateConsortium({ ...small, seed: 42 });
    const b = generateConsortium({ ...small, seed: 42 });
    assert.deepEqual(a, b);
    const c = generateConsortium({ ...small, seed: 43 });
    assert.notDeepEqual(a.patients[0].image.data, c.patients[0].image.data);
    assert.notDeepEqual(a.truth.patients, c.truth.patients);
  });

  test('every patient of a tiny 12×12×6 grid still has a tumor', () => {
    const tiny = generateConsortium({ centers: 2, patientsPerCenter: 10, seed: 3, size: [12, 12, 6] });
    assert.ok(tiny.patients.every((p) => p.truth.tumor.voxelCount > 0 && p.mask.data.some((v) => v === 1)));
    assert.ok(tiny.patients.every((p) => extractFeatures(p.image, p.mask, {}).original_shape_VoxelVolume > 0));
  });
});
