/** Validation shared by the multivariate methods: a rectangular matrix of finite numbers (rows = observations). */
import { InvalidTableError } from '../../errors';

/** Check shape and cells; InvalidTableError names row and column. */
export function validateMatrix(rows: readonly (readonly number[])[], source: string, minRows = 1): number[][] {
  if (rows.length < minRows) throw new InvalidTableError(`${source}: needs at least ${minRows} rows, got ${rows.length}`);
  const columns = rows[0]?.length ?? 0;
  if (columns === 0) throw new InvalidTableError(`${source}: no columns`);
  return rows.map((row, i) => {
    if (row.length !== columns) throw new InvalidTableError(`${source}: row ${i} has ${row.length} columns, row 0 has ${columns}`);
    return row.map((v, j) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new InvalidTableError(`${source}: row ${i}, column ${j}: ${String(v)} is not a finite number`);
      return v;
    });
  });
}
