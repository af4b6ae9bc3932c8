/**
 * All-pairs Spearman / Pearson correlation between two sets of variables measured on the same samples
 * (e.g. 1,000 radiomic features × 20,000 genes over 500 patients), and their p-values.
 *
 * Each variable (row) is prepared once: Spearman rows become their doubled, centered average ranks
 * 2·rank − (n + 1) (integers, ties included), Pearson rows x − x̄; with ‖·‖ the Euclidean norm of the
 * prepared row, r(a, b) = ⟨a, b⟩ / (‖a‖ ‖b‖), clamped to [−1, 1] as R's cor does. For Spearman every
 * product and partial sum is an integer below 2⁵³, so the dot products are exact whatever the order of
 * summation, and r is within a few ulp of the true value.
 *
 * Spearman on up to 1,800 samples: the prepared rows are int16 and the dot products int32 sums, exact,
 * computed with WebAssembly SIMD (correlation-simd.ts: 8 multiply-adds per instruction). Otherwise (or
 * without WebAssembly SIMD) the prepared rows are stored as doubles in panels of 4 rows interleaved by
 * sample ([panel][sample][4]), so the 4 × 4 register kernel reads two contiguous streams. The work is split in tasks (blocks of rows for
 * the preparation, blocks of 4-row panels of `b` for the product, chunks of r for the p-values) that
 * the calling thread and, for large inputs, worker threads (correlation-worker.ts, sharing memory
 * through SharedArrayBuffer) take from a shared counter. Every task writes its own part of the result
 * with the same code, so the threaded results are bit-identical to the single-threaded ones.
 *
 * p-values: t = r √((n − 2)/(1 − r²)), two-sided on n − 2 df (R's cor.test with exact = FALSE), computed
 * as I_{1−r²}((n − 2)/2, ½) with the constants for n hoisted.
 */
import { availableParallelism } from 'node:os';
import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { SIMD_MAX_SAMPLES, simdDots, type SimdDots } from './correlation-simd';
import { correlationTwoSidedPValue } from './distributions';

/** Rows of a variables × samples matrix, row-major. */
export interface RowMatrix {
  rows: number;
  columns: number;
  values: Float64Array;
}

/** Options of the threaded functions. */
export interface ParallelOptions {
  /** Threads in all, the calling one included (default: the machine's available parallelism, at most 8). */
  threads?: number;
  /** Below this many multiply-adds (p-values: values) the work stays on the calling thread (default 2·10⁸; p-values 10⁶). */
  minWork?: number;
}

// ---------------------------------------------------------------- single-threaded API

/** Center each row and scale it to unit Euclidean norm: z = (x − x̄) / ‖x − x̄‖ (rows of constant value become NaN). */
export function standardizeRows(matrix: RowMatrix): RowMatrix {
  const { rows, columns } = matrix;
  const out = new Float64Array(matrix.values);
  for (let r = 0; r < rows; r++) {
    const row = out.subarray(r * columns, (r + 1) * columns);
    let mean = 0;
    for (let c = 0; c < columns; c++) mean += row[c];
    mean /= columns;
    let ss = 0;
    for (let c = 0; c < columns; c++) {
      row[c] -= mean;
      ss += row[c] * row[c];
    }
    const scale = 1 / Math.sqrt(ss);
    for (let c = 0; c < columns; c++) row[c] *= scale;
  }
  return { rows, columns, values: out };
}

/** Replace each row by its average ranks (ties averaged, as R's rank; a row with a NaN becomes all NaN). */
export function rankRows(matrix: RowMatrix): RowMatrix {
  const { rows, columns } = matrix;
  const out = new Float64Array(rows * columns);
  const sorted = new Float64Array(columns);
  const order = new Int32Array(columns);
  for (let r = 0; r < rows; r++) {
    const row = out.subarray(r * columns, (r + 1) * columns);
    doubledCenteredRanks(matrix.values, r * columns, columns, sorted, row, order);
    for (let c = 0; c < columns; c++) row[c] = (row[c] + columns + 1) / 2;
  }
  return { rows, columns, values: out };
}

/** C = A Bᵀ for row-major A (m × k) and B (n × k): C[i][j] = Σ_k A[i][k] B[j][k] (4 × 4 register blocks over packed panels). */
export function multiplyTransposed(a: RowMatrix, b: RowMatrix, out = new Float64Array(a.rows * b.rows)): Float64Array {
  if (a.columns !== b.columns) throw new RangeError(`inner dimensions differ (${a.columns} vs ${b.columns})`);
  const job = createJob(a, b, 'none', out);
  runAll(job, 'prepare');
  runAll(job, 'product');
  return out;
}

