/**
 * Statistics benchmark: Spearman correlation + Benjamini–Hochberg over features × genes × patients
 * (default 1,000 × 20,000 × 500, the worst case of a radiogenomic association screen): rank once,
 * blocked matrix product on worker threads (--threads, default all cores), p-values from t on n − 2 df
 * (threaded too), BH over all pairs (q in place of p). Prints wall time and peak memory, and — where Rscript is on PATH — runs R on the same data in the same script
 * (cor(method = "spearman"), pt, p.adjust(method = "BH"); data passed as a binary file read by readBin)
 * and prints the time ratio and the largest differences between the two results.
 *
 *   node --import tsx test/bench/stats.ts [--features 1000] [--genes 20000] [--patients 500] [--seed 1] [--threads N] [--no-r]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Random } from '../../activities/sources/synthetic/random';
import { correlationPValuesParallel, spearmanMatrixParallel } from '../../activities/stats/correlation-matrix';
import { benjaminiHochberg } from '../../activities/stats/multiple-testing';

const { values: args } = parseArgs({
  options: {
    features: { type: 'string', default: '1000' },
    genes: { type: 'string', default: '20000' },
    patients: { type: 'string', default: '500' },
    seed: { type: 'string', default: '1' },
    threads: { type: 'string' },
    'no-r': { type: 'boolean', default: false },
  },
});
const F = Number(args.features);
const G = Number(args.genes);
const N = Number(args.patients);
const threads = args.threads === undefined ? undefined : Number(args.threads);

/** Genes: N(0, 1) noise; every 10th feature follows one gene (signal), the rest are noise. Stored row-major (variable × patient). */
function simulate(): { features: Float64Array; genes: Float64Array } {
  const rng = new Random(Number(args.seed));
  const genes = new Float64Array(G * N);
  for (let i = 0; i < genes.length; i++) genes[i] = rng.normal();
  const features = new Float64Array(F * N);
  for (let f = 0; f < F; f++) {
    const source = f % 10 === 0 ? rng.integer(0, G - 1) : -1;
    for (let s = 0; s < N; s++) features[f * N + s] = (source >= 0 ? 0.3 * genes[source * N + s] : 0) + rng.normal();
  }
  return { features, genes };
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

async function main(): Promise<void> {
  const { features, genes } = simulate();
  console.log(`Spearman + BH: ${F} features × ${G} genes × ${N} patients (${(F * G / 1e6).toFixed(1)} M pairs)`);
  const rssBefore = process.memoryUsage().rss;
  const t0 = performance.now();
  const r = await spearmanMatrixParallel({ rows: F, columns: N, values: features }, { rows: G, columns: N, values: genes }, { threads });
  const t1 = performance.now();
  const p = await correlationPValuesParallel(r, N, { threads });
  const t2 = performance.now();
  const q = benjaminiHochberg(p, p); // in place: p is not needed afterwards
  const t3 = performance.now();
  const ours = (t3 - t0) / 1000;
  let significant = 0;
  for (const v of q) if (v < 0.05) significant++;
  const peakRss = process.resourceUsage().maxRSS * 1024;
  console.log(
    `ours: ${ours.toFixed(2)} s (correlation ${((t1 - t0) / 1000).toFixed(2)} s, p-values ${((t2 - t1) / 1000).toFixed(2)} s, ` +
      `BH ${((t3 - t2) / 1000).toFixed(2)} s; ${threads ?? Math.min(8, availableParallelism())} threads); peak RSS ${mib(peakRss)} ` +
      `(${mib(rssBefore)} before, inputs ${mib(features.byteLength + genes.byteLength)}); ${significant} pairs with BH q < 0.05`,
  );

  const hasR = !args['no-r'] && spawnSync('Rscript', ['--version']).status === 0;
  if (!hasR) {
    console.log('R: not run (Rscript not on PATH or --no-r)');
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'rg-bench-stats-'));
    try {
      // Row-major variable × patient is column-major patient × variable: R reads it as matrix(nrow = N).
      writeFileSync(join(dir, 'features.bin'), new Uint8Array(features.buffer));
      writeFileSync(join(dir, 'genes.bin'), new Uint8Array(genes.buffer));
      const script = `
        N <- ${N}; F <- ${F}; G <- ${G}
        x <- matrix(readBin(file.path("${dir}", "features.bin"), "double", n = N * F, endian = "little"), nrow = N)
        y <- matrix(readBin(file.path("${dir}", "genes.bin"), "double", n = N * G, endian = "little"), nrow = N)
        invisible(gc(reset = TRUE))
        t0 <- proc.time()[["elapsed"]]
        r <- cor(x, y, method = "spearman")
        t1 <- proc.time()[["elapsed"]]
        p <- 2 * pt(abs(r) * sqrt((N - 2) / (1 - r^2)), N - 2, lower.tail = FALSE)
        t2 <- proc.time()[["elapsed"]]
        q <- p.adjust(p, method = "BH")
        dim(q) <- dim(r)
        t3 <- proc.time()[["elapsed"]]
        mem <- sum(gc()[, 6])
        # r is F x G column-major; write it row-major (feature-major) like ours
        writeBin(as.vector(t(r)), file.path("${dir}", "r.bin"), endian = "little")
        writeBin(as.vector(t(q)), file.path("${dir}", "q.bin"), endian = "little")
        cat(t3 - t0, t1 - t0, t2 - t1, t3 - t2, mem, sum(q < 0.05), "\\n")
      `;
      const run = spawnSync('Rscript', ['-e', script], { encoding: 'utf8', maxBuffer: 1 << 24 });
      if (run.status !== 0) throw new Error(`R failed: ${run.stderr}`);
      const [total, corTime, ptTime, bhTime, memMb, rSignificant] = run.stdout.trim().split(/\s+/).map(Number);
      const rR = new Float64Array(new Uint8Array(readFileSync(join(dir, 'r.bin'))).buffer);
      const qR = new Float64Array(new Uint8Array(readFileSync(join(dir, 'q.bin'))).buffer);
      let maxDr = 0;
      let maxRelQ = 0;
      for (let i = 0; i < r.length; i++) {
        maxDr = Math.max(maxDr, Math.abs(r[i] - rR[i]));
        if (qR[i] > 1e-300) maxRelQ = Math.max(maxRelQ, Math.abs(q[i] - qR[i]) / qR[i]);
      }
      console.log(
        `R:    ${total.toFixed(2)} s (cor ${corTime.toFixed(2)} s, pt ${ptTime.toFixed(2)} s, p.adjust ${bhTime.toFixed(2)} s); ` +
          `R heap max used ${memMb.toFixed(0)} MiB; ${rSignificant} pairs with BH q < 0.05`,
      );
      console.log(`agreement: max |r − r_R| = ${maxDr.toExponential(2)}, max relative |q − q_R| / q_R = ${maxRelQ.toExponential(2)}`);
      console.log(`ratio R / ours = ${(total / ours).toFixed(2)} (> 1: ours is faster)`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
