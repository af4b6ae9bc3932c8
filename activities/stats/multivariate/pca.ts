/**
 * Principal component analysis as R's prcomp (SVD of the centered, optionally scaled, data).
 *   X̃ = (X − mean) / sd   (sd with n − 1, only when scale = true)
 *   X̃ = U D Vᵀ;  sdev = D / sqrt(n − 1);  rotation = V;  scores x = X̃ V
 * Sign convention (LAPACK's signs in R are arbitrary): each component's largest-|loading| entry
 * is made positive (first such entry on ties). R's output equals ours up to the sign of each column.
 */
import { Matrix, SingularValueDecomposition } from 'ml-matrix';
import { z } from 'zod';
import { InvalidSettingsError, InvalidTableError } from '../../errors';
import { validateMatrix } from './matrix-input';

export const PcaOptions = z.object({ center: z.boolean().default(true), scale: z.boolean().default(false) }).strict();
export type PcaOptions = z.input<typeof PcaOptions>;

export interface PcaResult {
  /** Standard deviation of each component. */
  sdev: number[];
  /** Loadings: variables × components. */
  rotation: number[][];
  /** Scores: observations × components. */
  x: number[][];
  center: number[] | null;
  scale: number[] | null;
  /** Proportion of variance of each component. */
  varianceExplained: number[];
}

/** prcomp(data, center, scale.) for data = observations × variables. */
export function pca(data: readonly (readonly number[])[], options: PcaOptions = {}): PcaResult {
  const parsed = PcaOptions.safeParse(options);
  if (!parsed.success) throw new InvalidSettingsError(`PCA options: ${parsed.error.message}`);
  const { center, scale } = parsed.data;
  const rows = validateMatrix(data, 'PCA data', 2);
  const n = rows.length;
  const p = rows[0].length;
  const means = Array.from({ length: p }, (_, j) => (center ? rows.reduce((s, r) => s + r[j], 0) / n : 0));
  const sds = Array.from({ length: p }, (_, j) => {
    if (!scale) return 1;
    const ss = rows.reduce((s, r) => s + (r[j] - means[j]) ** 2, 0);
    const sd = Math.sqrt(ss / (n - 1));
    if (!(sd > 0)) throw new InvalidTableError(`PCA data: column ${j} is constant and cannot be scaled to unit variance`);
    return sd;
  });
  const centered = new Matrix(rows.map((r) => r.map((v, j) => (v - means[j]) / sds[j])));
  const svd = new SingularValueDecomposition(centered, { autoTranspose: true });
  const k = Math.min(n, p);
  const v = svd.rightSingularVectors;
  const sdev = svd.diagonal.slice(0, k).map((d) => d / Math.sqrt(n - 1));
  const rotation = Array.from({ length: p }, () => new Array<number>(k).fill(0));
  for (let c = 0; c < k; c++) {
    let pivot = 0;
    for (let j = 1; j < p; j++) if (Math.abs(v.get(j, c)) > Math.abs(v.get(pivot, c))) pivot = j;
    const sign = v.get(pivot, c) < 0 ? -1 : 1;
    for (let j = 0; j < p; j++) rotation[j][c] = sign * v.get(j, c);
  }
  const x = centered.mmul(new Matrix(rotation)).to2DArray();
  const total = sdev.reduce((s, d) => s + d * d, 0);
  return {
    sdev,
    rotation,
    x,
    center: center ? means : null,
    scale: scale ? sds : null,
    varianceExplained: sdev.map((d) => (d * d) / total),
  };
}
