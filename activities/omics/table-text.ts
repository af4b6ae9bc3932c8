/**
 * Line-numbered reading of delimited omics tables, and the InvalidTableError every reader throws:
 * it names the file, the 1-based line of the file and the column.
 */
import { InvalidTableError } from '../errors';
import { parseDelimited } from '../tables/csv';

export interface TableLine {
  /** 1-based line number in the file. */
  line: number;
  cells: string[];
}

export interface TableText {
  header: TableLine;
  rows: TableLine[];
}

/** An InvalidTableError whose message reads "<file>, line <n>, column <c>: <problem>". */
export function tableError(file: string, line: number | undefined, column: string | undefined, problem: string): InvalidTableError {
  const where = [file, line !== undefined ? `line ${line}` : undefined, column !== undefined ? `column "${column}"` : undefined]
    .filter(Boolean)
    .join(', ');
  const error = new InvalidTableError(`${where}: ${problem}`, file);
  return Object.assign(error, { line, column });
}

/** Split text into non-blank, non-comment lines with their line numbers, each parsed as one delimited record. */
export function readLines(text: string, delimiter: string, commentPrefix?: string): TableLine[] {
  const out: TableLine[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  lines.forEach((raw, index) => {
    if (raw.trim() === '') return;
    if (commentPrefix !== undefined && raw.startsWith(commentPrefix)) return;
    out.push({ line: index + 1, cells: parseDelimited(raw, delimiter)[0] ?? [''] });
  });
  return out;
}

/** Header and data rows; every row must have as many cells as the header. */
export function readTable(text: string, file: string, delimiter = '\t', commentPrefix?: string): TableText {
  const lines = readLines(text, delimiter, commentPrefix);
  if (lines.length === 0) throw tableError(file, undefined, undefined, 'the table is empty');
  const [header, ...rows] = lines;
  header.cells = header.cells.map((c) => c.trim());
  for (const row of rows) {
    if (row.cells.length !== header.cells.length) {
      throw tableError(file, row.line, undefined, `${row.cells.length} cells where the header has ${header.cells.length}`);
    }
  }
  return { header, rows };
}

/** Index of each required column; a missing one is an InvalidTableError naming it. */
export function requireColumns(table: TableText, file: string, names: readonly string[]): number[] {
  return names.map((name) => {
    const index = table.header.cells.indexOf(name);
    if (index < 0) throw tableError(file, table.header.line, name, `required column is missing (header: ${table.header.cells.join(', ')})`);
    return index;
  });
}

/** Header names that occur more than once are an InvalidTableError naming the second occurrence. */
export function rejectDuplicateHeader(table: TableText, file: string, from = 0): void {
  const seen = new Set<string>();
  table.header.cells.slice(from).forEach((name) => {
    if (seen.has(name)) throw tableError(file, table.header.line, name, `duplicate column "${name}"`);
    seen.add(name);
  });
}

/** Cells read as missing values (R's NA and friends) when missing values are allowed. */
export const MISSING_TOKENS = new Set(['', 'NA', 'NaN', 'nan', 'null', 'NULL', '.']);

/** A finite number from a cell; anything else is an InvalidTableError (missing tokens → NaN when allowed). */
export function parseNumberCell(cell: string, file: string, line: number, column: string, allowMissing = false): number {
  const trimmed = cell.trim();
  if (allowMissing && MISSING_TOKENS.has(trimmed)) return NaN;
  const value = trimmed === '' ? NaN : Number(trimmed);
  if (!Number.isFinite(value)) throw tableError(file, line, column, `"${cell}" is not a number`);
  return value;
}