/** Spearman correlation of every row of `a` with every row of `b` (rows = variables, columns = samples): a.rows × b.rows, row-major. */
export function spearmanMatrix(a: RowMatrix, b: RowMatrix): Float64Array {
  return correlationSync(a, b, 'spearman');
}

/** Pearson correlation of every row of `a` with every row of `b`. */
export function pearsonMatrix(a: RowMatrix, b: RowMatrix): Float64Array {
  return correlationSync(a, b, 'pearson');
}

/** Two-sided p-values of correlations on n samples: t = r √((n−2)/(1−r²)), p = 2 P(T_{n−2} > |t|) (`out` may be `r`). */
export function correlationPValues(r: Float64Array, n: number, out: Float64Array = new Float64Array(r.length)): Float64Array {
  const pValue = correlationTwoSidedPValue(n);
  for (let i = 0; i < r.length; i++) out[i] = pValue(r[i]);
  return out;
}

// ---------------------------------------------------------------- threaded API

/** As spearmanMatrix, on worker threads for large inputs; the result lives in a SharedArrayBuffer. */
export function spearmanMatrixParallel(a: RowMatrix, b: RowMatrix, options: ParallelOptions = {}): Promise<Float64Array> {
  return correlationParallel(a, b, 'spearman', options);
}

/** As pearsonMatrix, on worker threads for large inputs; the result lives in a SharedArrayBuffer. */
export function pearsonMatrixParallel(a: RowMatrix, b: RowMatrix, options: ParallelOptions = {}): Promise<Float64Array> {
  return correlationParallel(a, b, 'pearson', options);
}

/**
 * As correlationPValues, on worker threads for large inputs (r and `out` in SharedArrayBuffers, else on
 * this thread). `out` must not share memory with r; without it the result lives in a SharedArrayBuffer.
 */
export async function correlationPValuesParallel(
  r: Float64Array,
  n: number,
  options: ParallelOptions & { out?: Float64Array } = {},
): Promise<Float64Array> {
  const threads = threadCount(options, r.length, 1e6);
  const out = options.out ?? new Float64Array(new SharedArrayBuffer(r.length * 8));
  if (out.length !== r.length) throw new RangeError(`out has ${out.length} values, r has ${r.length}`);
  if (out.buffer === r.buffer) throw new RangeError('correlationPValuesParallel: out must not share memory with r');
  if (threads === 1 || !isShared(r) || !isShared(out)) return correlationPValues(r, n, out);
  const job: PValueJob = { kind: 'pvalues', r, out, n, chunk: P_CHUNK, tasks: Math.ceil(r.length / P_CHUNK), counter: newCounter() };
  await runShared(job, threads);
  return out;
}

/** Terminates the idle worker threads (they do not keep the process alive; this only frees them early). */
export async function closeCorrelationWorkers(): Promise<void> {
  const workers = pool.splice(0);
  await Promise.all(workers.map((w) => w.terminate()));
}

// ---------------------------------------------------------------- jobs

type Method = 'spearman' | 'pearson' | 'none';

/** Everything a thread needs for the preparation and product phases; all arrays may live in SharedArrayBuffers. */
export interface ProductJob {
  kind: 'product';
  phase: 'prepare' | 'product';
  method: Method;
  m: number; // rows of a
  n: number; // rows of b
  k: number; // samples
  rawA: Float64Array;
  rawB: Float64Array;
  packedA: Float64Array; // ⌈m/4⌉ panels of 4k values (double path)
  packedB: Float64Array;
  simd: boolean; // int16 rows and WebAssembly SIMD dot products
  stride: number; // samples padded to a multiple of 8 (SIMD path)
  rowsA: Int16Array; // m × stride (SIMD path)
  rowsB: Int16Array; // n × stride
  normA: Float64Array;
  normB: Float64Array;
  out: Float64Array; // m × n
  blockPanels: number; // panels of b per product task
  tasks: number;
  counter: Int32Array; // [next task]
}

export interface PValueJob {
  kind: 'pvalues';
  r: Float64Array;
  out: Float64Array;
  n: number;
  chunk: number;
  tasks: number;
  counter: Int32Array;
}

export type CorrelationJob = ProductJob | PValueJob;

