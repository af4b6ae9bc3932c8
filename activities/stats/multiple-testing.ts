/**
 * Multiple-testing adjustments, as R's p.adjust. NaN marks a missing p-value (R's NA): it stays NaN
 * and does not count towards the number of tests.
 */

/**
 * Benjamini–Hochberg: p̃₍ᵢ₎ = min_{j ≥ i} min(1, n p₍ⱼ₎ / j) over ascending p-values (p.adjust "BH").
 *
 * Sorted by value with two levels of buckets, so that memory is read and written in streams (10⁷ p-values
 * do not fit in a cache): the present p-values and their positions are scattered into coarse buckets
 * of [0, 1] (p ≥ 1 and +∞ in the last one), then each bucket, from the last, is sorted in cache by fine
 * buckets (insertion sort within, or a comparison sort for a crowded one) and the running minimum of
 * n p₍ⱼ₎ / j written to the p-values' positions. Tied p-values get one adjusted value (the minimum over
 * a tie is reached at its last member). `out` may be `pValues` itself (q in place).
 */
export function benjaminiHochberg(pValues: ArrayLike<number>, out: Float64Array = new Float64Array(pValues.length)): Float64Array {
  if (out.length !== pValues.length) throw new RangeError(`out has ${out.length} values, pValues has ${pValues.length}`);
  let n = 0;
  let negative = false;
  for (let i = 0; i < pValues.length; i++) {
    const p = pValues[i];
    if (Number.isNaN(p)) continue;
    n++;
    if (p < 0 || Object.is(p, -0)) negative = true;
  }
  if (negative) return benjaminiHochbergByOrder(pValues, out);
  // coarse buckets: about 8,192 p-values each, at most 2,048 (their write positions stay in cache)
  const coarse = 2 ** Math.max(0, Math.min(11, Math.ceil(Math.log2(Math.max(1, n / 8192)))));
  const starts = new Uint32Array(coarse + 1);
  for (let i = 0; i < pValues.length; i++) {
    const p = pValues[i];
    if (!Number.isNaN(p)) starts[Math.min(coarse - 1, Math.floor(p * coarse)) + 1]++;
  }
  let largest = 0;
  for (let b = 0; b < coarse; b++) {
    largest = Math.max(largest, starts[b + 1]);
    starts[b + 1] += starts[b];
  }
  const values = new Float64Array(n);
  const positions = new Uint32Array(n);
  const fill = starts.slice(0, coarse);
  for (let i = 0; i < pValues.length; i++) {
    const p = pValues[i];
    if (Number.isNaN(p)) {
      out[i] = NaN;
      continue;
    }
    const at = fill[Math.min(coarse - 1, Math.floor(p * coarse))]++;
    values[at] = p;
    positions[at] = i;
  }
  const sortedValues = new Float64Array(largest);
  const sortedPositions = new Uint32Array(largest);
  const fineStarts = new Uint32Array(2 ** Math.max(0, Math.ceil(Math.log2(Math.max(1, largest / 4)))) + 1);
  let running = Infinity;
  for (let b = coarse - 1; b >= 0; b--) {
    const start = starts[b];
    const size = starts[b + 1] - start;
    if (size === 0) continue;
    sortBucket(values, positions, start, size, b, coarse, sortedValues, sortedPositions, fineStarts);
    for (let j = size - 1; j >= 0; j--) {
      const candidate = (n / (start + j + 1)) * sortedValues[j]; // as R's cummin(n / i * p[o])
      if (candidate < running) running = candidate;
      out[sortedPositions[j]] = Math.min(1, running);
    }
  }
  return out;
}

/**
 * Sorts values[start … start + size) of coarse bucket b (with their positions) into sortedValues /
 * sortedPositions [0 … size): counting sort on fine buckets of the bucket's interval, then each fine
 * bucket by insertion sort (small) or by a comparison sort (crowded, e.g. many tiny p-values).
 */
