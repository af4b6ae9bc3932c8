/**
 * Multiple-testing adjustments, as R's p.adjust. NaN marks a missing p-value (R's NA): it stays NaN
 * and does not count towards the number of tests.
 */

/**
 * Benjamini–Hochberg: p̃₍ᵢ₎ = min_{j ≥ i} min(1, n p₍ⱼ₎ / j) over ascending p-values (p.adjust "BH").
 * The order comes from an LSD radix sort on the IEEE-754 bits (order-preserving for p ≥ 0), O(n) and
 * cache-friendly for 10⁷ p-values; tied p-values get one adjusted value whatever their order.
 */
export function benjaminiHochberg(pValues: ArrayLike<number>): Float64Array {
  const values = presentValues(pValues);
  const n = values.length;
  const order = ascendingOrder(values);
  const adjustedSorted = new Float64Array(n);
  let running = Infinity;
  for (let j = n - 1; j >= 0; j--) {
    running = Math.min(running, (n / (j + 1)) * values[order[j]]);
    adjustedSorted[j] = Math.min(1, running);
  }
  const adjustedPresent = new Float64Array(n);
  for (let j = 0; j < n; j++) adjustedPresent[order[j]] = adjustedSorted[j];
  const adjusted = new Float64Array(pValues.length);
  for (let i = 0, k = 0; i < pValues.length; i++) adjusted[i] = Number.isNaN(pValues[i]) ? NaN : adjustedPresent[k++];
  return adjusted;
}

/** Indices of non-negative values in ascending order: LSD radix sort, 16-bit digits of the float64 bit pattern. */
function ascendingOrder(values: Float64Array): Uint32Array {
  const n = values.length;
  let order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  if (values.some((v) => v < 0 || Object.is(v, -0))) return order.sort((a, b) => values[a] - values[b]);
  const words = new Uint32Array(values.buffer, values.byteOffset, 2 * n); // little-endian: [lo, hi] per value
  let scratch = new Uint32Array(n);
  const counts = new Uint32Array(65537);
  for (const [word, shift] of [[0, 0], [0, 16], [1, 0], [1, 16]] as const) {
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[((words[2 * i + word] >>> shift) & 0xffff) + 1]++;
    if (counts.some((c) => c === n)) continue; // every value has the same digit: nothing to do
    for (let d = 1; d <= 65536; d++) counts[d] += counts[d - 1];
    for (let k = 0; k < n; k++) {
      const i = order[k];
      scratch[counts[(words[2 * i + word] >>> shift) & 0xffff]++] = i;
    }
    [order, scratch] = [scratch, order];
  }
  return order;
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
