/**
 * Gene sets from GMT files (Broad's Gene Matrix Transposed: one set per line,
 * name <TAB> description <TAB> gene <TAB> gene …). Each set records the file it came from, so reports
 * can name the gene-set source. Genes repeated within a set are kept once (first occurrence).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { readLines, tableError } from './table-text';

export interface GeneSet {
  name: string;
  /** GMT's second field: a description or URL. */
  description: string;
  genes: string[];
  /** The file (name or URI) the set was read from. */
  source: string;
}

/** Parse GMT text; a line with fewer than 3 fields, an empty name, no genes or a repeated set name is an InvalidTableError. */
export function readGmt(text: string, file: string): GeneSet[] {
  const sets: GeneSet[] = [];
  const seen = new Map<string, number>();
  for (const { line, cells } of readLines(text, '\t', '#')) {
    const fields = cells.map((c) => c.trim());
    if (fields.length < 3) throw tableError(file, line, undefined, `a GMT line needs a name, a description and genes (${fields.length} fields)`);
    const [name, description, ...rest] = fields;
    if (name === '') throw tableError(file, line, 'name', 'empty gene-set name');
    const earlier = seen.get(name);
    if (earlier !== undefined) throw tableError(file, line, 'name', `gene set ${name} repeats line ${earlier}`);
    seen.set(name, line);
    const genes = [...new Set(rest.filter((g) => g !== ''))];
    if (genes.length === 0) throw tableError(file, line, 'genes', `gene set ${name} has no genes`);
    sets.push({ name, description, genes, source: file });
  }
  return sets;
}

/** Write sets back as GMT text. */
export function writeGmt(sets: readonly GeneSet[]): string {
  return sets.map((s) => [s.name, s.description, ...s.genes].join('\t')).join('\n') + '\n';
}

export const DEMO_GENE_SETS_FILE = path.join(__dirname, 'demo-gene-sets.gmt');

/** The demo sets shipped for the synthetic consortium (default seed 1, 300 genes, module of 30). */
export function demoGeneSets(): GeneSet[] {
  return readGmt(readFileSync(DEMO_GENE_SETS_FILE, 'utf8'), 'demo-gene-sets.gmt');
}

/** Restrict each set to the genes present in `universe`, dropping sets left with fewer than minSize genes. */
export function restrictToGenes(sets: readonly GeneSet[], universe: readonly string[], minSize = 1): GeneSet[] {
  const present = new Set(universe);
  return sets.map((s) => ({ ...s, genes: s.genes.filter((g) => present.has(g)) })).filter((s) => s.genes.length >= minSize);
}
