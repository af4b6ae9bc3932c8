import assert from 'node:assert/strict';
import { test } from 'node:test';
import { kindOfQueue, queueFor, WORKFLOW_QUEUE } from '../../temporal/queues';
import { boxPlot, renderCohortReport } from '../../activities/report/cohort-report';
import { rowsToTable } from '../../activities/tables/feature-table';
import { formatProgress, newRunId } from '../../temporal/cohort-run';

test('queueFor routes by work kind, and by center when centers keep their data', () => {
  assert.equal(queueFor('cpu', 'C01', false), 'cpu');
  assert.equal(queueFor('io', 'C01', true), 'C01.io');
  assert.equal(kindOfQueue('C01.gpu'), 'gpu');
  assert.equal(kindOfQueue('io'), 'io');
  assert.equal(kindOfQueue(WORKFLOW_QUEUE), undefined);
});

test('the report lists centers, failures with reasons, and a box plot per headline feature', () => {
  const table = rowsToTable(
    [1, 2, 3].map((i) => ({
      keys: { patient_id: `P${i}`, center: i < 3 ? 'C01' : 'C02', timepoint: 'baseline', roi: 'tumor' },
      provenance: { image_sha256: '', mask_sha256: '', settings_sha256: '', extractor: '' },
      features: { original_firstorder_Mean: i * 10, original_shape_VoxelVolume: 100 + i },
    })),
  );
  const html = renderCohortReport({
    runId: 'r1',
    table,
    patients: [
      { patientId: 'P1', center: 'C01', timepoint: 'baseline', roi: 'tumor', status: 'done' },
      { patientId: 'P2', center: 'C01', timepoint: 'baseline', roi: 'tumor', status: 'done' },
      { patientId: 'P3', center: 'C02', timepoint: 'baseline', roi: 'tumor', status: 'done' },
      {
        patientId: 'P<4>',
        center: 'C02',
        timepoint: 'baseline',
        roi: 'tumor',
        status: 'failed',
        error: { type: 'CorruptImageError', message: 'p4.nrrd: bad magic' },
      },
    ],
  });
  assert.match(html, /<b>3 done<\/b>, <b>1 failed<\/b>/);
  assert.match(html, /P&#60;4&#62;/, 'patient ids are escaped');
  assert.match(html, /CorruptImageError/);
  assert.equal((html.match(/<svg/g) ?? []).length, 2, 'one plot per headline feature present');
  assert.match(html, /C01 \(n=2\)/);
});

test('box plot of empty groups says so instead of drawing nonsense', () => {
  assert.match(boxPlot([{ label: 'C01', values: [] }]), /no values/);
});

test('run ids sort by time and progress reads as a sentence', () => {
  assert.match(newRunId(new Date('2026-11-28T10:15:00Z')), /^run-20261128T101500-[0-9a-f]{6}$/);
  assert.equal(formatProgress({ total: 60, done: 12, failed: 1, running: 4 }), '12/60 done · 1 failed · 4 running');
});