function sortBucket(
  values: Float64Array,
  positions: Uint32Array,
  start: number,
  size: number,
  b: number,
  coarse: number,
  sortedValues: Float64Array,
  sortedPositions: Uint32Array,
  fineStarts: Uint32Array,
): void {
  const fine = 2 ** Math.max(0, Math.ceil(Math.log2(Math.max(1, size / 4))));
  const scale = coarse * fine;
  const offset = b * fine;
  const fineOf = (p: number) => Math.max(0, Math.min(fine - 1, Math.floor(p * scale) - offset));
  fineStarts.fill(0, 0, fine + 1);
  const end = start + size;
  for (let i = start; i < end; i++) fineStarts[fineOf(values[i]) + 1]++;
  for (let f = 0; f < fine; f++) fineStarts[f + 1] += fineStarts[f];
  for (let i = start; i < end; i++) {
    const at = fineStarts[fineOf(values[i])]++;
    sortedValues[at] = values[i];
    sortedPositions[at] = positions[i];
  }
  // fineStarts[f] is now the end of fine bucket f
  let s = 0;
  for (let f = 0; f < fine; f++) {
    const e = fineStarts[f];
    if (e - s > 64) sortPairs(sortedValues, sortedPositions, s, e);
    else {
      for (let i = s + 1; i < e; i++) {
        const v = sortedValues[i];
        const pos = sortedPositions[i];
        let j = i - 1;
        while (j >= s && sortedValues[j] > v) {
          sortedValues[j + 1] = sortedValues[j];
          sortedPositions[j + 1] = sortedPositions[j];
          j--;
        }
        sortedValues[j + 1] = v;
        sortedPositions[j + 1] = pos;
      }
    }
    s = e;
  }
}

/** Sorts values[s … e) with their positions by value (comparison sort on an index permutation). */
function sortPairs(values: Float64Array, positions: Uint32Array, s: number, e: number): void {
  const v = values.slice(s, e);
  const pos = positions.slice(s, e);
  const order = new Uint32Array(e - s);
  for (let i = 0; i < order.length; i++) order[i] = i;
  order.sort((x, y) => v[x] - v[y]);
  for (let i = 0; i < order.length; i++) {
    values[s + i] = v[order[i]];
    positions[s + i] = pos[order[i]];
  }
}

/** BH through an explicit ascending order (for inputs with negative values, where the bucket sort does not apply). */
function benjaminiHochbergByOrder(pValues: ArrayLike<number>, out: Float64Array): Float64Array {
  const values = presentValues(pValues);
  const n = values.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => values[a] - values[b]);
  const adjustedPresent = new Float64Array(n);
  let running = Infinity;
  for (let j = n - 1; j >= 0; j--) {
    running = Math.min(running, (n / (j + 1)) * values[order[j]]);
    adjustedPresent[order[j]] = Math.min(1, running);
  }
  for (let i = 0, k = 0; i < pValues.length; i++) out[i] = Number.isNaN(pValues[i]) ? NaN : adjustedPresent[k++];
  return out;
}

/** Bonferroni: p̃ᵢ = min(1, n pᵢ) (p.adjust "bonferroni"). */
export function bonferroni(pValues: ArrayLike<number>): Float64Array {
  const n = presentIndices(pValues).length;
  return Float64Array.from(pValues, (p) => (Number.isNaN(p) ? NaN : Math.min(1, n * p)));
}

/** Holm: p̃₍ᵢ₎ = max_{j ≤ i} min(1, (n − j + 1) p₍ⱼ₎) over ascending p-values (p.adjust "holm"). */
export function holm(pValues: ArrayLike<number>): Float64Array {
  const adjusted = new Float64Array(pValues.length).fill(NaN);
  const present = presentIndices(pValues);
  const n = present.length;
  present.sort((a, b) => pValues[a] - pValues[b]);
  let running = 0;
  for (let k = 0; k < n; k++) {
    running = Math.max(running, (n - k) * pValues[present[k]]);
    adjusted[present[k]] = Math.min(1, running);
  }
  return adjusted;
}

function presentIndices(pValues: ArrayLike<number>): number[] {
  const indices: number[] = [];
  for (let i = 0; i < pValues.length; i++) if (!Number.isNaN(pValues[i])) indices.push(i);
  return indices;
}

/** The non-NaN p-values, copied into a new array. */
function presentValues(pValues: ArrayLike<number>): Float64Array {
  let count = 0;
  for (let i = 0; i < pValues.length; i++) if (!Number.isNaN(pValues[i])) count++;
  const out = new Float64Array(count);
  for (let i = 0, k = 0; i < pValues.length; i++) if (!Number.isNaN(pValues[i])) out[k++] = pValues[i];
  return out;
}
