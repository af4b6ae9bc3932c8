/**
 * Test support: the PyRadiomics reference data under <repo>/../shared/reference/pyradiomics
 * (test images and baseline CSVs; see the README.md there). Read in place, never copied.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { decodeNrrd } from '../../activities/imaging/nrrd';
import type { Volume } from '../../activities/imaging/volume';
import { parseDelimited } from '../../activities/tables/csv';

export const REFERENCE_DIR = path.resolve(__dirname, '../../../shared/reference/pyradiomics');

if (!existsSync(path.join(REFERENCE_DIR, 'baseline'))) {
  throw new Error(`PyRadiomics reference data not found at ${REFERENCE_DIR}: the tests read it from ../shared beside the checkout.`);
}

/** Read data/<case>_image.nrrd or data/<case>_label.nrrd. */
export function readReferenceVolume(name: string): { volume: Volume; uri: string } {
  const file = path.join(REFERENCE_DIR, 'data', `${name}.nrrd`);
  const uri = `file://${file}`;
  return { volume: decodeNrrd(readFileSync(file), uri), uri };
}

/** One column of baseline/baseline_<featureClass>.csv as a map featureName → cell text. */
export function readBaselineColumn(featureClass: string, column: string): Map<string, string> {
  const rows = parseDelimited(readFileSync(path.join(REFERENCE_DIR, 'baseline', `baseline_${featureClass}.csv`), 'utf8'));
  const index = rows[0].indexOf(column);
  if (index < 0) throw new Error(`baseline_${featureClass}.csv has no column ${column}`);
  return new Map(rows.slice(1).map((row) => [row[0], row[index] ?? '']));
}

/** The column names of baseline/baseline_<featureClass>.csv (featureName excluded). */
export function baselineColumns(featureClass: string): string[] {
  const header = readFileSync(path.join(REFERENCE_DIR, 'baseline', `baseline_${featureClass}.csv`), 'utf8').split(/\r?\n/, 1)[0];
  return parseDelimited(header)[0].slice(1);
}

/** A numeric setting from the column's diagnostics_Configuration_Settings Python dict, if present. */
export function baselineSetting(column: Map<string, string>, key: string): number | undefined {
  const settings = column.get('diagnostics_Configuration_Settings') ?? '';
  const match = new RegExp(`'${key}': (-?[0-9.eE+-]+)`).exec(settings);
  return match ? Number(match[1]) : undefined;
}
