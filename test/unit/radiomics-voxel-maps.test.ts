/**
 * Voxel-based extraction (voxelFeatureMaps) against PyRadiomics' execute(..., voxelBased=True). The
 * expected maps come from test/fixtures/pyradiomics-voxel/make_fixtures.py (pyradiomics-bhklab
 * 3.1.4, breast1, 143 ROI voxels, 10 significant digits); no Python runs here.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { InvalidSettingsError } from '../../activities/errors';
import { decodeNrrd } from '../../activities/imaging/nrrd';
import { IDENTITY_DIRECTION, type Mat3, type Vec3, type Volume } from '../../activities/imaging/volume';
import { extractWithParams } from '../../activities/radiomics';
import { parseParams } from '../../activities/radiomics/params-file';
import { voxelFeatureMaps, writeFeatureMaps, type FeatureMaps } from '../../activities/radiomics/voxel-maps';
import { MemoryStore } from '../support/memory-store';
import { readReferenceVolume } from '../support/pyradiomics-reference';

interface Configuration {
  name: string;
  settings: Record<string, unknown> & { kernelRadius: number; maskedKernel?: boolean; initValue?: number; voxelBatch?: number };
  imageTypes: Record<string, Record<string, unknown>>;
  featureClasses: Record<string, string[]>;
  grid: { size: number[]; spacing: number[]; origin: number[]; direction: number[] };
  lower: number[];
  roi: number[];
  maps: Record<string, (number | null)[]>;
}

const FIXTURE = JSON.parse(
  readFileSync(path.resolve(__dirname, '../fixtures/pyradiomics-voxel/breast1.json'), 'utf8'),
) as { configurations: Configuration[] };

/** Fixture values have 10 significant digits: compare to 1e-6 relative, 1e-9 absolute near 0. */
const RELATIVE = 1e-6;
const ABSOLUTE = 1e-9;
/**
 * MCC is the square root of an eigenvalue: where that eigenvalue is 0, PyRadiomics' (and any)
 * rounding of ~1e−17 becomes up to ~1e−8 of MCC. Values near 0 are compared to this instead.
 */
const MCC_ABSOLUTE = 1e-8;

const image = readReferenceVolume('breast1_image').volume;
const mask = readReferenceVolume('breast1_label').volume;

function mapsOf(c: Configuration): FeatureMaps {
  const { kernelRadius, maskedKernel, initValue, voxelBatch, ...setting } = c.settings;
  const params = parseParams({ setting, imageType: c.imageTypes, featureClass: c.featureClasses });
  return voxelFeatureMaps(image, mask, params, { kernelRadius, maskedKernel, initValue, voxelBatch });
}

function close(actual: number, expected: number | null, absolute: number): boolean {
  if (expected === null) return Number.isNaN(actual);
  if (Number.isNaN(actual)) return false;
  return Math.abs(actual - expected) <= Math.max(RELATIVE * Math.abs(expected), absolute);
}

