/**
 * Image types through the engine: every PyRadiomics fixture of test/fixtures/pyradiomics-filters
 * (made by PyRadiomics' own extractor on breast1 with the `setting` and `imageType` it records) is
 * reproduced by extractWithParams with the same params — names, order of classes and values.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { extractWithParams, parseParams } from '../../activities/radiomics';
import { readReferenceVolume } from '../support/pyradiomics-reference';

const FIXTURES = join(__dirname, '..', 'fixtures', 'pyradiomics-filters');
const image = readReferenceVolume('breast1_image');
const mask = readReferenceVolume('breast1_label');

interface Fixture {
  setting: Record<string, unknown>;
  imageType: Record<string, Record<string, unknown>>;
  features: Record<string, number>;
}

describe('PyRadiomics image types on breast1, through extractWithParams', () => {
  for (const file of readdirSync(FIXTURES).filter((f) => f.startsWith('features-'))) {
    test(file, () => {
      const fixture = JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')) as Fixture;
      const params = parseParams({ setting: fixture.setting, imageType: fixture.imageType, featureClass: { firstorder: [] } });
      const features = extractWithParams(image.volume, mask.volume, params, { imageUri: image.uri, maskUri: mask.uri });
      const expectedNames = Object.keys(fixture.features).filter((n) => !n.includes('_shape_'));
      assert.deepEqual(Object.keys(features).sort(), expectedNames.sort(), 'the same feature names');
      for (const name of expectedNames) {
        const expected = fixture.features[name];
        const error = Math.abs(expected) < 1e-12 ? Math.abs(features[name]) : Math.abs(features[name] / expected - 1);
        assert.ok(error <= 1e-6, `${name}: ${features[name]} vs PyRadiomics ${expected}`);
      }
    });
  }

  test('LoG through the engine equals PyRadiomics (fixture of test/fixtures/pyradiomics-log)', () => {
    const fixture = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'pyradiomics-log', 'features.json'), 'utf8')) as {
      settings: Record<string, unknown>;
      sigma: number[];
      cases: { case: string; preCrop: boolean; features: Record<string, number> }[];
    };
    for (const c of fixture.cases.filter((c) => c.case === 'breast1')) {
      const params = parseParams({
        setting: { ...fixture.settings, preCrop: c.preCrop },
        imageType: { LoG: { sigma: fixture.sigma } },
        featureClass: { firstorder: [] },
      });
      const features = extractWithParams(image.volume, mask.volume, params);
      // The fixture's sigmas were Python ints (log-sigma-1-mm-3D); JSON/YAML numbers here are floats (log-sigma-1-0-mm-3D).
      const expected = Object.entries(c.features).map(([n, v]) => [n.replace(/^log-sigma-(\d+)-mm/, 'log-sigma-$1-0-mm'), v] as const);
      assert.equal(Object.keys(features).length, expected.length);
      for (const [name, value] of expected) {
        const error = Math.abs(value) < 1e-12 ? Math.abs(features[name]) : Math.abs(features[name] / value - 1);
        assert.ok(error <= 1e-6, `preCrop ${c.preCrop} ${name}: ${features[name]} vs PyRadiomics ${value}`);
      }
    }
  });

  test('image type options are checked like settings', () => {
    assert.throws(() => extractWithParams(image.volume, mask.volume, parseParams({ imageType: { Wavelet: { wavelett: 'haar' } } })), /unknown key "wavelett"/);
  });
});
