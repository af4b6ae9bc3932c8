/**
 * The IBSI 1 CT phantom reference tables (../shared/reference/ibsi-ct-phantom, read in place: the
 * data is CC BY-NC and never copied) and the IBSI rule for comparing a computed value with a row.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDelimited } from '../../activities/tables/csv';

export const CT_DIR = path.resolve(__dirname, '../../../shared/reference/ibsi-ct-phantom');
export const FEATURES_CSV = path.join(CT_DIR, 'ibsi1_reference_values_ct_phantom_configs_A-E.csv');
export const DIAGNOSTICS_CSV = path.join(CT_DIR, 'ibsi1_diagnostic_values_ct_phantom_configs_A-E.csv');

export interface ReferenceRow {
  data: string;
  family: string;
  tag: string;
  /** The value as the CSV writes it; '' when there is none. */
  text: string;
  value: number;
  tolerance: number;
}

export function readRows(file: string): ReferenceRow[] {
  const [header, ...rows] = parseDelimited(readFileSync(file, 'utf8')).filter((row) => row.length > 1);
  const column = (name: string) => {
    const index = header.indexOf(name);
    assert.ok(index >= 0, `${path.basename(file)} has a ${name} column`);
    return index;
  };
  const [data, tag, value, tolerance] = ['data', 'tag', 'value', 'tolerance'].map(column);
  return rows.map((row) => ({
    data: row[data],
    family: row[tag].split('_')[0],
    tag: row[tag],
    text: row[value],
    value: row[value] === '' ? NaN : Number(row[value]),
    tolerance: row[tolerance] === '' ? NaN : Number(row[tolerance]),
  }));
}

/** Significant digits of a value as written ("3065" → 4, "0.977" → 3, "1.1e4" → 2). */
export function significantDigits(text: string): number {
  const mantissa = text.replace(/^[-+]/, '').split(/e/i)[0].replace('.', '').replace(/^0+/, '');
  return mantissa.length;
}

/** |computed − reference| ≤ tolerance; for tolerance 0, equal at max(3, the reference's) significant digits. */
export function matches(computed: number | undefined, row: ReferenceRow): boolean {
  if (computed === undefined || !Number.isFinite(computed)) return false;
  if (row.tolerance > 0) return Math.abs(computed - row.value) <= row.tolerance * (1 + 1e-12);
  return Number(computed.toPrecision(Math.max(3, significantDigits(row.text)))) === row.value;
}

export const describeRow = (row: ReferenceRow, computed: number | undefined) =>
  `${row.tag}: computed ${computed}, reference ${row.text} (tolerance ${row.tolerance})`;