describe('voxel-based maps match PyRadiomics (breast1)', () => {
  for (const configuration of FIXTURE.configurations) {
    describe(`${configuration.name}: ${JSON.stringify(configuration.settings)}`, () => {
      const maps = mapsOf(configuration);
      const initValue = configuration.settings.initValue ?? 0;

      test('the same maps, on the grid PyRadiomics returns (ROI box ± kernelRadius)', () => {
        assert.deepEqual(Object.keys(maps).sort(), Object.keys(configuration.maps).sort());
        const { grid } = configuration;
        for (const [name, map] of Object.entries(maps)) {
          assert.deepEqual(map.size, grid.size, name);
          assert.ok(map.data instanceof Float64Array && map.data.length === grid.size[0] * grid.size[1] * grid.size[2], name);
          for (const [field, expected] of [
            ['spacing', grid.spacing],
            ['origin', grid.origin],
            ['direction', grid.direction],
          ] as const) {
            map[field].forEach((v, a) => assert.ok(Math.abs(v - expected[a]) <= 1e-9, `${name} ${field}: ${map[field]} vs ${expected}`));
          }
        }
        // The origin is the input's, moved to the first kept voxel (identity direction here).
        const moved = configuration.lower.map((l, a) => image.origin[a] + l * image.spacing[a]);
        moved.forEach((v, a) => assert.ok(Math.abs(v - grid.origin[a]) <= 1e-9));
      });

      test('voxels outside the ROI hold initValue', () => {
        const inRoi = new Set(configuration.roi);
        for (const [name, map] of Object.entries(maps)) {
          map.data.forEach((v, i) => {
            if (!inRoi.has(i)) assert.ok(Object.is(v, initValue) || v === initValue, `${name}[${i}] = ${v}`);
          });
        }
      });

      for (const className of Object.keys(configuration.featureClasses)) {
        test(`${className}: every ROI voxel of every map`, () => {
          const names = Object.keys(configuration.maps).filter((n) => n.split('_')[1] === className);
          assert.ok(names.length > 0);
          const failures: string[] = [];
          for (const name of names) {
            const expected = configuration.maps[name];
            const absolute = name.endsWith('_MCC') ? MCC_ABSOLUTE : ABSOLUTE;
            let bad = 0;
            let example = '';
            expected.forEach((e, i) => {
              const actual = maps[name].data[configuration.roi[i]];
              if (!close(actual, e, absolute)) {
                if (bad++ === 0) example = `voxel ${configuration.roi[i]}: ${actual} vs ${e}`;
              }
            });
            if (bad > 0) failures.push(`${name}: ${bad} of ${expected.length} differ (first ${example})`);
          }
          assert.deepEqual(failures, []);
        });
      }
    });
  }

  test('the fixtures exercise the batch effects (NaN JointAverage, MCC failed per batch)', () => {
    const byName = Object.fromEntries(FIXTURE.configurations.map((c) => [c.name, c]));
    const masked = byName.masked.maps;
    assert.ok(masked.original_glcm_JointAverage.some((v) => v === null));
    assert.ok(masked.original_glcm_MCC.every((v) => v === 0)); // one batch, some kernel lacks a direction
    const batches = byName.batches.maps.original_glcm_MCC;
    assert.ok(batches.some((v) => v === 0) && batches.some((v) => v !== 0 && v !== null));
    assert.ok(byName.unmasked.maps.original_glcm_MCC.every((v) => v !== null && v > 0));
  });
});

/** A small volume with a ragged ROI, for checks that need no PyRadiomics. */
function syntheticCase(): { image: Volume; mask: Volume } {
  const size: Vec3 = [9, 8, 6];
  const n = size[0] * size[1] * size[2];
  const data = new Int16Array(n);
  const labels = new Uint8Array(n);
  let seed = 12345;
  const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  for (let v = 0; v < n; v++) {
    data[v] = Math.floor(random() * 160);
    const x = v % 9;
    const y = Math.floor(v / 9) % 8;
    const z = Math.floor(v / 72);
    labels[v] = x >= 1 && x <= 7 && y >= 2 && y <= 6 && z >= 1 && z <= 4 && random() < 0.8 ? 1 : 0;
  }
  const grid = { size, spacing: [0.8, 0.9, 2.5] as Vec3, origin: [10, -4, 3] as Vec3, direction: [...IDENTITY_DIRECTION] as Mat3 };
  return { image: { ...grid, data }, mask: { ...grid, data: labels } };
}

