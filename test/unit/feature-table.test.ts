import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  arrowToFeatureRows,
  featureRowToArrow,
  parquetToTable,
  rowsToTable,
  tableToArrowFile,
  tableToParquet,
  type FeatureRow,
} from '../../activities/tables/feature-table';

const row = (patient: string, center: string, features: Record<string, number>): FeatureRow => ({
  keys: { patient_id: patient, center, timepoint: 'baseline', roi: 'tumor' },
  provenance: { image_sha256: `img-${patient}`, mask_sha256: `mask-${patient}`, settings_sha256: 's', extractor: 'x/1' },
  features,
});

test('a feature row round-trips through Arrow IPC with the same bytes each time', () => {
  const r = row('P1', 'C01', { original_firstorder_Mean: 1.5, original_firstorder_Energy: 1e12 });
  const bytes = featureRowToArrow(r);
  assert.deepEqual(featureRowToArrow(r), bytes, 'deterministic');
  assert.deepEqual(arrowToFeatureRows(bytes), [r]);
});

test('merged table: sorted by center then patient, keys first, union of features with nulls', () => {
  const table = rowsToTable([
    row('P2', 'C02', { a: 1 }),
    row('P9', 'C01', { a: 2, b: 3 }),
    row('P1', 'C02', { b: 4 }),
  ]);
  assert.deepEqual(
    table.schema.fields.map((f) => f.name),
    ['patient_id', 'center', 'timepoint', 'roi', 'image_sha256', 'mask_sha256', 'settings_sha256', 'extractor', 'a', 'b'],
  );
  assert.deepEqual(table.getChild('patient_id')!.toArray(), ['P9', 'P1', 'P2']);
  assert.deepEqual([...table.getChild('a')!], [2, null, 1]);
  assert.deepEqual([...table.getChild('b')!], [3, 4, null]);
  assert.equal(table.getChild('a')!.type.toString(), 'Float64');
});

test('Parquet holds the same table', () => {
  const table = rowsToTable([row('P1', 'C01', { a: 0.1 }), row('P2', 'C01', { a: -2.5e-300 })]);
  const back = parquetToTable(tableToParquet(table));
  assert.deepEqual(back.getChild('patient_id')!.toArray(), ['P1', 'P2']);
  assert.deepEqual([...back.getChild('a')!], [0.1, -2.5e-300]);
  assert.deepEqual(tableToArrowFile(table), tableToArrowFile(rowsToTable([row('P2', 'C01', { a: -2.5e-300 }), row('P1', 'C01', { a: 0.1 })])));
});
