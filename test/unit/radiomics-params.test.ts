import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidSettingsError } from '../../activities/errors';
import { defaultParams, parseParamsFile } from '../../activities/radiomics/params-file';

const URI = 'file:///cfg/params.yaml';

test('a PyRadiomics params YAML loads as is', () => {
  const params = parseParamsFile(
    `# typical PyRadiomics example file
imageType:
  Original: {}
featureClass:
  shape:
  firstorder: []
  glcm:
    - Contrast
    - Correlation
setting:
  binWidth: 25
  label: 1
  interpolator: 'sitkBSpline'
  resampledPixelSpacing:
  weightingNorm:
  distances: [1, 2]
  force2D: false
`,
    URI,
  );
  assert.equal(params.settings.binWidth, 25);
  assert.deepEqual(params.settings.distances, [1, 2]);
  assert.equal(params.settings.weightingNorm, null);
  assert.deepEqual(params.imageTypes, { Original: {} });
  assert.deepEqual(params.featureClasses, { shape: [], firstorder: [], glcm: ['Contrast', 'Correlation'] });
});

test('no featureClass section means every class but shape2D, like PyRadiomics', () => {
  const params = parseParamsFile('setting:\n  binWidth: 10\n', URI);
  assert.deepEqual(Object.keys(params.featureClasses).sort(), ['firstorder', 'glcm', 'gldm', 'glrlm', 'glszm', 'ngtdm', 'shape']);
  assert.deepEqual(defaultParams().imageTypes, { Original: {} });
});

test('every problem names the key and the file', () => {
  const fails = (yaml: string, pattern: RegExp) =>
    assert.throws(
      () => parseParamsFile(yaml, URI),
      (e: Error) => e instanceof InvalidSettingsError && e.message.startsWith(URI) && pattern.test(e.message),
    );
  fails('setting:\n  binWidht: 5\n', /unknown setting "setting\.binWidht"/);
  fails('setting:\n  binWidth: -1\n', /"binWidth": .*>0/);
  fails('setting:\n  interpolator: sitkGaussian\n', /"interpolator": interpolator "sitkGaussian" is not implemented yet/);
  fails('imageType:\n  Orginal: {}\n', /unknown image type "imageType\.Orginal"/);
  fails('imageType:\n  LBP2D: {}\n', /"imageType\.LBP2D" is not implemented yet/);
  fails('featureClass:\n  glmc: []\n', /unknown feature class "featureClass\.glmc"/);
  fails('featureClass:\n  glcm: Contrast\n', /featureClass\.glcm must be empty or a list/);
  fails('settings:\n  binWidth: 5\n', /unknown top-level key "settings"/);
  fails('setting: [1\n', /not valid YAML/);
});