describe('voxel-based maps, properties', () => {
  test('a kernel covering the whole ROI gives the segment-based features at every voxel', () => {
    const { image: img, mask: msk } = syntheticCase();
    const classes = { firstorder: [], glcm: [], glrlm: [], glszm: [], gldm: [], ngtdm: [] };
    for (const setting of [{ binWidth: 25 }, { binCount: 7, symmetricalGLCM: false, weightingNorm: 'euclidean' }]) {
      const params = parseParams({ setting, featureClass: classes });
      const segment = extractWithParams(img, msk, params);
      const maps = voxelFeatureMaps(img, msk, params, { kernelRadius: 10 });
      assert.deepEqual(Object.keys(maps).sort(), Object.keys(segment).sort());
      for (const [name, expected] of Object.entries(segment)) {
        const map = maps[name];
        for (let v = 0; v < map.data.length; v++) {
          if (msk.data[v] !== 1) continue; // the crop is the whole volume here (box ± 10, clipped)
          const actual = map.data[v];
          assert.ok(
            Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected)),
            `${JSON.stringify(setting)} ${name} at ${v}: ${actual} vs segment ${expected}`,
          );
        }
      }
    }
  });

  test('shape classes are skipped; classes can be chosen; deprecated features only when named', () => {
    const params = parseParams({ featureClass: { shape: [], firstorder: [], glcm: ['Contrast'] } });
    const all = voxelFeatureMaps(image, mask, params);
    assert.ok(Object.keys(all).every((n) => n.startsWith('original_firstorder_') || n === 'original_glcm_Contrast'));
    assert.ok(!('original_firstorder_StandardDeviation' in all));
    const onlyGlcm = voxelFeatureMaps(image, mask, params, { classes: ['glcm'] });
    assert.deepEqual(Object.keys(onlyGlcm), ['original_glcm_Contrast']);
    const named = voxelFeatureMaps(image, mask, parseParams({ featureClass: { firstorder: ['StandardDeviation', 'Variance'] } }));
    const sd = named.original_firstorder_StandardDeviation.data;
    named.original_firstorder_Variance.data.forEach((variance, i) => assert.ok(Math.abs(variance - sd[i] ** 2) <= 1e-9 * variance));
  });

  test('bad options and feature names are InvalidSettingsError', () => {
    const params = parseParams({ featureClass: { firstorder: [] } });
    assert.throws(() => voxelFeatureMaps(image, mask, params, { kernelRadius: 0 }), InvalidSettingsError);
    assert.throws(() => voxelFeatureMaps(image, mask, params, { kernelRadius: 1.5 }), InvalidSettingsError);
    assert.throws(() => voxelFeatureMaps(image, mask, params, { voxelBatch: 0 }), InvalidSettingsError);
    const misspelt = parseParams({ featureClass: { glcm: ['Contrasts'] } });
    assert.throws(() => voxelFeatureMaps(image, mask, misspelt), /no feature named "Contrasts"/);
  });
});

describe('writeFeatureMaps', () => {
  const params = parseParams({ setting: { binWidth: 25 }, featureClass: { firstorder: ['Mean', 'Entropy'], glcm: ['JointAverage'] } });
  const maps = voxelFeatureMaps(image, mask, params);

  test('one NRRD per map, read back as written, with the same bytes every time', async () => {
    const store = new MemoryStore();
    const results = await writeFeatureMaps(store, 'mem://out/case1/', maps);
    assert.deepEqual(
      results.map((r) => r.uri),
      Object.keys(maps).map((name) => `mem://out/case1/${name}.nrrd`),
    );
    assert.ok(results.every((r) => r.written));
    for (const [name, map] of Object.entries(maps)) {
      const uri = `mem://out/case1/${name}.nrrd`;
      const back = decodeNrrd(await store.get(uri), uri);
      assert.deepEqual(back.size, map.size);
      assert.deepEqual(back.spacing, map.spacing);
      assert.deepEqual(back.origin, map.origin);
      assert.deepEqual(back.direction, map.direction);
      assert.ok(back.data instanceof Float64Array);
      assert.deepEqual(Array.from(back.data), Array.from(map.data)); // NaN (JointAverage) included
    }
    // A retry (same maps, computed again) writes nothing and finds the same bytes.
    const again = await writeFeatureMaps(store, 'mem://out/case1/', voxelFeatureMaps(image, mask, params));
    assert.ok(again.every((r) => !r.written));
    assert.deepEqual(
      again.map((r) => r.sha256),
      results.map((r) => r.sha256),
    );
    // Raw NRRD too, and other bytes at the same place are refused.
    const raw = await writeFeatureMaps(new MemoryStore(), 'mem://raw/', maps, { gzip: false });
    assert.ok(raw.every((r) => r.size > maps.original_firstorder_Mean.data.length * 8));
    const shifted = { original_firstorder_Mean: { ...maps.original_firstorder_Mean, data: maps.original_firstorder_Mean.data.map((v) => v + 1) } };
    await assert.rejects(writeFeatureMaps(store, 'mem://out/case1/', shifted));
  });

  test('a name that cannot be a file name is refused', async () => {
    await assert.rejects(writeFeatureMaps(new MemoryStore(), 'mem://x/', { 'a/b': maps.original_firstorder_Mean }), InvalidSettingsError);
  });
});
