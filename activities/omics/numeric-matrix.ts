/**
 * A numeric omics matrix: features (genes, proteins, CpG probes) × samples, values row-major in one
 * Float64Array. Read from a TSV whose first column names the feature and whose other columns are
 * samples (proteomics, methylation beta values, expression).
 */
import { z } from 'zod';
import { InvalidSettingsError } from '../errors';
import { IDENTITY_RULE, SampleIdRule, sampleIdNormalizer } from './sample-ids';
import { parseNumberCell, readTable, rejectDuplicateHeader, tableError, type TableText } from './table-text';

export interface NumericMatrix {
  /** Feature identifiers, one per row. */
  features: string[];
  /** Patient identifiers (after the sample-id rule), one per column. */
  samples: string[];
  /** The column headers as they were in the file. */
  rawSamples: string[];
  /** values[f * samples.length + s]. */
  values: Float64Array;
  /** The file the matrix was read from (for reports and errors). */
  source: string;
}

export const NumericMatrixOptions = z
  .object({
    delimiter: z.string().length(1).default('\t'),
    sampleIdRule: SampleIdRule.default(IDENTITY_RULE),
    /** Allow NA / empty cells (read as NaN): proteomics and methylation have missing values. */
    allowMissing: z.boolean().default(false),
    /** Feature ids that repeat: 'sum' their rows, or 'reject' the table. */
    duplicateFeatures: z.enum(['sum', 'reject']).default('reject'),
  })
  .strict();
export type NumericMatrixOptions = z.input<typeof NumericMatrixOptions>;

export function parseOptions<T extends z.ZodTypeAny>(schema: T, input: unknown, what: string): z.output<T> {
  const parsed = schema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  throw new InvalidSettingsError(
    `invalid ${what} options: ${parsed.error.issues.map((i) => `"${i.path.join('.')}": ${i.message}`).join('; ')}`,
  );
}

/** Read a features × samples TSV (first column: feature id). */
export function readNumericMatrix(text: string, file: string, optionsInput: NumericMatrixOptions = {}): NumericMatrix {
  const options = parseOptions(NumericMatrixOptions, optionsInput, 'numeric matrix');
  return matrixFromTable(readTable(text, file, options.delimiter), file, 1, options);
}

/**
 * Build the matrix from a parsed table whose sample columns start at `firstSampleColumn`; sample ids pass
 * through the rule and must stay unique; feature ids repeat only when duplicateFeatures is 'sum'.
 */
export function matrixFromTable(
  table: TableText,
  file: string,
  firstSampleColumn: number,
  options: { sampleIdRule: SampleIdRule; allowMissing: boolean; duplicateFeatures: 'sum' | 'reject' },
): NumericMatrix {
  rejectDuplicateHeader(table, file, firstSampleColumn);
  const rawSamples = table.header.cells.slice(firstSampleColumn);
  if (rawSamples.length === 0) throw tableError(file, table.header.line, undefined, 'no sample columns');
  const normalize = sampleIdNormalizer(options.sampleIdRule);
  const samples: string[] = [];
  const seenSample = new Map<string, string>();
  for (const raw of rawSamples) {
    const id = normalize(raw);
    if (id === undefined) throw tableError(file, table.header.line, raw, `sample id does not fit the ${options.sampleIdRule.kind} rule`);
    const earlier = seenSample.get(id);
    if (earlier !== undefined) {
      throw tableError(file, table.header.line, raw, `duplicate sample id ${id} (also column "${earlier}")`);
    }
    seenSample.set(id, raw);
    samples.push(id);
  }
  const featureName = table.header.cells[0] || 'feature';
  const features: string[] = [];
  const rowOf = new Map<string, number>();
  const rows: Float64Array[] = [];
  for (const row of table.rows) {
    const feature = row.cells[0].trim();
    if (feature === '') throw tableError(file, row.line, featureName, 'empty feature id');
    const values = new Float64Array(samples.length);
    for (let s = 0; s < samples.length; s++) {
      values[s] = parseNumberCell(row.cells[firstSampleColumn + s], file, row.line, rawSamples[s], options.allowMissing);
    }
    const existing = rowOf.get(feature);
    if (existing === undefined) {
      rowOf.set(feature, rows.length);
      features.push(feature);
      rows.push(values);
    } else if (options.duplicateFeatures === 'sum') {
      const target = rows[existing];
      for (let s = 0; s < samples.length; s++) target[s] += values[s];
    } else {
      throw tableError(file, row.line, featureName, `duplicate feature id ${feature}`);
    }
  }
  const values = new Float64Array(features.length * samples.length);
  rows.forEach((row, f) => values.set(row, f * samples.length));
  return { features, samples, rawSamples, values, source: file };
}

/** The values of one feature (a row), as a view. */
export function featureRow(matrix: NumericMatrix, feature: number): Float64Array {
  const n = matrix.samples.length;
  return matrix.values.subarray(feature * n, (feature + 1) * n);
}