const PREPARE_ROWS = 64; // rows per preparation task
const P_CHUNK = 1 << 16; // p-values per task

function createJob(a: RowMatrix, b: RowMatrix, method: Method, out: Float64Array, shared = false): ProductJob {
  if (a.columns !== b.columns) throw new RangeError(`a and b differ in samples (${a.columns} vs ${b.columns})`);
  const k = a.columns;
  const alloc = (length: number) => (shared ? new Float64Array(new SharedArrayBuffer(length * 8)) : new Float64Array(length));
  const share = (values: Float64Array) => {
    if (!shared || isShared(values)) return values;
    const copy = alloc(values.length);
    copy.set(values);
    return copy;
  };
  const simd = method === 'spearman' && k <= SIMD_MAX_SAMPLES && simdAvailable();
  const panelsA = simd ? 0 : Math.ceil(a.rows / 4);
  const panelsB = simd ? 0 : Math.ceil(b.rows / 4);
  const stride = Math.ceil(k / 8) * 8;
  const alloc16 = (length: number) => (shared ? new Int16Array(new SharedArrayBuffer(length * 2)) : new Int16Array(length));
  return {
    kind: 'product',
    phase: 'prepare',
    method,
    m: a.rows,
    n: b.rows,
    k,
    rawA: share(a.values.subarray(0, a.rows * k)),
    rawB: share(b.values.subarray(0, b.rows * k)),
    packedA: alloc(panelsA * 4 * k),
    packedB: alloc(panelsB * 4 * k),
    simd,
    stride,
    rowsA: alloc16(simd ? a.rows * stride : 0),
    rowsB: alloc16(simd ? b.rows * stride : 0),
    normA: alloc(a.rows),
    normB: alloc(b.rows),
    out,
    // a block of b (panels × 4 rows × k samples) of about 256 KiB stays in the L2 cache while every panel of a passes
    blockPanels: Math.max(1, Math.min(64, Math.floor(262144 / (32 * Math.max(1, k))))),
    tasks: 0,
    counter: shared ? newCounter() : new Int32Array(1),
  };
}

function setPhase(job: ProductJob, phase: ProductJob['phase']): void {
  job.phase = phase;
  job.tasks =
    phase === 'prepare'
      ? Math.ceil(job.m / PREPARE_ROWS) + Math.ceil(job.n / PREPARE_ROWS)
      : job.simd
        ? Math.ceil(job.n / SIMD_BLOCK)
        : Math.ceil(Math.ceil(job.n / 4) / job.blockPanels);
  job.counter[0] = 0;
}

function runAll(job: ProductJob, phase: ProductJob['phase']): void {
  setPhase(job, phase);
  runCorrelationJob(job);
}

function correlationSync(a: RowMatrix, b: RowMatrix, method: 'spearman' | 'pearson'): Float64Array {
  const job = createJob(a, b, method, new Float64Array(a.rows * b.rows));
  runAll(job, 'prepare');
  runAll(job, 'product');
  return job.out;
}

async function correlationParallel(a: RowMatrix, b: RowMatrix, method: 'spearman' | 'pearson', options: ParallelOptions): Promise<Float64Array> {
  const threads = threadCount(options, a.rows * b.rows * a.columns, 2e8);
  if (threads === 1) return correlationSync(a, b, method);
  const job = createJob(a, b, method, new Float64Array(new SharedArrayBuffer(a.rows * b.rows * 8)), true);
  setPhase(job, 'prepare');
  await runShared(job, threads);
  // the raw copies are no longer needed: let them go before the product
  job.rawA = job.rawB = new Float64Array(0);
  setPhase(job, 'product');
  await runShared(job, threads);
  return job.out;
}

/** Runs tasks of `job` until the shared counter runs out (called by every thread, the main one included). */
export function runCorrelationJob(job: CorrelationJob): void {
  let simd: SimdState | undefined;
  for (;;) {
    const task = Atomics.add(job.counter, 0, 1);
    if (task >= job.tasks) return;
    if (job.kind === 'pvalues') pValueTask(job, task);
    else if (job.phase === 'prepare') prepareTask(job, task);
    else if (job.simd) simdProductTask(job, task, (simd ??= simdState(job)));
    else productTask(job, task);
  }
}

const SIMD_BLOCK = 128; // rows of b per SIMD product task

/** This thread's WebAssembly instance for one job: all of a (rows padded to 4) copied in once, then room for a block of b and its dots. */
interface SimdState {
  kernel: SimdDots;
  aGroups: number;
  bPtr: number;
  outPtr: number;
}

