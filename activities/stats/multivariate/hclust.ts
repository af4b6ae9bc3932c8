/**
 * Agglomerative hierarchical clustering exactly as R's hclust (Murtagh's nearest-neighbour-list
 * Fortran, hclust.f + hcass2): merge matrix, heights, leaf order, and cutree.
 * Lance–Williams updates of d(k, i∪j):
 *   single   min(d_ki, d_kj)              complete  max(d_ki, d_kj)
 *   average  (n_i d_ki + n_j d_kj)/(n_i + n_j)
 *   ward.D2  on squared distances: ((n_i+n_k) d²_ki + (n_j+n_k) d²_kj − n_k d²_ij)/(n_i+n_j+n_k); height = sqrt
 * At each step the pair with the least dissimilarity merges (first found on ties, as R); the
 * merged cluster keeps the smaller index. Merge rows: −i for observation i, +s for the cluster
 * formed at step s (1-based); singletons first, then the smaller cluster number — as R.
 */
import { z } from 'zod';
import { InvalidSettingsError, InvalidTableError } from '../../errors';
import { validateMatrix } from './matrix-input';

export const Linkage = z.enum(['complete', 'average', 'single', 'ward.D2']);
export type Linkage = z.infer<typeof Linkage>;

export interface Hclust {
  /** (n − 1) × 2, R's convention. */
  merge: [number, number][];
  height: number[];
  /** Leaf order for a dendrogram, 1-based observation numbers. */
  order: number[];
  method: Linkage;
}

/** Euclidean distances between rows (as R's dist). */
export function euclideanDistances(data: readonly (readonly number[])[]): number[][] {
  const rows = validateMatrix(data, 'distance data');
  return rows.map((a) => rows.map((b) => Math.sqrt(a.reduce((s, v, j) => s + (v - b[j]) ** 2, 0))));
}

/** hclust(as.dist(distances), method): distances is a full symmetric n × n matrix. */
export function hclust(distances: readonly (readonly number[])[], method: Linkage = 'complete'): Hclust {
  const parsedMethod = Linkage.safeParse(method);
  if (!parsedMethod.success) throw new InvalidSettingsError(`hclust: unknown method "${String(method)}"`);
  const d = validateMatrix(distances, 'hclust distances', 2);
  const n = d.length;
  if (d[0].length !== n) throw new InvalidTableError(`hclust distances: ${n} rows but ${d[0].length} columns (need a square matrix)`);
  const ward = method === 'ward.D2';
  const diss = d.map((row) => row.map((v) => (ward ? v * v : v)));
  const active = new Array<boolean>(n).fill(true);
  const members = new Array<number>(n).fill(1);
  const nn = new Int32Array(n);
  const nnDist = new Float64Array(n).fill(Infinity);
  const nearestAbove = (i: number) => {
    let best = Infinity;
    let at = -1;
    for (let j = i + 1; j < n; j++) if (active[j] && diss[i][j] < best) ((best = diss[i][j]), (at = j));
    nn[i] = at;
    nnDist[i] = best;
  };
  for (let i = 0; i < n - 1; i++) nearestAbove(i);

  const ia: number[] = [];
  const ib: number[] = [];
  const height: number[] = [];
  for (let step = 0; step < n - 1; step++) {
    let best = Infinity;
    let im = -1;
    for (let i = 0; i < n - 1; i++) if (active[i] && nnDist[i] < best) ((best = nnDist[i]), (im = i));
    const i2 = Math.min(im, nn[im]);
    const j2 = Math.max(im, nn[im]);
    ia.push(i2);
    ib.push(j2);
    height.push(ward ? Math.sqrt(best) : best);
    active[j2] = false;
    const dij = diss[i2][j2];
    let rowBest = Infinity;
    let rowAt = -1;
    for (let k = 0; k < n; k++) {
      if (!active[k] || k === i2) continue;
      const dik = diss[i2][k];
      const djk = diss[j2][k];
      let updated: number;
      if (method === 'single') updated = Math.min(dik, djk);
      else if (method === 'complete') updated = Math.max(dik, djk);
      else if (method === 'average') updated = (members[i2] * dik + members[j2] * djk) / (members[i2] + members[j2]);
      else updated = ((members[i2] + members[k]) * dik + (members[j2] + members[k]) * djk - members[k] * dij) / (members[i2] + members[j2] + members[k]);
      diss[i2][k] = diss[k][i2] = updated;
      if (i2 < k) {
        if (updated < rowBest) ((rowBest = updated), (rowAt = k));
      } else if (updated < nnDist[k]) {
        nnDist[k] = updated;
        nn[k] = i2;
      }
    }
    members[i2] += members[j2];
    nnDist[i2] = rowBest;
    nn[i2] = rowAt;
    for (let i = 0; i < n - 1; i++) if (active[i] && (nn[i] === i2 || nn[i] === j2)) nearestAbove(i);
  }
  const merge = toMergeMatrix(ia, ib);
  return { merge, height, order: leafOrder(merge), method };
}

/** hcass2: cluster labels (smallest member) → R's merge rows. */
function toMergeMatrix(ia: number[], ib: number[]): [number, number][] {
  const label = new Map<number, number>(); // representative index → latest step (1-based) that formed it
  return ia.map((a, s) => {
    const left = label.has(a) ? label.get(a)! : -(a + 1);
    const right = label.has(ib[s]) ? label.get(ib[s])! : -(ib[s] + 1);
    label.set(a, s + 1);
    label.delete(ib[s]);
    let row: [number, number] = [left, right];
    if (row[0] > 0 && row[1] < 0) row = [row[1], row[0]];
    else if (row[0] > 0 && row[1] > 0 && row[0] > row[1]) row = [row[1], row[0]];
    return row;
  });
}

/** Leaves left to right, expanding the last merge recursively (hcass2's order). */
function leafOrder(merge: [number, number][]): number[] {
  const order: number[] = [];
  const visit = (node: number) => {
    if (node < 0) order.push(-node);
    else merge[node - 1].forEach(visit);
  };
  visit(merge.length);
  return order;
}

/** cutree(tree, k): group of each observation (1-based), numbered by first appearance as R does. */
export function cutree(tree: Hclust, k: number): number[] {
  const n = tree.merge.length + 1;
  if (!Number.isInteger(k) || k < 1 || k > n) throw new InvalidSettingsError(`cutree: k must be an integer in 1..${n}, got ${k}`);
  const groupOf = Array.from({ length: n }, (_, i) => i); // union-find over the first n − k merges
  const find = (i: number): number => (groupOf[i] === i ? i : (groupOf[i] = find(groupOf[i])));
  const clusterMember: number[] = [];
  tree.merge.slice(0, n - k).forEach(([a, b], s) => {
    const ra = find(a < 0 ? -a - 1 : clusterMember[a - 1]);
    const rb = find(b < 0 ? -b - 1 : clusterMember[b - 1]);
    groupOf[rb] = ra;
    clusterMember[s] = ra;
  });
  const number = new Map<number, number>();
  return Array.from({ length: n }, (_, i) => {
    const root = find(i);
    if (!number.has(root)) number.set(root, number.size + 1);
    return number.get(root)!;
  });
}
