/**
 * A small pool of worker threads (decode-worker.ts) that decode wasm-codec frames (JPEG 2000,
 * JPEG-LS, baseline JPEG) in parallel: the series reader sends each frame's encoded bytes (a copy,
 * transferred) and gets the decoded samples back (transferred), then writes them into the volume on
 * its own thread exactly as the single-threaded path does.
 *
 * - Workers start lazily, on the first frame sent, up to the number asked; they are reused across
 *   calls and each loads the wasm codecs once.
 * - An idle worker is unreferenced: the pool never keeps the process alive. A worker is referenced
 *   only while it holds frames, so a read waiting for them does not let the process exit.
 * - `closeDecodePool()` terminates the workers (tests; a later call starts fresh ones).
 * - A codec error comes back as a FrameCodecError (the reason in words, the caller names the file);
 *   a worker that cannot start or dies rejects its frames with a DecodePoolError, and the pool is
 *   then not used again in this process until closeDecodePool() (the caller decodes on its thread).
 * - Thread count: `decodeThreadCount()` — the caller's option, else RG_DECODE_THREADS, else
 *   min(os.availableParallelism(), DEFAULT_MAX_DECODE_THREADS); 1 (or 0) turns the pool off.
 *
 * Under tsx (running from the TypeScript sources) a worker registers tsx's CommonJS hook before
 * requiring decode-worker.ts, so it works under `node --import tsx`, bin/rg.cjs and Temporal workers.
 */
import { availableParallelism } from 'node:os';
import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { DecodedFrame, WasmEncoding } from './codecs';

/** What the calling thread sends a worker: one encoded frame. */
export interface DecodeRequest {
  id: number;
  encoding: WasmEncoding;
  encoded: Uint8Array;
}

/** What a worker answers: the decoded frame, or why the codec refused it (setup: the codecs did not load). */
export type DecodeResponse =
  | { id: number; ok: true; bytes: Uint8Array; width: number; height: number; bitsPerSample: number; componentCount: number }
  | { id: number; ok: false; reason: string; setup?: boolean };

/** The codec could not decode a frame; `reason` in words (the caller makes the CorruptImageError). */
export class FrameCodecError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'FrameCodecError';
  }
}

/** The pool could not decode a frame (a worker failed to start or died): decode it on this thread. */
export class DecodePoolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DecodePoolError';
  }
}

/** Most workers started by default (each holds a V8 isolate and the codecs' wasm memory). */
export const DEFAULT_MAX_DECODE_THREADS = 8;

/**
 * How many decode threads to use: `requested` when given, else RG_DECODE_THREADS when set, else
 * min(availableParallelism(), DEFAULT_MAX_DECODE_THREADS). 1 when the pool is broken or the
 * value is below 2 (no pool).
 */
export function decodeThreadCount(requested?: number): number {
  if (broken) return 1;
  const fromEnv = process.env.RG_DECODE_THREADS;
  let threads = requested ?? (fromEnv !== undefined && fromEnv.trim() !== '' ? Number(fromEnv) : Math.min(availableParallelism(), DEFAULT_MAX_DECODE_THREADS));
  if (!Number.isFinite(threads)) threads = 1;
  return Math.max(1, Math.floor(threads));
}

interface PoolWorker {
  worker: Worker;
  pending: Map<number, { resolve: (frame: DecodedFrame) => void; reject: (error: Error) => void }>;
  dead: boolean;
}

const workers: PoolWorker[] = [];
let nextId = 0;
let broken = false;

/** The worker script: decode-worker.ts through tsx's CommonJS hook when running from TypeScript sources. */
function workerSource(): string {
  const extension = extname(__filename);
  const file = JSON.stringify(join(__dirname, `decode-worker${extension}`));
  return extension === '.ts' ? `require(${JSON.stringify(require.resolve('tsx/cjs/api'))}).register();\nrequire(${file});` : `require(${file});`;
}