function simdState(job: ProductJob): SimdState {
  const kernel = simdDots();
  if (!kernel) throw new Error('WebAssembly SIMD is not available in this thread');
  const rowBytes = job.stride * 2;
  const aGroups = Math.ceil(job.m / 4);
  const bPtr = aGroups * 4 * rowBytes;
  const outPtr = bPtr + SIMD_BLOCK * rowBytes;
  const bytes = outPtr + aGroups * 4 * SIMD_BLOCK * 4;
  const have = kernel.memory.buffer.byteLength;
  if (bytes > have) kernel.memory.grow(Math.ceil((bytes - have) / 65536));
  new Int16Array(kernel.memory.buffer, 0, job.m * job.stride).set(job.rowsA); // padding rows stay zero
  return { kernel, aGroups, bPtr, outPtr };
}

/** r for one block of SIMD_BLOCK rows of b against every row of a: exact int32 dot products in WebAssembly. */
function simdProductTask(job: ProductJob, task: number, state: SimdState): void {
  const { m, n, stride, normA, normB, out } = job;
  const j0 = task * SIMD_BLOCK;
  const rows = Math.min(SIMD_BLOCK, n - j0);
  const bGroups = Math.ceil(rows / 2);
  const memory = state.kernel.memory.buffer;
  const block = new Int16Array(memory, state.bPtr, bGroups * 2 * stride);
  block.set(job.rowsB.subarray(j0 * stride, (j0 + rows) * stride));
  if (rows < bGroups * 2) block.fill(0, rows * stride);
  state.kernel.dots(0, state.aGroups, state.bPtr, bGroups, stride * 2, state.outPtr);
  const dots = new Int32Array(memory, state.outPtr, state.aGroups * 4 * bGroups * 2);
  const width = bGroups * 2;
  for (let i = 0; i < m; i++) {
    const na = normA[i];
    const o = i * n + j0;
    const d = i * width;
    for (let j = 0; j < rows; j++) out[o + j] = finish(dots[d + j], na * normB[j0 + j]);
  }
}

function pValueTask(job: PValueJob, task: number): void {
  const pValue = correlationTwoSidedPValue(job.n);
  const { r, out } = job;
  const end = Math.min(r.length, (task + 1) * job.chunk);
  for (let i = task * job.chunk; i < end; i++) out[i] = pValue(r[i]);
}

/** Prepares PREPARE_ROWS rows of a (first tasks) or b: ranks / centers them, stores their norms and writes them into the panels. */
function prepareTask(job: ProductJob, task: number): void {
  const tasksA = Math.ceil(job.m / PREPARE_ROWS);
  const onA = task < tasksA;
  const raw = onA ? job.rawA : job.rawB;
  const packed = onA ? job.packedA : job.packedB;
  const norms = onA ? job.normA : job.normB;
  const rows = onA ? job.m : job.n;
  const r0 = (onA ? task : task - tasksA) * PREPARE_ROWS;
  const r1 = Math.min(rows, r0 + PREPARE_ROWS);
  const k = job.k;
  const row = new Float64Array(k);
  const sorted = new Float64Array(k);
  const order = new Int32Array(k);
  for (let r = r0; r < r1; r++) {
    const offset = r * k;
    if (job.method === 'spearman') {
      doubledCenteredRanks(raw, offset, k, sorted, row, order);
    } else if (job.method === 'pearson') {
      let mean = 0;
      for (let c = 0; c < k; c++) mean += raw[offset + c];
      mean /= k;
      for (let c = 0; c < k; c++) row[c] = raw[offset + c] - mean;
    } else {
      for (let c = 0; c < k; c++) row[c] = raw[offset + c];
    }
    let ss = 0;
    for (let c = 0; c < k; c++) ss += row[c] * row[c];
    norms[r] = Math.sqrt(ss);
    if (job.simd) {
      (onA ? job.rowsA : job.rowsB).set(row, r * job.stride); // integers, |v| < k
    } else {
      const base = (r >> 2) * 4 * k + (r & 3);
      for (let c = 0; c < k; c++) packed[base + 4 * c] = row[c];
    }
  }
}

/**
 * 2·rank − (n + 1) of values[offset … offset + n) into `out`, ranks averaged over ties (as R's rank):
 * the values are sorted with their positions, and a tie group spanning sorted positions [lo, hi) has the
 * average rank (lo + 1 + hi)/2. A row with a NaN becomes all NaN (R's cor gives NA).
 */
