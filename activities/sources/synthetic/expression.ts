/**
 * Planted gene expression: integer counts (genes × samples). A module of genes loads on each
 * patient's latent score z; every other gene is noise around its own mean:
 *   count(g, s) ~ Poisson( L_s · exp(log μ_g + ℓ_g · z_s + ε_gs) ),  ε_gs ~ N(0, σ²)
 * with library size L_s, gene mean μ_g, loading ℓ_g (0 outside the module).
 */
import { PLANTED } from './biology';
import type { Random } from './random';

export interface ExpressionModule {
  /** The module's genes, in gene order. */
  genes: string[];
  /** Log-fold change per unit z of each module gene. */
  loadings: Record<string, number>;
}

export interface ExpressionMatrix {
  genes: string[];
  sampleIds: string[];
  /** counts[g][s]: integer count of gene g in sample s. */
  counts: number[][];
}

/** Gene names GENE0001, GENE0002, ... */
export function geneNames(count: number): string[] {
  return Array.from({ length: count }, (_, g) => `GENE${String(g + 1).padStart(4, '0')}`);
}

/** Pick `moduleSize` genes and a loading for each: |ℓ| ~ U(loadingRange), mostly positive. */
export function drawModule(genes: string[], moduleSize: number, rng: Random): ExpressionModule {
  const { loadingRange, positiveLoadingShare } = PLANTED.expression;
  const chosen = rng.sampleIndices(genes.length, moduleSize).map((g) => genes[g]);
  const loadings: Record<string, number> = {};
  for (const gene of chosen) {
    const size = rng.uniform(loadingRange[0], loadingRange[1]);
    loadings[gene] = rng.bernoulli(positiveLoadingShare) ? size : -size;
  }
  return { genes: chosen, loadings };
}

/** Counts for every gene and sample, given each sample's module score z. */
export function simulateExpression(
  genes: string[],
  module: ExpressionModule,
  sampleIds: string[],
  moduleScores: number[],
  rng: Random,
): ExpressionMatrix {
  const { logMeanCount, logMeanCountSd, librarySizeSd, biologicalNoiseSd } = PLANTED.expression;
  const librarySize = sampleIds.map(() => Math.exp(rng.normal(0, librarySizeSd)));
  const counts = genes.map((gene) => {
    const logMean = rng.normal(logMeanCount, logMeanCountSd);
    const loading = module.loadings[gene] ?? 0;
    return moduleScores.map((z, s) => {
      const rate = librarySize[s] * Math.exp(logMean + loading * z + rng.normal(0, biologicalNoiseSd));
      return rng.poisson(rate);
    });
  });
  return { genes, sampleIds, counts };
}
