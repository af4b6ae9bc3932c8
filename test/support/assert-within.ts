import assert from 'node:assert/strict';

/** |actual − expected| ≤ tolerance (absolute), with both numbers in the message. */
export function assertWithin(actual: number, expected: number, tolerance = 1e-12): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} vs ${expected}`);
}