function doubledCenteredRanks(values: Float64Array, offset: number, n: number, sorted: Float64Array, out: Float64Array, order: Int32Array = new Int32Array(n)): void {
  for (let c = 0; c < n; c++) {
    const v = values[offset + c];
    if (v !== v) {
      out.fill(NaN, 0, n);
      return;
    }
    sorted[c] = v;
    order[c] = c;
  }
  sortWithOrder(sorted, order, 0, n);
  for (let lo = 0; lo < n; ) {
    const v = sorted[lo];
    let hi = lo + 1;
    while (hi < n && sorted[hi] === v) hi++; // −0 === +0: one tie group
    const doubled = lo + hi - n;
    for (let t = lo; t < hi; t++) out[order[t]] = doubled;
    lo = hi;
  }
}

/** Sorts keys[lo … hi) ascending (no NaN), moving order[] along: quicksort, median of three, insertion sort below 16. */
function sortWithOrder(keys: Float64Array, order: Int32Array, lo: number, hi: number): void {
  while (hi - lo > 16) {
    const x = keys[lo];
    const y = keys[(lo + hi) >>> 1];
    const z = keys[hi - 1];
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let i = lo;
    let j = hi - 1;
    while (i <= j) {
      while (keys[i] < pivot) i++;
      while (keys[j] > pivot) j--;
      if (i <= j) {
        const tk = keys[i];
        keys[i] = keys[j];
        keys[j] = tk;
        const to = order[i];
        order[i] = order[j];
        order[j] = to;
        i++;
        j--;
      }
    }
    // recurse into the smaller part, loop on the larger
    if (j + 1 - lo < hi - i) {
      sortWithOrder(keys, order, lo, j + 1);
      lo = i;
    } else {
      sortWithOrder(keys, order, i, hi);
      hi = j + 1;
    }
  }
  for (let i = lo + 1; i < hi; i++) {
    const v = keys[i];
    const o = order[i];
    let j = i - 1;
    while (j >= lo && keys[j] > v) {
      keys[j + 1] = keys[j];
      order[j + 1] = order[j];
      j--;
    }
    keys[j + 1] = v;
    order[j + 1] = o;
  }
}

/** r for one block of panels of b against every panel of a: 4 × 4 dot products per kernel call. */
function productTask(job: ProductJob, task: number): void {
  const { m, n, k, packedA: A, packedB: B, normA, normB, out } = job;
  const panelsA = Math.ceil(m / 4);
  const panelsB = Math.ceil(n / 4);
  const jp0 = task * job.blockPanels;
  const jp1 = Math.min(panelsB, jp0 + job.blockPanels);
  const k4 = 4 * k;
  const raw = job.method === 'none';
  for (let ip = 0; ip < panelsA; ip++) {
    const ao = ip * k4;
    const i0 = 4 * ip;
    const rowsHere = Math.min(4, m - i0);
    for (let jp = jp0; jp < jp1; jp++) {
      const bo = jp * k4;
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      for (let p = 0; p < k4; p += 4) {
        const x0 = A[ao + p], x1 = A[ao + p + 1], x2 = A[ao + p + 2], x3 = A[ao + p + 3];
        const y0 = B[bo + p], y1 = B[bo + p + 1], y2 = B[bo + p + 2], y3 = B[bo + p + 3];
        c00 += x0 * y0; c01 += x0 * y1; c02 += x0 * y2; c03 += x0 * y3;
        c10 += x1 * y0; c11 += x1 * y1; c12 += x1 * y2; c13 += x1 * y3;
        c20 += x2 * y0; c21 += x2 * y1; c22 += x2 * y2; c23 += x2 * y3;
        c30 += x3 * y0; c31 += x3 * y1; c32 += x3 * y2; c33 += x3 * y3;
      }
      const j0 = 4 * jp;
      const colsHere = Math.min(4, n - j0);
      if (rowsHere === 4 && colsHere === 4 && !raw) {
        const nb0 = normB[j0], nb1 = normB[j0 + 1], nb2 = normB[j0 + 2], nb3 = normB[j0 + 3];
        let o = i0 * n + j0;
        let na = normA[i0];
        out[o] = finish(c00, na * nb0); out[o + 1] = finish(c01, na * nb1); out[o + 2] = finish(c02, na * nb2); out[o + 3] = finish(c03, na * nb3);
        o += n; na = normA[i0 + 1];
        out[o] = finish(c10, na * nb0); out[o + 1] = finish(c11, na * nb1); out[o + 2] = finish(c12, na * nb2); out[o + 3] = finish(c13, na * nb3);
        o += n; na = normA[i0 + 2];
        out[o] = finish(c20, na * nb0); out[o + 1] = finish(c21, na * nb1); out[o + 2] = finish(c22, na * nb2); out[o + 3] = finish(c23, na * nb3);
        o += n; na = normA[i0 + 3];
        out[o] = finish(c30, na * nb0); out[o + 1] = finish(c31, na * nb1); out[o + 2] = finish(c32, na * nb2); out[o + 3] = finish(c33, na * nb3);
      } else {
        const c = [c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33];
        for (let u = 0; u < rowsHere; u++) {
          for (let v = 0; v < colsHere; v++) {
            const dot = c[4 * u + v];
            out[(i0 + u) * n + j0 + v] = raw ? dot : finish(dot, normA[i0 + u] * normB[j0 + v]);
          }
        }
      }
    }
  }
}

