/**
 * The statistics core: pure functions on arrays, each checked against the R implementation named
 * in its module (test/fixtures/r/make-fixtures-*.R).
 */
export * from './distributions';
export * from './ranks';
export * from './correlation';
export {
  standardizeRows,
  rankRows,
  multiplyTransposed,
  spearmanMatrix,
  pearsonMatrix,
  correlationPValues,
  spearmanMatrixParallel,
  pearsonMatrixParallel,
  correlationPValuesParallel,
  type RowMatrix,
  type ParallelOptions,
} from './correlation-matrix';
export * from './tests';
export * from './multiple-testing';
export * from './roc';
export * from './bootstrap';
export * from './survival/survival-data';
export * from './survival/kaplan-meier';
export * from './survival/log-rank';
export * from './survival/cox';
export * from './survival/concordance';
export * from './harmonize/combat';
export * from './enrichment/gene-set-index';
export * from './enrichment/ssgsea';
export * from './enrichment/gsea';
export * from './multivariate/pca';
export * from './multivariate/kmeans';
export * from './multivariate/hclust';
export * from './multivariate/snf';
