/**
 * Clinical table with outcomes: one row per patient with patient id, center, survival time, event
 * (1 = event, 0 = censored) and covariates. Column names are configurable (the synthetic consortium
 * writes patient_id, center, age, stage, time_days, event).
 */
import { z } from 'zod';
import { parseOptions } from './numeric-matrix';
import { IDENTITY_RULE, SampleIdRule, sampleIdNormalizer } from './sample-ids';
import { MISSING_TOKENS, parseNumberCell, readTable, rejectDuplicateHeader, requireColumns, tableError } from './table-text';

export const ClinicalOptions = z
  .object({
    delimiter: z.string().length(1).default('\t'),
    sampleIdRule: SampleIdRule.default(IDENTITY_RULE),
    patientColumn: z.string().default('patient_id'),
    timeColumn: z.string().default('time_days'),
    eventColumn: z.string().default('event'),
    /** Center (site, scanner) column; null when the table has none. */
    centerColumn: z.string().nullable().default('center'),
    /** Covariates that must be numbers (NA allowed → NaN). */
    numericCovariates: z.array(z.string()).default([]),
    /** Covariates kept as text. */
    categoricalCovariates: z.array(z.string()).default([]),
  })
  .strict();
export type ClinicalOptions = z.input<typeof ClinicalOptions>;

export interface ClinicalRecord {
  patientId: string;
  center: string | undefined;
  /** Follow-up time, ≥ 0. */
  time: number;
  /** 1 = event observed, 0 = censored. */
  event: 0 | 1;
  numeric: Record<string, number>;
  categorical: Record<string, string>;
  /** Line in the file. */
  line: number;
}

export interface ClinicalTable {
  records: ClinicalRecord[];
  source: string;
}

/**
 * Read and validate: required columns present, unique patient ids, time a finite number ≥ 0, event 0 or 1,
 * numeric covariates numbers (or NA). Each failure is an InvalidTableError naming file, line and column.
 */
export function readClinical(text: string, file: string, optionsInput: ClinicalOptions = {}): ClinicalTable {
  const options = parseOptions(ClinicalOptions, optionsInput, 'clinical');
  const table = readTable(text, file, options.delimiter);
  rejectDuplicateHeader(table, file);
  const required = [options.patientColumn, options.timeColumn, options.eventColumn];
  if (options.centerColumn !== null) required.push(options.centerColumn);
  const [patientIndex, timeIndex, eventIndex, centerIndex] = requireColumns(table, file, required);
  const numericIndex = requireColumns(table, file, options.numericCovariates);
  const categoricalIndex = requireColumns(table, file, options.categoricalCovariates);
  const normalize = sampleIdNormalizer(options.sampleIdRule);
  const firstLine = new Map<string, number>();
  const records = table.rows.map((row): ClinicalRecord => {
    const cell = (index: number) => row.cells[index].trim();
    const raw = cell(patientIndex);
    const patientId = normalize(raw);
    if (patientId === undefined) throw tableError(file, row.line, options.patientColumn, `"${raw}" is not a valid patient id`);
    const earlier = firstLine.get(patientId);
    if (earlier !== undefined) throw tableError(file, row.line, options.patientColumn, `duplicate patient id ${patientId} (also line ${earlier})`);
    firstLine.set(patientId, row.line);
    const timeText = cell(timeIndex);
    const time = Number(timeText);
    if (timeText === '' || !Number.isFinite(time)) throw tableError(file, row.line, options.timeColumn, `survival time "${timeText}" is not a number`);
    if (time < 0) throw tableError(file, row.line, options.timeColumn, `negative survival time ${time}`);
    const eventText = cell(eventIndex);
    if (eventText !== '0' && eventText !== '1') throw tableError(file, row.line, options.eventColumn, `event "${eventText}" is not 0 or 1`);
    const numeric: Record<string, number> = {};
    options.numericCovariates.forEach((name, k) => {
      numeric[name] = parseNumberCell(row.cells[numericIndex[k]], file, row.line, name, true);
    });
    const categorical: Record<string, string> = {};
    options.categoricalCovariates.forEach((name, k) => {
      const value = cell(categoricalIndex[k]);
      categorical[name] = MISSING_TOKENS.has(value) ? '' : value;
    });
    const center = centerIndex === undefined ? undefined : cell(centerIndex);
    if (center === '') throw tableError(file, row.line, options.centerColumn ?? undefined, 'empty center');
    return { patientId, center, time, event: eventText === '1' ? 1 : 0, numeric, categorical, line: row.line };
  });
  return { records, source: file };
}