/** r = dot / (‖a‖ ‖b‖), clamped to [−1, 1] (NaN stays NaN). */
function finish(dot: number, norms: number): number {
  const r = dot / norms;
  return r > 1 ? 1 : r < -1 ? -1 : r;
}

// ---------------------------------------------------------------- worker pool

const pool: Worker[] = [];
let poolBroken = false;

function threadCount(options: ParallelOptions, work: number, defaultMinWork: number): number {
  const requested = options.threads ?? Math.min(8, availableParallelism());
  if (!(requested > 1) || poolBroken || work < (options.minWork ?? defaultMinWork)) return 1;
  return Math.floor(requested);
}

let simdChecked: boolean | undefined;
function simdAvailable(): boolean {
  return (simdChecked ??= simdDots() !== undefined);
}

function isShared(values: Float64Array): boolean {
  return values.buffer instanceof SharedArrayBuffer;
}

function newCounter(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(4));
}

/** The worker script: correlation-worker.ts through tsx's CommonJS hook when running from TypeScript sources. */
function workerSource(): string {
  const extension = extname(__filename);
  const file = JSON.stringify(join(__dirname, `correlation-worker${extension}`));
  return extension === '.ts' ? `require(${JSON.stringify(require.resolve('tsx/cjs/api'))}).register();\nrequire(${file});` : `require(${file});`;
}

/** Starts workers until the pool has `count`; they wait for jobs, unreferenced so that an idle pool never keeps the process alive. */
function ensureWorkers(count: number): Worker[] {
  while (pool.length < count) {
    const worker = new Worker(workerSource(), { eval: true, execArgv: [] });
    worker.unref();
    worker.on('error', () => {
      const at = pool.indexOf(worker);
      if (at >= 0) pool.splice(at, 1);
    });
    pool.push(worker);
  }
  return pool.slice(0, count);
}

/**
 * Posts `job` to threads − 1 workers, runs it on this thread too, and waits for the workers. If a worker
 * cannot run (e.g. it failed to start), the remaining tasks are done here and later calls stay on one thread.
 */
async function runShared(job: CorrelationJob, threads: number): Promise<void> {
  const workers = ensureWorkers(threads - 1);
  const done = workers.map(
    (worker) =>
      new Promise<void>((resolve, reject) => {
        worker.ref();
        const cleanup = () => {
          worker.off('message', onMessage);
          worker.off('error', onError);
          worker.off('exit', onExit);
          worker.unref();
        };
        const onMessage = (message: { ok: boolean; error?: string }) => {
          cleanup();
          if (message.ok) resolve();
          else reject(new Error(`correlation worker: ${message.error}`));
        };
        const onError = (error: Error) => {
          cleanup();
          reject(error);
        };
        const onExit = (code: number) => {
          cleanup();
          reject(new Error(`correlation worker exited with code ${code}`));
        };
        worker.on('message', onMessage);
        worker.once('error', onError);
        worker.once('exit', onExit);
        worker.postMessage(job);
      }),
  );
  runCorrelationJob(job);
  const results = await Promise.allSettled(done);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    // A worker that failed before taking a task leaves nothing undone (this thread ran the counter out);
    // one that failed in the middle of a task does: that cannot be told apart here, so the job is redone.
    poolBroken = true;
    await closeCorrelationWorkers();
    job.counter[0] = 0;
    runCorrelationJob(job);
  }
}
