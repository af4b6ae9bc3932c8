/**
 * Correctly rounded exp, sin and cos (the double nearest the exact value), for the few
 * transcendental values a recursive Gaussian's coefficients need.
 *
 * Why not Math.exp/sin/cos: V8's versions (fdlibm) are accurate to < 1 ulp but differ from glibc's,
 * which SimpleITK calls, in the last bit for some arguments (e.g. exp(−0.5442187499999999)). One ulp
 * in a coefficient is enough to flip the rounding of a few float32 voxels of ITK's LoG. glibc's
 * results are the correctly rounded ones for all but ~0.1–0.2 % of arguments, so rounding correctly
 * matches it far more often than fdlibm does, and is the same on every platform.
 *
 * Method: reduce the argument with a triple-double constant (x = k·ln2 + r, or x = k·π/2 + r),
 * evaluate the Taylor series of exp(r), sin(r), cos(r) in double-double arithmetic (~106 bits),
 * and round the double-double result once. Arguments beyond |x| ≤ 2^30 (sin, cos) or outside
 * (−700, 700) (exp) fall back to Math.
 */

/** A double-double number hi + lo, |lo| ≤ ulp(hi) / 2. */
interface DD {
  hi: number;
  lo: number;
}

const SPLITTER = 134217729; // 2^27 + 1

/** a + b exactly, as s + e. */
function twoSum(a: number, b: number): DD {
  const s = a + b;
  const bb = s - a;
  return { hi: s, lo: a - (s - bb) + (b - bb) };
}

/** a + b exactly when |a| ≥ |b|. */
function fastTwoSum(a: number, b: number): DD {
  const s = a + b;
  return { hi: s, lo: b - (s - a) };
}

/** a · b exactly (Dekker), as p + e. */
function twoProd(a: number, b: number): DD {
  const p = a * b;
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  return { hi: p, lo: ah * bh - p + ah * bl + al * bh + al * bl };
}

function add(a: DD, b: DD): DD {
  const s = twoSum(a.hi, b.hi);
  const t = twoSum(a.lo, b.lo);
  let r = fastTwoSum(s.hi, s.lo + t.hi);
  r = fastTwoSum(r.hi, r.lo + t.lo);
  return r;
}

function neg(a: DD): DD {
  return { hi: -a.hi, lo: -a.lo };
}

function mul(a: DD, b: DD): DD {
  const p = twoProd(a.hi, b.hi);
  return fastTwoSum(p.hi, p.lo + (a.hi * b.lo + a.lo * b.hi));
}

function divByNumber(a: DD, b: number): DD {
  const q1 = a.hi / b;
  const p = twoProd(q1, b);
  const s = twoSum(a.hi, -p.hi);
  const q2 = (s.hi + (s.lo - p.lo + a.lo)) / b;
  return fastTwoSum(q1, q2);
}

const ONE: DD = { hi: 1, lo: 0 };

/** 1/n! for n = 0..40, in double-double. */
const INVERSE_FACTORIALS: DD[] = (() => {
  const out: DD[] = [ONE];
  for (let n = 1; n <= 40; n++) out.push(divByNumber(out[n - 1], n));
  return out;
})();

// ln 2 and π/2 as sums of three doubles (error < 1e-49).
const LN2 = [0.6931471805599453, 2.3190468138462996e-17, 5.707708438416212e-34] as const;
const PI_2 = [1.5707963267948966, 6.123233995736766e-17, -1.4973849048591698e-33] as const;

/** x − k·(c0 + c1 + c2) in double-double (k an integer of at most ~30 bits). */
function reduce(x: number, k: number, c: readonly [number, number, number]): DD {
  let r = add({ hi: x, lo: 0 }, neg(twoProd(k, c[0])));
  r = add(r, neg(twoProd(k, c[1])));
  return add(r, { hi: -k * c[2], lo: 0 });
}

/** Σ_{j=0..terms−1} coefficient(j) · y^j by Horner's rule. */
function horner(y: DD, terms: number, coefficient: (j: number) => DD): DD {
  let p = coefficient(terms - 1);
  for (let j = terms - 2; j >= 0; j--) p = add(mul(p, y), coefficient(j));
  return p;
}

/** exp(r) for |r| ≤ ln2/2 + ε: Σ r^n/n!, n ≤ 27 (next term < 2^-110). */
function expSmall(r: DD): DD {
  return horner(r, 28, (n) => INVERSE_FACTORIALS[n]);
}

/** sin(r) = r Σ (−1)^j r^{2j}/(2j+1)!, cos(r) = Σ (−1)^j r^{2j}/(2j)!, for |r| ≤ π/4 + ε. */
function sinSmall(r: DD): DD {
  const r2 = mul(r, r);
  const s = horner(r2, 17, (j) => (j % 2 ? neg(INVERSE_FACTORIALS[2 * j + 1]) : INVERSE_FACTORIALS[2 * j + 1]));
  return mul(r, s);
}

function cosSmall(r: DD): DD {
  const r2 = mul(r, r);
  return horner(r2, 17, (j) => (j % 2 ? neg(INVERSE_FACTORIALS[2 * j]) : INVERSE_FACTORIALS[2 * j]));
}

/** e^x, correctly rounded for −700 < x < 700. */
export function exp(x: number): number {
  if (!(Math.abs(x) < 700)) return Math.exp(x);
  if (x === 0) return 1;
  const k = Math.round(x / LN2[0]);
  const e = expSmall(reduce(x, k, LN2));
  // 2^k is exact for |k| ≤ 1010 and the scaled double-double stays normal.
  const scale = 2 ** k;
  return e.hi * scale + e.lo * scale;
}

/** Reduce x to r in [−π/4, π/4] and its quadrant q (x = (4m + q)·π/2 + r). */
function quadrant(x: number): { r: DD; q: number } {
  const k = Math.round(x / PI_2[0]);
  return { r: reduce(x, k, PI_2), q: ((k % 4) + 4) % 4 };
}

/** sin x, correctly rounded for |x| ≤ 2^30. */
export function sin(x: number): number {
  if (!(Math.abs(x) <= 2 ** 30) || x === 0) return Math.sin(x);
  const { r, q } = quadrant(x);
  const v = q === 0 ? sinSmall(r) : q === 1 ? cosSmall(r) : q === 2 ? neg(sinSmall(r)) : neg(cosSmall(r));
  return v.hi + v.lo;
}

/** cos x, correctly rounded for |x| ≤ 2^30. */
export function cos(x: number): number {
  if (!(Math.abs(x) <= 2 ** 30)) return Math.cos(x);
  if (x === 0) return 1;
  const { r, q } = quadrant(x);
  const v = q === 0 ? cosSmall(r) : q === 1 ? neg(sinSmall(r)) : q === 2 ? neg(cosSmall(r)) : sinSmall(r);
  return v.hi + v.lo;
}
