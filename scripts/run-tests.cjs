#!/usr/bin/env node
// Runs the whole test suite with Node's own test runner (TypeScript through tsx):
//   node scripts/run-tests.cjs            -> type check, then every test/{unit,integration,e2e}/**/*.test.ts
//   node scripts/run-tests.cjs unit       -> only the folders named
// Test files run one at a time: the integration files start real servers (Temporal, S3).
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const folders = process.argv.slice(2).length ? process.argv.slice(2) : ['unit', 'integration', 'e2e'];

function findTests(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return findTests(full);
    return entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

const typecheck = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '--noEmit', '-p', root], {
  stdio: 'inherit',
  cwd: root,
});
if (typecheck.status !== 0) {
  console.error('Type check failed.');
  process.exit(typecheck.status ?? 1);
}

const files = folders.flatMap((f) => findTests(path.join(root, 'test', f))).sort();
if (files.length === 0) {
  console.error(`No test files found under test/{${folders.join(',')}}.`);
  process.exit(1);
}
// Spec output on the terminal; TAP into a file, read back for a plain closing line.
const tapFile = path.join(require('node:os').tmpdir(), `rg-tests-${process.pid}.tap`);
const result = spawnSync(
  process.execPath,
  [
    // A test that hangs (e.g. a server that never answers) fails after 5 minutes instead of stalling CI.
    '--import', 'tsx', '--test', '--test-concurrency=1', '--test-timeout=300000',
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    '--test-reporter=tap', `--test-reporter-destination=${tapFile}`,
    ...files,
  ],
  { stdio: 'inherit', cwd: root },
);
const tap = fs.existsSync(tapFile) ? fs.readFileSync(tapFile, 'utf8') : '';
fs.rmSync(tapFile, { force: true });
const count = (name) => Number((tap.match(new RegExp(`^# ${name} (\\d+)$`, 'm')) || [])[1] || 0);
console.log(`${count('pass')} passed, ${count('fail')} failed, ${count('skipped')} skipped`);
process.exit(result.status ?? 1);
