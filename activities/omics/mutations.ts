/**
 * Somatic mutations from a MAF (Mutation Annotation Format) table → a patient × gene binary matrix
 * (1 = the patient carries at least one kept variant in the gene).
 *
 * Silent variants are excluded by default. The list is maftools' default: every Variant_Classification
 * outside its non-synonymous set (Frame_Shift_Del, Frame_Shift_Ins, Splice_Site, Translation_Start_Site,
 * Nonsense_Mutation, Nonstop_Mutation, In_Frame_Del, In_Frame_Ins, Missense_Mutation), i.e.
 *   Silent, Intron, 3'UTR, 5'UTR, 3'Flank, 5'Flank, IGR, RNA
 * (plus Splice_Region, which maftools also leaves out). `keepSilent: true` keeps every row.
 */
import { z } from 'zod';
import { parseOptions } from './numeric-matrix';
import { IDENTITY_RULE, SampleIdRule, sampleIdNormalizer } from './sample-ids';
import { readTable, requireColumns, tableError } from './table-text';

export const SILENT_VARIANT_CLASSIFICATIONS: readonly string[] = [
  'Silent',
  'Intron',
  "3'UTR",
  "5'UTR",
  "3'Flank",
  "5'Flank",
  'IGR',
  'RNA',
  'Splice_Region',
];

export const MAF_COLUMNS = ['Hugo_Symbol', 'Tumor_Sample_Barcode', 'Variant_Classification'] as const;

export const MutationOptions = z
  .object({
    sampleIdRule: SampleIdRule.default(IDENTITY_RULE),
    keepSilent: z.boolean().default(false),
    /** Patients to include even without any kept mutation (e.g. every sequenced patient): all-zero rows. */
    patients: z.array(z.string()).optional(),
  })
  .strict();
export type MutationOptions = z.input<typeof MutationOptions>;

export interface MutationMatrix {
  patients: string[];
  genes: string[];
  /** matrix[p * genes.length + g] = 1 when patient p has a kept variant in gene g. */
  matrix: Uint8Array;
  source: string;
  /** What was read and what was left out, for the run manifest. */
  report: {
    rowsRead: number;
    rowsKept: number;
    /** Rows left out, by Variant_Classification. */
    rowsExcludedByClassification: Record<string, number>;
    /** Patients whose every variant was excluded (present in the MAF, all-zero in the matrix). */
    patientsWithOnlyExcludedVariants: string[];
  };
}

/** Read a MAF (tab-separated; '#' comment lines such as "#version 2.4" skipped) into a binary matrix. */
export function readMutations(text: string, file: string, optionsInput: MutationOptions = {}): MutationMatrix {
  const options = parseOptions(MutationOptions, optionsInput, 'mutation');
  const table = readTable(text, file, '\t', '#');
  const [geneColumn, sampleColumn, classColumn] = requireColumns(table, file, MAF_COLUMNS);
  const normalize = sampleIdNormalizer(options.sampleIdRule);
  const silent = new Set(SILENT_VARIANT_CLASSIFICATIONS);
  const kept = new Map<string, Set<string>>(); // patient → genes
  const seenPatients = new Set<string>(options.patients ?? []);
  const excluded: Record<string, number> = {};
  let rowsKept = 0;
  for (const row of table.rows) {
    const gene = row.cells[geneColumn].trim();
    const barcode = row.cells[sampleColumn].trim();
    const classification = row.cells[classColumn].trim();
    if (gene === '') throw tableError(file, row.line, 'Hugo_Symbol', 'empty gene symbol');
    if (classification === '') throw tableError(file, row.line, 'Variant_Classification', 'empty variant classification');
    const patient = normalize(barcode);
    if (patient === undefined) {
      throw tableError(file, row.line, 'Tumor_Sample_Barcode', `"${barcode}" does not fit the ${options.sampleIdRule.kind} rule`);
    }
    seenPatients.add(patient);
    if (!options.keepSilent && silent.has(classification)) {
      excluded[classification] = (excluded[classification] ?? 0) + 1;
      continue;
    }
    rowsKept++;
    let genes = kept.get(patient);
    if (!genes) kept.set(patient, (genes = new Set()));
    genes.add(gene);
  }
  const patients = [...seenPatients].sort(compareText);
  const genes = [...new Set([...kept.values()].flatMap((g) => [...g]))].sort(compareText);
  const geneIndex = new Map(genes.map((g, i) => [g, i]));
  const matrix = new Uint8Array(patients.length * genes.length);
  patients.forEach((patient, p) => {
    for (const gene of kept.get(patient) ?? []) matrix[p * genes.length + geneIndex.get(gene)!] = 1;
  });
  const sequencedPatients = new Set(table.rows.map((r) => normalize(r.cells[sampleColumn].trim())!));
  return {
    patients,
    genes,
    matrix,
    source: file,
    report: {
      rowsRead: table.rows.length,
      rowsKept,
      rowsExcludedByClassification: excluded,
      patientsWithOnlyExcludedVariants: patients.filter((p) => sequencedPatients.has(p) && !kept.has(p)),
    },
  };
}

/** 0/1 mutation status of one gene across the matrix's patients. */
export function geneStatus(mutations: MutationMatrix, gene: string): Uint8Array {
  const g = mutations.genes.indexOf(gene);
  const out = new Uint8Array(mutations.patients.length);
  if (g < 0) return out;
  for (let p = 0; p < out.length; p++) out[p] = mutations.matrix[p * mutations.genes.length + g];
  return out;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
