import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidSettingsError } from '../../activities/errors';
import { parseRunSettings } from '../../activities/run/schemas';
import { parseRadiomicsSettings } from '../../activities/radiomics/settings';

test('run settings: defaults applied, radiomics settings resolved so the manifest records what ran', () => {
  const s = parseRunSettings({ window: 2 });
  assert.equal(s.window, 2);
  assert.equal(s.patientsPerRun, 250);
  assert.deepEqual(s.radiomics.setting, parseRadiomicsSettings({}));
  assert.deepEqual(s.radiomics.imageType, { Original: {} });
  assert.deepEqual(Object.keys(s.radiomics.featureClass as object).sort(), ['firstorder', 'glcm', 'gldm', 'glrlm', 'glszm', 'ngtdm', 'shape']);
  const chosen = parseRunSettings({ radiomics: { setting: { binWidth: 10 }, featureClass: { glcm: ['Contrast'] } } });
  assert.equal((chosen.radiomics.setting as { binWidth: number }).binWidth, 10);
  assert.deepEqual(chosen.radiomics.featureClass, { glcm: ['Contrast'] });
  assert.equal(s.timeouts.heartbeatSeconds, 30);
});

test('run settings: every problem named by key, with the file', () => {
  assert.throws(
    () => parseRunSettings({ window: 0, windw: 3 }, 'settings.json'),
    (e: Error) =>
      e instanceof InvalidSettingsError &&
      /^settings\.json: invalid run settings: "window": .*>=1; unknown key "windw"$/.test(e.message),
  );
  assert.throws(() => parseRunSettings({ timeouts: { heartbeat: 1 } }), /unknown key "timeouts\.heartbeat"/);
  assert.throws(() => parseRunSettings({ radiomics: { setting: { binWidht: 5 } } }), /unknown setting "setting\.binWidht"/);
  assert.throws(() => parseRunSettings({ radiomics: { binWidth: 5 } }), /unknown top-level key "binWidth"/);
});
