import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { Random } from '../../activities/sources/synthetic/random';

const N = 100_000;

function draws(rng: Random, count: number, draw: (r: Random) => number): number[] {
  return Array.from({ length: count }, () => draw(rng));
}

function meanAndVariance(values: number[]): { mean: number; variance: number } {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  return { mean, variance: values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length };
}

test('xoshiro128** matches the reference implementation from state {1, 2, 3, 4}', () => {
  const rng = Random.fromState([1, 2, 3, 4]);
  assert.deepEqual(draws(rng, 3, (r) => r.nextUint32()), [11520, 0, 5927040]);
});

test('the same seed gives the same numbers; other seeds give others', () => {
  const sequence = (seed: number) => draws(new Random(seed), 20, (r) => r.nextUint32());
  assert.deepEqual(sequence(1), sequence(1));
  const seeds = [0, 1, 2, -1, 2 ** 32 + 1, Number.MAX_SAFE_INTEGER];
  const distinct = new Set(seeds.map((seed) => sequence(seed).join(',')));
  assert.equal(distinct.size, seeds.length);
});

test('split streams are deterministic and differ from their parent', () => {
  const a = new Random(7);
  const b = new Random(7);
  const childA = draws(a.split(), 10, (r) => r.nextUint32());
  assert.deepEqual(childA, draws(b.split(), 10, (r) => r.nextUint32()));
  assert.notDeepEqual(childA, draws(a, 10, (r) => r.nextUint32()));
});

test('uniform lies in [min, max) with the right mean; integer covers its bounds', () => {
  const values = draws(new Random(1), N, (r) => r.uniform());
  assert.ok(values.every((v) => v >= 0 && v < 1));
  assert.ok(Math.abs(meanAndVariance(values).mean - 0.5) < 0.01);
  assert.ok(draws(new Random(2), 1000, (r) => r.uniform(-3, -2)).every((v) => v >= -3 && v < -2));
  const dice = new Set(draws(new Random(3), 1000, (r) => r.integer(1, 6)));
  assert.deepEqual([...dice].sort(), [1, 2, 3, 4, 5, 6]);
});

test('normal has the requested mean and SD', () => {
  const { mean, variance } = meanAndVariance(draws(new Random(4), N, (r) => r.normal(10, 3)));
  assert.ok(Math.abs(mean - 10) < 0.05, `mean ${mean}`);
  assert.ok(Math.abs(Math.sqrt(variance) - 3) < 0.05, `sd ${Math.sqrt(variance)}`);
});

test('bernoulli has the requested rate', () => {
  const hits = draws(new Random(5), N, (r) => (r.bernoulli(0.35) ? 1 : 0));
  assert.ok(Math.abs(meanAndVariance(hits).mean - 0.35) < 0.01);
});

test('poisson has mean ≈ variance ≈ λ, for small and large λ', () => {
  for (const lambda of [0.5, 3, 25, 100, 5000]) {
    const values = draws(new Random(6), 20_000, (r) => r.poisson(lambda));
    assert.ok(values.every((v) => Number.isInteger(v) && v >= 0));
    const { mean, variance } = meanAndVariance(values);
    assert.ok(Math.abs(mean / lambda - 1) < 0.05, `λ ${lambda}: mean ${mean}`);
    assert.ok(Math.abs(variance / lambda - 1) < 0.1, `λ ${lambda}: variance ${variance}`);
  }
  assert.equal(new Random(1).poisson(0), 0);
});

test('choose, weightedIndex and sampleIndices', () => {
  const rng = new Random(8);
  const letters = new Set(draws(rng, 200, (r) => r.choose(['a', 'b', 'c']).charCodeAt(0)));
  assert.equal(letters.size, 3);
  assert.throws(() => rng.choose([]), RangeError);
  const counts = [0, 0, 0];
  for (let n = 0; n < N; n++) counts[rng.weightedIndex([1, 0, 3])]++;
  assert.equal(counts[1], 0);
  assert.ok(Math.abs(counts[2] / N - 0.75) < 0.01);
  const sample = rng.sampleIndices(300, 30);
  assert.equal(new Set(sample).size, 30);
  assert.deepEqual(sample, [...sample].sort((a, b) => a - b));
  assert.ok(sample.every((i) => Number.isInteger(i) && i >= 0 && i < 300));
});

test('no Math.random anywhere in the synthetic generator', () => {
  const folder = path.resolve(__dirname, '../../activities/sources/synthetic');
  for (const file of readdirSync(folder).filter((name) => name.endsWith('.ts'))) {
    assert.ok(!/Math\.random\(/.test(readFileSync(path.join(folder, file), 'utf8')), file);
  }
});
