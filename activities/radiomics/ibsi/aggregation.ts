/**
 * IBSI texture feature aggregation: which matrices a feature is computed on, and how the values
 * are combined. The suffix of each output tag names the method (IBSI identifier in brackets):
 *
 * GLCM and GLRLM (one matrix per direction; 4 in-plane directions per slice in 2D, 13 in 3D):
 *   2D_avg     (BTW3) a value per slice and direction, averaged
 *   2D_comb    (SUJT) per slice, the directions' matrices summed; the slice values averaged
 *   2_5D_avg   (JJUI) per direction, the slices' matrices summed; the direction values averaged
 *   2_5D_comb  (ZW7Z) one value from the sum of all 2D matrices
 *   3D_avg     (ITBB) a value per 3D direction, averaged
 *   3D_comb    (IAZD) one value from the sum of all 3D matrices
 * GLSZM, GLDZM, NGTDM and NGLDM (one matrix per slice in 2D, one for the volume in 3D):
 *   2D         (8QNN) a value per slice, averaged
 *   2_5D       (62GR) one value from the slices' matrices merged
 *   3D         (KOBO) one value from the 3D matrix
 * Merging sums counts element by element (and the voxel counts the features divide by).
 */

/** A texture matrix of one direction, of one slice (2D) or of the whole volume (3D). */
export interface DirectionalMatrix {
  /** Index of the slice (2D); −1 for the volume (3D). */
  slice: number;
  /** The direction's offset, written "dx,dy,dz". */
  direction: string;
  /** Counts, with the same layout for every matrix that may be summed with it. */
  counts: Float64Array;
}

export const DIRECTIONAL_AGGREGATIONS = ['2D_avg', '2D_comb', '2_5D_avg', '2_5D_comb', '3D_avg', '3D_comb'] as const;
export const ZONE_AGGREGATIONS = ['2D', '2_5D', '3D'] as const;

/** Σ of equally laid out count matrices. */
export function sumCounts(matrices: readonly Float64Array[]): Float64Array {
  const sum = new Float64Array(matrices[0].length);
  for (const m of matrices) for (let k = 0; k < m.length; k++) sum[k] += m[k];
  return sum;
}

/** For each GLCM/GLRLM aggregation, the matrices whose feature values are averaged. */
export function directionalAggregations(
  slices: readonly DirectionalMatrix[],
  volume: readonly DirectionalMatrix[],
): Record<(typeof DIRECTIONAL_AGGREGATIONS)[number], Float64Array[]> {
  const counts = (list: readonly DirectionalMatrix[]) => list.map((m) => m.counts);
  const summedBy = (list: readonly DirectionalMatrix[], key: (m: DirectionalMatrix) => string | number) => {
    const groups = new Map<string | number, Float64Array[]>();
    for (const m of list) groups.set(key(m), [...(groups.get(key(m)) ?? []), m.counts]);
    return [...groups.values()].map(sumCounts);
  };
  const nonEmpty = (list: Float64Array[]) => list.filter((m) => m.some((v) => v !== 0));
  return {
    '2D_avg': nonEmpty(counts(slices)),
    '2D_comb': nonEmpty(summedBy(slices, (m) => m.slice)),
    '2_5D_avg': nonEmpty(summedBy(slices, (m) => m.direction)),
    '2_5D_comb': nonEmpty([sumCounts(counts(slices))]),
    '3D_avg': nonEmpty(counts(volume)),
    '3D_comb': nonEmpty([sumCounts(counts(volume))]),
  };
}

/** For each GLSZM/GLDZM/NGTDM/NGLDM aggregation, the matrices whose feature values are averaged. */
export function zoneAggregations<M>(
  slices: readonly M[],
  volume: M,
  merge: (matrices: readonly M[]) => M,
): Record<(typeof ZONE_AGGREGATIONS)[number], M[]> {
  return { '2D': [...slices], '2_5D': [merge(slices)], '3D': [volume] };
}

/** mean(x) */
export function mean(values: readonly number[]): number {
  return values.length === 0 ? NaN : values.reduce((a, b) => a + b, 0) / values.length;
}

/**
 * Every feature under every aggregation, as `<prefix>_<feature>_<aggregation>`: each feature is
 * computed on each matrix of the aggregation (after `prepare`) and the values averaged.
 */
export function aggregateFeatures<M, C>(
  prefix: string,
  aggregations: Record<string, readonly M[]>,
  prepare: (matrix: M) => C,
  features: Record<string, (c: C) => number>,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [suffix, matrices] of Object.entries(aggregations)) {
    const prepared = matrices.map(prepare);
    for (const [name, feature] of Object.entries(features)) {
      out[`${prefix}_${name}_${suffix}`] = mean(prepared.map(feature));
    }
  }
  return out;
}
