/**
 * Test support: the PyRadiomics reference data under <repo>/../shared/reference: pyradiomics (cases
 * brain1 and breast1) and pyradiomics-more (brain2 with its image; lung1 and lung2, masks only). Test
 * images and baseline CSVs; see the README.md in each folder. Read in place, never copied.
 * Every reader takes a case name or a column name (`<case>` or `<case>_<config>`) and finds the case's folder.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { decodeNrrd } from '../../activities/imaging/nrrd';
import type { Volume } from '../../activities/imaging/volume';
import { parseDelimited } from '../../activities/tables/csv';

export const REFERENCE_DIR = path.resolve(__dirname, '../../../shared/reference/pyradiomics');
export const MORE_REFERENCE_DIR = path.resolve(__dirname, '../../../shared/reference/pyradiomics-more');

if (!existsSync(path.join(REFERENCE_DIR, 'baseline'))) {
  throw new Error(`PyRadiomics reference data not found at ${REFERENCE_DIR}: the tests read it from ../shared beside the checkout.`);
}

/** The reference folder of each case. lung1 and lung2 have no image (see pyradiomics-more/README.md). */
export const REFERENCE_CASES: Readonly<Record<string, string>> = {
  brain1: REFERENCE_DIR,
  breast1: REFERENCE_DIR,
  brain2: MORE_REFERENCE_DIR,
  lung1: MORE_REFERENCE_DIR,
  lung2: MORE_REFERENCE_DIR,
};

/** The case of a case, column or file name: brain1_FBN → brain1, brain2_label → brain2. */
export function caseOf(name: string): string {
  const match = /^[a-z]+\d+/.exec(name);
  if (!match || !(match[0] in REFERENCE_CASES)) throw new Error(`${name} names no PyRadiomics reference case`);
  return match[0];
}

/** The reference folder holding a case (by case, column or file name). */
export function referenceDir(name: string): string {
  const dir = REFERENCE_CASES[caseOf(name)];
  if (!existsSync(path.join(dir, 'baseline'))) {
    throw new Error(`PyRadiomics reference data not found at ${dir}: the tests read it from ../shared beside the checkout.`);
  }
  return dir;
}

/** Read data/<case>_image.nrrd or data/<case>_label.nrrd from the case's folder. */
export function readReferenceVolume(name: string): { volume: Volume; uri: string } {
  const file = path.join(referenceDir(name), 'data', `${name}.nrrd`);
  const uri = `file://${file}`;
  return { volume: decodeNrrd(readFileSync(file), uri), uri };
}

function baselineFile(featureClass: string, name: string): string {
  return path.join(referenceDir(name), 'baseline', `baseline_${featureClass}.csv`);
}

/** One column of baseline/baseline_<featureClass>.csv (in the column's case folder) as a map featureName → cell text. */
export function readBaselineColumn(featureClass: string, column: string): Map<string, string> {
  const rows = parseDelimited(readFileSync(baselineFile(featureClass, column), 'utf8'));
  const index = rows[0].indexOf(column);
  if (index < 0) throw new Error(`baseline_${featureClass}.csv has no column ${column}`);
  return new Map(rows.slice(1).map((row) => [row[0], row[index] ?? '']));
}

/** The columns of a case in its baseline/baseline_<featureClass>.csv: `<case>` and `<case>_<config>`. */
export function baselineColumns(featureClass: string, testCase: string): string[] {
  const header = readFileSync(baselineFile(featureClass, testCase), 'utf8').split(/\r?\n/, 1)[0];
  return parseDelimited(header)[0]
    .slice(1)
    .filter((column) => column === testCase || column.startsWith(`${testCase}_`));
}

/** A numeric setting from the column's diagnostics_Configuration_Settings Python dict, if present. */
export function baselineSetting(column: Map<string, string>, key: string): number | undefined {
  const settings = column.get('diagnostics_Configuration_Settings') ?? '';
  const match = new RegExp(`'${key}': (-?[0-9.eE+-]+)`).exec(settings);
  return match ? Number(match[1]) : undefined;
}
