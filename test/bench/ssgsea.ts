/**
 * ssGSEA benchmark: 500 samples × 20,000 genes × 50 gene sets (sizes 10–500), seeded random
 * expression. Times this engine (activities/stats/enrichment/ssgsea.ts) and — where Rscript with
 * GSVA is on PATH — GSVA's gsva(method = "ssgsea", tau = 0.25, ssgsea.norm = TRUE) on the same data
 * in the same script (written to a temporary float64 file that R reads with readBin). Prints both
 * wall times, peak memory (ours: the process' max RSS; R: its VmHWM), the ratio and the largest
 * difference between the two score matrices.
 *
 *   node --import tsx test/bench/ssgsea.ts [--samples 500] [--genes 20000] [--sets 50] [--no-r]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Random } from '../../activities/sources/synthetic/random';
import { ssgsea } from '../../activities/stats/enrichment/ssgsea';

const { values: args } = parseArgs({
  options: {
    samples: { type: 'string', default: '500' },
    genes: { type: 'string', default: '20000' },
    sets: { type: 'string', default: '50' },
    'no-r': { type: 'boolean', default: false },
  },
});
const SAMPLES = Number(args.samples);
const GENES = Number(args.genes);
const SETS = Number(args.sets);
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

// Seeded data: gene means differ, values rounded to 3 decimals (some ties, as in real data).
const rng = new Random(2024);
const genes = Array.from({ length: GENES }, (_, g) => `G${g + 1}`);
const expression = genes.map(() => {
  const mean = rng.normal(6, 2);
  return Float64Array.from({ length: SAMPLES }, () => Math.round(rng.normal(mean, 1) * 1000) / 1000);
});
const geneSets: Record<string, string[]> = {};
for (let k = 0; k < SETS; k++) {
  const size = Math.min(GENES - 1, Math.round(10 * Math.pow(50, k / Math.max(1, SETS - 1)))); // 10 … 500, log-spaced
  geneSets[`SET${k + 1}`] = rng.sampleIndices(GENES, size).map((g) => genes[g]);
}

const rssBefore = process.memoryUsage().rss;
const start = performance.now();
const ours = ssgsea({ genes, expression, geneSets });
const oursSeconds = (performance.now() - start) / 1000;
const peakRss = process.resourceUsage().maxRSS * 1024;
console.log(`ssGSEA ${SAMPLES} samples × ${GENES} genes × ${SETS} sets (tau 0.25, normalized)`);
console.log(`  ours: ${oursSeconds.toFixed(2)} s, peak RSS ${mib(peakRss)} (${mib(rssBefore)} before; input ${mib(GENES * SAMPLES * 8)})`);

const R_SCRIPT = `
suppressPackageStartupMessages(library(GSVA))
a <- commandArgs(TRUE); G <- as.integer(a[2]); S <- as.integer(a[3])
x <- matrix(readBin(file.path(a[1], "expr.bin"), "double", n = G * S), nrow = G)
rownames(x) <- paste0("G", 1:G); colnames(x) <- paste0("S", 1:S)
lines <- readLines(file.path(a[1], "sets.txt"))
sets <- lapply(strsplit(lines, "\\t"), function(p) strsplit(p[2], ",")[[1]])
names(sets) <- sapply(strsplit(lines, "\\t"), function(p) p[1])
t <- system.time(es <- gsva(x, sets, method = "ssgsea", kcdf = "Gaussian", tau = 0.25, ssgsea.norm = TRUE, verbose = FALSE))[["elapsed"]]
writeBin(as.vector(t(es[names(sets), ])), file.path(a[1], "scores.bin"))
hwm <- grep("VmHWM", readLines("/proc/self/status"), value = TRUE)
cat(sprintf("{\\"seconds\\": %.3f, \\"peakKb\\": %s, \\"gsva\\": \\"%s\\"}\\n", t, gsub("[^0-9]", "", hwm), packageVersion("GSVA")))
`;

const rscript = args['no-r'] ? undefined : spawnSync('Rscript', ['--version'], { encoding: 'utf8' });
if (!rscript || rscript.status !== 0) {
  console.log(`  R: not run (${args['no-r'] ? '--no-r' : 'Rscript not on PATH'})`);
} else {
  const dir = mkdtempSync(join(tmpdir(), 'ssgsea-bench-'));
  try {
    const columnMajor = new Float64Array(GENES * SAMPLES);
    expression.forEach((row, g) => row.forEach((v, s) => (columnMajor[s * GENES + g] = v)));
    writeFileSync(join(dir, 'expr.bin'), Buffer.from(columnMajor.buffer));
    writeFileSync(join(dir, 'sets.txt'), Object.entries(geneSets).map(([name, members]) => `${name}\t${members.join(',')}`).join('\n') + '\n');
    writeFileSync(join(dir, 'bench.R'), R_SCRIPT);
    const r = spawnSync('Rscript', [join(dir, 'bench.R'), dir, String(GENES), String(SAMPLES)], { encoding: 'utf8', maxBuffer: 1 << 26 });
    const last = r.stdout.trim().split('\n').pop() ?? '';
    if (r.status !== 0 || !last.startsWith('{')) {
      console.log(`  R: failed (${r.stderr.trim().split('\n').slice(-3).join(' | ')})`);
    } else {
      const timing = JSON.parse(last) as { seconds: number; peakKb: string; gsva: string };
      const rScores = new Float64Array(readFileSync(join(dir, 'scores.bin')).buffer.slice(0));
      let maxDiff = 0;
      ours.scores.forEach((row, k) => row.forEach((v, s) => (maxDiff = Math.max(maxDiff, Math.abs(v - rScores[k * SAMPLES + s])))));
      console.log(`  R GSVA ${timing.gsva}: ${timing.seconds.toFixed(2)} s (gsva() only), peak RSS ${mib(Number(timing.peakKb) * 1024)}`);
      console.log(`  ratio R / ours: ${(timing.seconds / oursSeconds).toFixed(1)}× (ours is ${timing.seconds >= oursSeconds ? 'faster' : 'SLOWER'}); max |score difference| ${maxDiff.toExponential(2)}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
