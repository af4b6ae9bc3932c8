/**
 * Ranks with ties averaged (R's rank(x, ties.method = "average")) and the tie-group sizes that
 * the tie corrections of rank tests need.
 */

/** Indices 0..n−1 ordered by value (stable: equal values keep their input order). */
export function orderAscending(values: ArrayLike<number>): Uint32Array {
  const order = new Uint32Array(values.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  return order.sort((a, b) => values[a] - values[b] || a - b);
}

/** Average ranks, 1-based: tied values share the mean of the ranks they span. */
export function averageRanks(values: ArrayLike<number>): Float64Array {
  return ranksWithTies(values).ranks;
}

/** Average ranks and the size of every tie group (groups of size 1 included). */
export function ranksWithTies(values: ArrayLike<number>): { ranks: Float64Array; tieSizes: number[] } {
  const n = values.length;
  const order = orderAscending(values);
  const ranks = new Float64Array(n);
  const tieSizes: number[] = [];
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && values[order[end]] === values[order[start]]) end++;
    const rank = (start + 1 + end) / 2; // mean of start+1 … end
    for (let k = start; k < end; k++) ranks[order[k]] = rank;
    tieSizes.push(end - start);
    start = end;
  }
  return { ranks, tieSizes };
}

/** True when any value occurs more than once. */
export function hasTies(values: ArrayLike<number>): boolean {
  return ranksWithTies(values).tieSizes.some((size) => size > 1);
}
