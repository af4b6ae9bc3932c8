/**
 * Gene expression: a genes × samples table (TSV with the gene in the first column, or GCT 1.2) with
 * optional normalization of raw counts:
 *   CPM  = count / library size × 10⁶
 *   TPM  = (count / length_kb) / Σ_genes(count / length_kb) × 10⁶   (needs gene lengths in bases)
 *   log2 = log2(x + 1), after CPM/TPM when both are asked for
 * Duplicate gene identifiers are summed or rejected, by option.
 */
import { z } from 'zod';
import { InvalidSettingsError } from '../errors';
import { matrixFromTable, parseOptions, type NumericMatrix } from './numeric-matrix';
import { IDENTITY_RULE, SampleIdRule } from './sample-ids';
import { readLines, readTable, tableError, type TableText } from './table-text';

export const ExpressionOptions = z
  .object({
    format: z.enum(['tsv', 'gct']).default('tsv'),
    sampleIdRule: SampleIdRule.default(IDENTITY_RULE),
    duplicateGenes: z.enum(['sum', 'reject']).default('reject'),
    /** Scale counts: none, counts per million, or transcripts per million (needs geneLengths). */
    scale: z.enum(['none', 'cpm', 'tpm']).default('none'),
    /** Apply log2(x + 1) last. */
    log2: z.boolean().default(false),
    /** Gene length in bases per gene id (for TPM). */
    geneLengths: z.record(z.string(), z.number().positive()).optional(),
  })
  .strict();
export type ExpressionOptions = z.input<typeof ExpressionOptions>;

/** Read an expression table and apply the requested scaling. Counts must be non-negative when scaled. */
export function readExpression(text: string, file: string, optionsInput: ExpressionOptions = {}): NumericMatrix {
  const options = parseOptions(ExpressionOptions, optionsInput, 'expression');
  const { table, firstSampleColumn } = options.format === 'gct' ? readGct(text, file) : { table: readTable(text, file), firstSampleColumn: 1 };
  const matrix = matrixFromTable(table, file, firstSampleColumn, {
    sampleIdRule: options.sampleIdRule,
    allowMissing: false,
    duplicateFeatures: options.duplicateGenes,
  });
  if (options.scale !== 'none' || options.log2) rejectNegative(matrix, table, firstSampleColumn);
  if (options.scale === 'cpm') countsPerMillion(matrix);
  if (options.scale === 'tpm') {
    if (!options.geneLengths) throw new InvalidSettingsError('TPM needs geneLengths (bases per gene)');
    transcriptsPerMillion(matrix, options.geneLengths);
  }
  if (options.log2) log2PlusOne(matrix);
  return matrix;
}

/** GCT 1.2: "#1.2", then "<rows>\t<columns>", then Name, Description, samples…; the dimensions must match. */
function readGct(text: string, file: string): { table: TableText; firstSampleColumn: number } {
  const lines = readLines(text, '\t');
  if (lines.length < 3 || lines[0].cells[0].trim() !== '#1.2') {
    throw tableError(file, lines[0]?.line ?? 1, undefined, 'not a GCT 1.2 file (first line must be "#1.2")');
  }
  const [rowCount, columnCount] = lines[1].cells.map((c) => Number(c.trim()));
  if (!Number.isInteger(rowCount) || !Number.isInteger(columnCount)) {
    throw tableError(file, lines[1].line, undefined, 'second line must hold the row and column counts');
  }
  const header = lines[2];
  header.cells = header.cells.map((c) => c.trim());
  if (header.cells[0] !== 'Name' || header.cells[1] !== 'Description') {
    throw tableError(file, header.line, header.cells[0], 'GCT header must start with Name, Description');
  }
  const rows = lines.slice(3);
  if (header.cells.length - 2 !== columnCount) {
    throw tableError(file, header.line, undefined, `header has ${header.cells.length - 2} samples, line 2 says ${columnCount}`);
  }
  if (rows.length !== rowCount) throw tableError(file, lines[1].line, undefined, `${rows.length} data rows, line 2 says ${rowCount}`);
  for (const row of rows) {
    if (row.cells.length !== header.cells.length) {
      throw tableError(file, row.line, undefined, `${row.cells.length} cells where the header has ${header.cells.length}`);
    }
  }
  return { table: { header, rows }, firstSampleColumn: 2 };
}

function rejectNegative(matrix: NumericMatrix, table: TableText, firstSampleColumn: number): void {
  const n = matrix.samples.length;
  for (let i = 0; i < matrix.values.length; i++) {
    if (matrix.values[i] < 0) {
      const f = Math.floor(i / n);
      const row = table.rows.find((r) => r.cells[0].trim() === matrix.features[f]);
      throw tableError(matrix.source, row?.line, table.header.cells[firstSampleColumn + (i % n)], `negative count ${matrix.values[i]}`);
    }
  }
}

/** CPM: x_gs / Σ_g x_gs × 10⁶. */
export function countsPerMillion(matrix: NumericMatrix): void {
  const { values, samples, features } = matrix;
  const n = samples.length;
  for (let s = 0; s < n; s++) {
    let library = 0;
    for (let g = 0; g < features.length; g++) library += values[g * n + s];
    const factor = library > 0 ? 1e6 / library : 0;
    for (let g = 0; g < features.length; g++) values[g * n + s] *= factor;
  }
}

/** TPM: r_gs = x_gs / (length_g / 1000); TPM = r_gs / Σ_g r_gs × 10⁶. Every gene needs a length. */
export function transcriptsPerMillion(matrix: NumericMatrix, geneLengths: Record<string, number>): void {
  const { values, samples, features } = matrix;
  const n = samples.length;
  features.forEach((gene, g) => {
    const length = geneLengths[gene];
    if (!(length > 0)) throw new InvalidSettingsError(`TPM: no gene length for ${gene} (${matrix.source})`);
    for (let s = 0; s < n; s++) values[g * n + s] /= length / 1000;
  });
  countsPerMillion(matrix);
}

/** log2(x + 1) of every value. */
export function log2PlusOne(matrix: NumericMatrix): void {
  const { values } = matrix;
  for (let i = 0; i < values.length; i++) values[i] = Math.log2(values[i] + 1);
}
