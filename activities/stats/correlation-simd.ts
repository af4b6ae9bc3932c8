/**
 * Exact integer dot products with WebAssembly SIMD, for Spearman correlation: rows of int16 values (doubled,
 * centered ranks, |v| < n) padded with zeros to a multiple of 8, and every dot product of 4 rows of A
 * with 2 rows of B accumulated with i32x4.dot_i16x8_s (8 multiply-adds per instruction). The sums are
 * exact while Σ|a||b| < 2³¹, i.e. for n ≤ 1,800 samples (Σ (2 rank − n − 1)² = (n³ − n)/3).
 *
 * The module is assembled here, byte by byte (no toolchain needed): one exported function
 *   dots(aPtr, aGroups, bPtr, bGroups, rowBytes, outPtr)
 * writing, as i32, out[(4 ia + u) · 2 bGroups + 2 jb + v] = ⟨A[4 ia + u], B[2 jb + v]⟩, and its memory "mem".
 */

/** Largest number of samples for which the int16 / int32 path is exact. */
export const SIMD_MAX_SAMPLES = 1800;

const uleb = (value: number): number[] => {
  const out: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return out;
};
const sleb = (value: number): number[] => {
  const out: number[] = [];
  for (;;) {
    const byte = value & 0x7f;
    value >>= 7;
    if ((value === 0 && (byte & 0x40) === 0) || (value === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
};
const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];
const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];
const name = (s: string) => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];

const get = (i: number) => [0x20, ...uleb(i)];
const set = (i: number) => [0x21, ...uleb(i)];
const i32 = (v: number) => [0x41, ...sleb(v)];
const ADD = 0x6a;
const MUL = 0x6c;
const GE_U = 0x4f;
const simd = (op: number, ...immediates: number[]) => [0xfd, ...uleb(op), ...immediates];
const V128_LOAD = (address: number[]) => [...address, ...simd(0x00, 4, 0)];
const V128_ZERO = simd(0x0c, ...new Array(16).fill(0));
const I32X4_ADD = simd(0xae);
const I32X4_DOT = simd(0xba);
const LANE = (lane: number) => simd(0x1b, lane);
/** block { loop { if (get(counter) >= get(limit)) break; body; counter += step; continue } } */
const forLoop = (counter: number, limit: number, step: number, body: number[]) => [
  ...i32(0), ...set(counter),
  0x02, 0x40, 0x03, 0x40,
  ...get(counter), ...get(limit), GE_U, 0x0d, 1,
  ...body,
  ...get(counter), ...i32(step), ADD, ...set(counter),
  0x0c, 0, 0x0b, 0x0b,
];

function assemble(): Uint8Array {
  // params 0 aPtr, 1 aGroups, 2 bPtr, 3 bGroups, 4 rowBytes, 5 outPtr
  // i32 locals: 6 ia, 7 jb, 8–11 a0–a3, 12–13 b0–b1, 14 off, 15 outStride, 16 o; v128: 17–24 acc, 25–28 x, 29–30 y
  const acc = (u: number, v: number) => 17 + 2 * u + v;
  const inner: number[] = [];
  for (let u = 0; u < 4; u++) inner.push(...V128_LOAD([...get(8 + u), ...get(14), ADD]), ...set(25 + u));
  for (let v = 0; v < 2; v++) inner.push(...V128_LOAD([...get(12 + v), ...get(14), ADD]), ...set(29 + v));
  for (let u = 0; u < 4; u++)
    for (let v = 0; v < 2; v++) inner.push(...get(acc(u, v)), ...get(25 + u), ...get(29 + v), ...I32X4_DOT, ...I32X4_ADD, ...set(acc(u, v)));
  const stores: number[] = [];
  for (let u = 0; u < 4; u++) {
    for (let v = 0; v < 2; v++) {
      stores.push(...get(16));
      if (u > 0) stores.push(...get(15), ...i32(u), MUL, ADD);
      stores.push(...get(acc(u, v)), ...LANE(0), ...get(acc(u, v)), ...LANE(1), ADD, ...get(acc(u, v)), ...LANE(2), ADD);
      stores.push(...get(acc(u, v)), ...LANE(3), ADD, 0x36, 2, ...uleb(4 * v));
    }
  }
  const jbBody = [
    // b0 = bPtr + jb · 2 · rowBytes, b1 = b0 + rowBytes
    ...get(2), ...get(7), ...get(4), MUL, ...i32(2), MUL, ADD, 0x22, 12, ...get(4), ADD, ...set(13),
    ...[17, 18, 19, 20, 21, 22, 23, 24].flatMap((l) => [...V128_ZERO, ...set(l)]),
    ...forLoop(14, 4, 16, inner),
    // o = outPtr + ia · 4 · outStride + jb · 8
    ...get(5), ...get(6), ...i32(4), MUL, ...get(15), MUL, ADD, ...get(7), ...i32(8), MUL, ADD, ...set(16),
    ...stores,
  ];
  const iaBody = [
    // a0 = aPtr + ia · 4 · rowBytes, a1..a3 the next rows
    ...get(0), ...get(6), ...get(4), MUL, ...i32(4), MUL, ADD, 0x22, 8,
    ...get(4), ADD, 0x22, 9, ...get(4), ADD, 0x22, 10, ...get(4), ADD, ...set(11),
    ...forLoop(7, 3, 1, jbBody),
  ];
  const code = [
    ...get(3), ...i32(8), MUL, ...set(15),
    ...forLoop(6, 1, 1, iaBody),
    0x0b,
  ];
  const body = [...vec([[11, 0x7f], [14, 0x7b]]), ...code];
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([[0x60, ...vec([[0x7f], [0x7f], [0x7f], [0x7f], [0x7f], [0x7f]]), 0]])),
    ...section(3, vec([[0]])),
    ...section(5, vec([[0x00, 1]])),
    ...section(7, vec([[...name('mem'), 0x02, 0], [...name('dots'), 0x00, 0]])),
    ...section(10, vec([[...uleb(body.length), ...body]])),
  ]);
}

/** The parts of the WebAssembly API used here (the project's TypeScript lib has no WebAssembly types). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: Record<string, unknown> };
}

export interface SimdDots {
  memory: WasmMemory;
  dots: (aPtr: number, aGroups: number, bPtr: number, bGroups: number, rowBytes: number, outPtr: number) => void;
}

let compiled: object | null | undefined;

/** A fresh instance (each thread needs its own memory), or undefined where WebAssembly SIMD is not available. */
export function simdDots(): SimdDots | undefined {
  const wasm = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
  if (compiled === undefined) {
    try {
      const bytes = assemble();
      compiled = wasm?.validate(bytes) ? new wasm.Module(bytes) : null;
    } catch {
      compiled = null;
    }
  }
  if (!compiled || !wasm) return undefined;
  const { exports } = new wasm.Instance(compiled);
  return { memory: exports.mem as WasmMemory, dots: exports.dots as SimdDots['dots'] };
}
