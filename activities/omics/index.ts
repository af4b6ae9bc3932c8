/** Omics tables in, validated matrices out: mutations, expression, numeric matrices, clinical data, gene sets. */
export * from './sample-ids';
export * from './mutations';
export * from './expression';
export { readNumericMatrix, matrixFromTable, featureRow, type NumericMatrix, type NumericMatrixOptions } from './numeric-matrix';
export * from './clinical';
export * from './join';
export * from './gene-sets';
export { tableError } from './table-text';
