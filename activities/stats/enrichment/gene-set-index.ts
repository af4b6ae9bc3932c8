/**
 * Gene sets mapped onto the rows of an expression matrix, as GSVA maps them: genes absent from
 * the matrix are dropped, and a set left with no genes is dropped (reported, not silent).
 */
import { InvalidTableError } from '../../errors';

export interface IndexedGeneSets {
  names: string[];
  /** Row indices of each kept set's genes (distinct, in the set's order). */
  members: Uint32Array[];
  /** Sets with no gene in the matrix. */
  dropped: string[];
}

/** Map gene-set members to row indices; duplicate gene ids in the matrix are an InvalidTableError. */
export function indexGeneSets(genes: readonly string[], geneSets: Record<string, readonly string[]>, source = 'expression matrix'): IndexedGeneSets {
  const rowOf = new Map<string, number>();
  genes.forEach((gene, row) => {
    if (rowOf.has(gene)) throw new InvalidTableError(`${source}: gene "${gene}" appears in rows ${rowOf.get(gene)} and ${row}`);
    rowOf.set(gene, row);
  });
  const names: string[] = [];
  const members: Uint32Array[] = [];
  const dropped: string[] = [];
  for (const [name, setGenes] of Object.entries(geneSets)) {
    const rows = [...new Set(setGenes.flatMap((gene) => (rowOf.has(gene) ? [rowOf.get(gene)!] : [])))];
    if (rows.length === 0) dropped.push(name);
    else {
      names.push(name);
      members.push(Uint32Array.from(rows));
    }
  }
  return { names, members, dropped };
}