/** Start one worker, unreferenced, wired to settle its frames. */
function startWorker(): PoolWorker {
  const entry: PoolWorker = { worker: new Worker(workerSource(), { eval: true, execArgv: [] }), pending: new Map(), dead: false };
  const { worker } = entry;
  worker.unref();
  const fail = (why: string) => {
    if (entry.dead) return;
    entry.dead = true;
    broken = true;
    const at = workers.indexOf(entry);
    if (at >= 0) workers.splice(at, 1);
    const pending = [...entry.pending.values()];
    entry.pending.clear();
    worker.unref();
    for (const task of pending) task.reject(new DecodePoolError(`decode worker ${why}`));
  };
  worker.on('message', (response: DecodeResponse) => {
    const task = entry.pending.get(response.id);
    if (!task) return;
    entry.pending.delete(response.id);
    if (entry.pending.size === 0) worker.unref();
    if (response.ok) {
      const { bytes, width, height, bitsPerSample, componentCount } = response;
      task.resolve({ bytes, width, height, bitsPerSample, componentCount });
    } else if (response.setup) {
      task.reject(new DecodePoolError(`decode worker could not load the codecs (${response.reason})`));
      void worker.terminate();
    } else {
      task.reject(new FrameCodecError(response.reason));
    }
  });
  worker.on('error', (error) => fail(`failed: ${error.message}`));
  worker.on('exit', (code) => fail(`exited with code ${code}`));
  return entry;
}

/**
 * Decode one frame of a wasm encoding on the pool (started up to `threads` workers): a copy of
 * `encoded` goes to the least busy worker (the caller's bytes stay untouched); resolves with the
 * decoded frame (its bytes owned by the caller), rejects with FrameCodecError or DecodePoolError.
 */
export function decodeOnPool(encoding: WasmEncoding, encoded: Uint8Array, threads: number): Promise<DecodedFrame> {
  if (broken) return Promise.reject(new DecodePoolError('the decode pool is not available'));
  try {
    while (workers.length < threads) workers.push(startWorker());
  } catch (error) {
    broken = true; // e.g. tsx cannot be found: no worker will start in this process
    return Promise.reject(new DecodePoolError(`cannot start a decode worker (${error instanceof Error ? error.message : String(error)})`));
  }
  let chosen = workers[0];
  for (let i = 1; i < threads; i++) if (workers[i].pending.size < chosen.pending.size) chosen = workers[i];
  const id = nextId++;
  // A copy in a buffer of its own (new Uint8Array, not .slice(): on a Node Buffer — dicom-parser's
  // frames of a file read by fs — .slice() is a view, and transferring it would detach the whole file).
  const copy = new Uint8Array(encoded);
  return new Promise<DecodedFrame>((resolve, reject) => {
    if (chosen.pending.size === 0) chosen.worker.ref();
    chosen.pending.set(id, { resolve, reject });
    try {
      chosen.worker.postMessage({ id, encoding, encoded: copy } satisfies DecodeRequest, [copy.buffer]);
    } catch (error) {
      chosen.pending.delete(id);
      if (chosen.pending.size === 0) chosen.worker.unref();
      reject(new DecodePoolError(`cannot send a frame to a decode worker (${error instanceof Error ? error.message : String(error)})`));
    }
  });
}

/** Terminate the pool's workers (frames still pending fail with DecodePoolError); a later call starts fresh ones. */
export async function closeDecodePool(): Promise<void> {
  const all = workers.splice(0);
  for (const entry of all) entry.dead = true;
  await Promise.all(
    all.map(async (entry) => {
      await entry.worker.terminate();
      const pending = [...entry.pending.values()];
      entry.pending.clear();
      for (const task of pending) task.reject(new DecodePoolError('the decode pool was closed'));
    }),
  );
  broken = false;
}

/** How many workers are running (for tests). */
export function decodePoolSize(): number {
  return workers.length;
}
