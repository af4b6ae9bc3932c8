/**
 * Feature tables in Apache Arrow. One row per patient × timepoint × ROI:
 *   key columns    patient_id, center, timepoint, roi
 *   provenance     image_sha256, mask_sha256, settings_sha256, extractor
 *   features       one Float64 column per feature, PyRadiomics names
 * Per-patient rows are Arrow IPC files; the cohort table merges them (missing features are null).
 * Nothing time- or run-dependent goes into a row, so the same inputs give the same bytes.
 */
import { Float64, Table, Utf8, tableFromIPC, tableToIPC, vectorFromArray, type Vector } from 'apache-arrow';
import * as parquet from 'parquet-wasm';

export const KEY_COLUMNS = ['patient_id', 'center', 'timepoint', 'roi'] as const;
export const PROVENANCE_COLUMNS = ['image_sha256', 'mask_sha256', 'settings_sha256', 'extractor'] as const;

export type KeyColumn = (typeof KEY_COLUMNS)[number];
export type ProvenanceColumn = (typeof PROVENANCE_COLUMNS)[number];

export interface FeatureRow {
  keys: Record<KeyColumn, string>;
  provenance: Record<ProvenanceColumn, string>;
  features: Record<string, number>;
}

/** One feature row as an Arrow IPC file. */
export function featureRowToArrow(row: FeatureRow): Uint8Array {
  return tableToIPC(rowsToTable([row]), 'file');
}

/** Read a per-patient (or any) feature table back into rows. */
export function arrowToFeatureRows(bytes: Uint8Array): FeatureRow[] {
  const table = tableFromIPC(bytes);
  const names = table.schema.fields.map((f) => f.name);
  const featureNames = names.filter((n) => !isKeyOrProvenance(n));
  return Array.from({ length: table.numRows }, (_, i) => {
    const get = (name: string) => table.getChild(name)?.get(i);
    return {
      keys: Object.fromEntries(KEY_COLUMNS.map((k) => [k, String(get(k))])) as FeatureRow['keys'],
      provenance: Object.fromEntries(PROVENANCE_COLUMNS.map((k) => [k, String(get(k))])) as FeatureRow['provenance'],
      features: Object.fromEntries(
        featureNames.map((n) => [n, get(n) as number | null]).filter(([, v]) => v !== null && v !== undefined),
      ),
    };
  });
}

/**
 * Rows → one table. Rows are sorted by their keys; feature columns keep the order in which
 * they first appear; a feature a row lacks is null.
 */
export function rowsToTable(rows: FeatureRow[]): Table {
  const sorted = [...rows].sort((a, b) => compareKeys(a.keys, b.keys));
  const featureNames = [...new Set(sorted.flatMap((r) => Object.keys(r.features)))];
  const columns: Record<string, Vector> = {};
  for (const name of KEY_COLUMNS) columns[name] = vectorFromArray(sorted.map((r) => r.keys[name]), new Utf8());
  for (const name of PROVENANCE_COLUMNS) {
    columns[name] = vectorFromArray(sorted.map((r) => r.provenance[name]), new Utf8());
  }
  for (const name of featureNames) {
    columns[name] = vectorFromArray(sorted.map((r) => r.features[name] ?? null), new Float64());
  }
  return new Table(columns);
}

export function tableToArrowFile(table: Table): Uint8Array {
  return tableToIPC(table, 'file');
}

/** The same table as Parquet (zstd-compressed), through parquet-wasm. */
export function tableToParquet(table: Table): Uint8Array {
  const wasmTable = parquet.Table.fromIPCStream(tableToIPC(table, 'stream'));
  const properties = new parquet.WriterPropertiesBuilder().setCompression(parquet.Compression.ZSTD).build();
  return parquet.writeParquet(wasmTable, properties);
}

export function parquetToTable(bytes: Uint8Array): Table {
  return tableFromIPC(parquet.readParquet(bytes).intoIPCStream());
}

function isKeyOrProvenance(name: string): boolean {
  return (KEY_COLUMNS as readonly string[]).includes(name) || (PROVENANCE_COLUMNS as readonly string[]).includes(name);
}

function compareKeys(a: FeatureRow['keys'], b: FeatureRow['keys']): number {
  for (const k of ['center', 'patient_id', 'timepoint', 'roi'] as const) {
    if (a[k] !== b[k]) return a[k] < b[k] ? -1 : 1;
  }
  return 0;
}
