/**
 * Shared by the stats-*.test.ts files: the golden values R computed (test/fixtures/r/stats-a.json, made by
 * test/fixtures/r/make-fixtures-a.R) and a closeness check that records the worst relative error seen.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export const fixture: Json = JSON.parse(readFileSync(path.join(__dirname, '../fixtures/r/stats-a.json'), 'utf8'));

export const worst = { relative: 0, where: '' };

/** JSON null → NaN (R's NA), "Inf"/"-Inf" → ±Infinity. */
export function num(value: unknown): number {
  if (value === null || value === 'NA') return NaN;
  if (value === 'Inf') return Infinity;
  if (value === '-Inf') return -Infinity;
  return value as number;
}

/** |actual − expected| ≤ rel·|expected| or ≤ abs (p-values: 1e-6 relative or 1e-12 absolute). */
export function assertClose(actual: number, expectedRaw: unknown, label: string, rel = 1e-6, abs = 0): void {
  const expected = num(expectedRaw);
  if (Number.isNaN(expected) || !Number.isFinite(expected)) {
    assert.ok(Object.is(actual, expected) || actual === expected, `${label}: expected ${expected}, got ${actual}`);
    return;
  }
  const error = Math.abs(actual - expected);
  const relative = expected === 0 ? error : error / Math.abs(expected);
  if (rel <= 1e-6 && error > abs && relative > worst.relative) {
    worst.relative = relative;
    worst.where = label;
  }
  assert.ok(error <= abs || relative <= rel, `${label}: expected ${expected}, got ${actual} (relative error ${relative.toExponential(2)})`);
}

/** assertClose for a p-value: 1e-6 relative or 1e-12 absolute. */
export function assertPValue(actual: number, expected: unknown, label: string): void {
  assertClose(actual, expected, label, 1e-6, 1e-12);
}

export function report(file: string): void {
  console.log(`# ${file}: worst relative error vs R ${worst.relative.toExponential(2)} (${worst.where})`);
}
