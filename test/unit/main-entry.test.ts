/**
 * The package's main entry exports the library, and the README's "Library" table lists exactly
 * the functions it exports (so the documentation cannot drift from the code).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import * as library from '../../index';

const ROOT = join(__dirname, '..', '..');

/** Names in backticks in the first column-2 cells of the README's Library table. */
function readmeLibraryNames(): Set<string> {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.split('## Library')[1]?.split('\n## ')[0];
  assert.ok(section, 'README has a "## Library" section');
  const rows = section.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('| area') && !line.startsWith('| ---'));
  const names = rows.flatMap((row) => [...row.split('|')[2].matchAll(/`([A-Za-z0-9_]+)`/g)].map((m) => m[1]));
  return new Set(names);
}

test('package.json main points at index.ts', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  assert.equal(pkg.main, 'index.ts', 'main entry');
});

test('every exported function is in the README Library table, and every listed name is exported', () => {
  const exported = new Set(Object.entries(library).filter(([, v]) => typeof v === 'function').map(([k]) => k));
  const listed = readmeLibraryNames();
  const undocumented = [...exported].filter((name) => !listed.has(name));
  const missing = [...listed].filter((name) => !(name in library));
  assert.deepEqual(undocumented, [], `exported but not in the README: ${undocumented.join(', ')}`);
  assert.deepEqual(missing, [], `in the README but not exported: ${missing.join(', ')}`);
  assert.ok(exported.size > 100, `${exported.size} functions exported`);
});

test('the library works from the main entry: lung-like Cox model and BH on a toy example', () => {
  const q = library.benjaminiHochberg(Float64Array.from([0.01, 0.04, 0.03, 0.2]));
  // p.adjust(c(0.01, 0.04, 0.03, 0.2), "BH") = 0.04 0.0533 0.0533 0.2
  assert.ok(Math.abs(q[0] - 0.04) < 1e-12 && Math.abs(q[1] - 0.16 / 3) < 1e-12 && Math.abs(q[3] - 0.2) < 1e-12, `BH: ${Array.from(q)}`);
  const km = library.kaplanMeier({ time: [1, 2, 3, 4], event: [1, 0, 1, 1] });
  // survfit: S(1) = 3/4, S(3) = 3/4 · 1/2, S(4) = 0
  assert.deepEqual(Array.from(km.surv, (v: number) => Number(v.toFixed(12))), [0.75, 0.75, 0.375, 0], 'Kaplan-Meier steps');
});
