/**
 * Special functions and distribution functions for p-values, accurate to about 1e-13 relative
 * in the tails (checked against R's pnorm, qnorm, pt, pchisq, lgamma in test/fixtures/r/stats-a.json).
 *
 *   normal:      Cody's rational Chebyshev approximations (as R's pnorm_both), Wichura's AS 241 (qnorm)
 *   log-gamma:   Stirling series with its remainder (as R's lgammacor) for x ≥ 10, recurrence below
 *   gamma:       regularized P(a, x) by its power series, Q(a, x) by Legendre's continued fraction (Lentz)
 *   beta:        regularized I_x(a, b) by its continued fraction (Lentz), with x and 1 − x both kept exact
 *   Student t:   P(T > t) = ½ I_{n/(n+t²)}(n/2, ½);  χ²: P(X > x) = Q(k/2, x/2)
 *
 * Upper-tail functions compute the small tail directly, never as 1 − cdf, so a p-value of 1e-30
 * keeps its digits.
 */

const LN_SQRT_2PI = 0.918938533204672741780329736406; // ln √(2π)
const INV_SQRT_2PI = 0.398942280401432677939946059934; // 1 / √(2π)
const EPSILON = 1e-16;
const TINY = 1e-300;
const MAX_ITERATIONS = 100_000;

// ---------------------------------------------------------------- normal

const CODY_A = [2.2352520354606839287, 161.02823106855587881, 1067.6894854603709582, 18154.981253343561249, 0.065682337918207449113];
const CODY_B = [47.20258190468824187, 976.09855173777669322, 10260.932208618978205, 45507.789335026729956];
const CODY_C = [
  0.39894151208813466764, 8.8831497943883759412, 93.506656132177855979, 597.27027639480026226, 2494.5375852903726711,
  6848.1904505362823326, 11602.651437647350124, 9842.7148383839780218, 1.0765576773720192317e-8,
];
const CODY_D = [
  22.266688044328115691, 235.38790178262499861, 1519.377599407554805, 6485.558298266760755, 18615.571640885098091,
  34900.952721145977266, 38912.003286093271411, 19685.429676859990727,
];
const CODY_P = [0.21589853405795699, 0.1274011611602473639, 0.022235277870649807, 0.001421619193227893466, 2.9112874951168792e-5, 0.02307344176494017303];
const CODY_Q = [1.28426009614491121, 0.468238212480865118, 0.0659881378689285515, 0.00378239633202758244, 7.29751555083966205e-5];

/** [Φ(x), 1 − Φ(x)], each to full precision (W. J. Cody 1993, as R's pnorm_both). */
function normalBothTails(x: number): [number, number] {
  if (Number.isNaN(x)) return [NaN, NaN];
  const y = Math.abs(x);
  if (y <= 0.67448975) {
    let xnum = 0;
    let xden = 0;
    if (y > EPSILON / 2) {
      const xsq = x * x;
      xnum = CODY_A[4] * xsq;
      xden = xsq;
      for (let i = 0; i < 3; i++) {
        xnum = (xnum + CODY_A[i]) * xsq;
        xden = (xden + CODY_B[i]) * xsq;
      }
    }
    const temp = (x * (xnum + CODY_A[3])) / (xden + CODY_B[3]);
    return [0.5 + temp, 0.5 - temp];
  }
  let temp: number;
  if (y <= Math.sqrt(32)) {
    let xnum = CODY_C[8] * y;
    let xden = y;
    for (let i = 0; i < 7; i++) {
      xnum = (xnum + CODY_C[i]) * y;
      xden = (xden + CODY_D[i]) * y;
    }
    temp = (xnum + CODY_C[7]) / (xden + CODY_D[7]);
  } else if (y < 38) {
    const xsq = 1 / (x * x);
    let xnum = CODY_P[5] * xsq;
    let xden = xsq;
    for (let i = 0; i < 4; i++) {
      xnum = (xnum + CODY_P[i]) * xsq;
      xden = (xden + CODY_Q[i]) * xsq;
    }
    temp = (xsq * (xnum + CODY_P[4])) / (xden + CODY_Q[4]);
    temp = (INV_SQRT_2PI - temp) / y;
  } else {
    return x > 0 ? [1, 0] : [0, 1];
  }
  // exp(−y²/2) split as exp(−s²/2)·exp(−(y−s)(y+s)/2) with s = y rounded to 1/16, to keep digits.
  const xsq = Math.trunc(y * 16) / 16;
  const del = (y - xsq) * (y + xsq);
  const small = Math.exp(-xsq * xsq * 0.5) * Math.exp(-del * 0.5) * temp;
  return x > 0 ? [1 - small, small] : [small, 1 - small];
}

/** Standard normal density φ(x) = exp(−x²/2) / √(2π). */
export function normalPdf(x: number): number {
  return INV_SQRT_2PI * Math.exp(-0.5 * x * x);
}

/** Standard normal cdf Φ(x) = P(Z ≤ x). */
export function normalCdf(x: number): number {
  return normalBothTails(x)[0];
}

/** Standard normal upper tail 1 − Φ(x) = P(Z > x), computed directly (no cancellation). */
export function normalSf(x: number): number {
  return normalBothTails(x)[1];
}

/** Standard normal quantile Φ⁻¹(p) (Wichura 1988, AS 241, as R's qnorm). */
export function normalQuantile(p: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (
      (q *
        (((((((r * 2509.0809287301226727 + 33430.575583588128105) * r + 67265.770927008700853) * r + 45921.953931549871457) * r +
          13731.693765509461125) * r + 1971.5909503065514427) * r + 133.14166789178437745) * r + 3.387132872796366608)) /
      (((((((r * 5226.495278852854561 + 28729.085735721942674) * r + 39307.89580009271061) * r + 21213.794301586595867) * r +
        5394.1960214247511077) * r + 687.1870074920579083) * r + 42.313330701600911252) * r + 1)
    );
  }
  let r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
  let value: number;
  if (r <= 5) {
    r -= 1.6;
    value =
      (((((((r * 7.7454501427834140764e-4 + 0.0227238449892691845833) * r + 0.24178072517745061177) * r + 1.27045825245236838258) * r +
        3.64784832476320460504) * r + 5.7694972214606914055) * r + 4.6303378461565452959) * r + 1.42343711074968357734) /
      (((((((r * 1.05075007164441684324e-9 + 5.475938084995344946e-4) * r + 0.0151986665636164571966) * r + 0.14810397642748007459) * r +
        0.68976733498510000455) * r + 1.6763848301838038494) * r + 2.05319162663775882187) * r + 1);
  } else {
    r -= 5;
    value =
      (((((((r * 2.01033439929228813265e-7 + 2.71155556874348757815e-5) * r + 0.0012426609473880784386) * r + 0.026532189526576123093) * r +
        0.29656057182850489123) * r + 1.7848265399172913358) * r + 5.4637849111641143699) * r + 6.6579046435011037772) /
      (((((((r * 2.04426310338993978564e-15 + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r + 7.868691311456132591e-4) * r +
        0.0148753612908506148525) * r + 0.13692988092273580531) * r + 0.59983220655588793769) * r + 1);
  }
  return q < 0 ? -value : value;
}

// ---------------------------------------------------------------- gamma and beta functions

/** Stirling remainder lgamma(x) − [(x − ½) ln x − x + ln √(2π)] = Σ B₂ₖ / (2k(2k−1) x^(2k−1)), x ≥ 10. */
function stirlingRemainder(x: number): number {
  const z = 1 / (x * x);
  return (
    (1 / 12 - z * (1 / 360 - z * (1 / 1260 - z * (1 / 1680 - z * (1 / 1188 - z * (691 / 360360 - z * (1 / 156 - z * (3617 / 122400)))))))) / x
  );
}

/** ln Γ(x) for x > 0 (Stirling for x ≥ 10; ln Γ(x) = ln Γ(x + n) − ln[x(x+1)…(x+n−1)] below); reflection for x < 0. */
export function logGamma(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x <= 0 && Number.isInteger(x)) return Infinity;
  if (x < 0) {
    // Γ(x)Γ(1 − x) = π / sin(πx)
    return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  }
  if (x === 1 || x === 2) return 0;
  if (x >= 10) return LN_SQRT_2PI + (x - 0.5) * Math.log(x) - x + stirlingRemainder(x);
  let product = 1;
  let shifted = x;
  while (shifted < 10) product *= shifted++;
  return logGamma(shifted) - Math.log(product);
}

/** ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b), with the large-argument terms combined to avoid cancellation (as R's lbeta). */
export function logBeta(a: number, b: number): number {
  const p = Math.min(a, b);
  const q = Math.max(a, b);
  if (p >= 10) {
    const corr = stirlingRemainder(p) + stirlingRemainder(q) - stirlingRemainder(p + q);
    return -0.5 * Math.log(q) + LN_SQRT_2PI + corr + (p - 0.5) * Math.log(p / (p + q)) + q * Math.log1p(-p / (p + q));
  }
  if (q >= 10) {
    const corr = stirlingRemainder(q) - stirlingRemainder(p + q);
    return logGamma(p) + corr + p - p * Math.log(p + q) + (q - 0.5) * Math.log1p(-p / (p + q));
  }
  return logGamma(p) + logGamma(q) - logGamma(p + q);
}

/** Regularized lower incomplete gamma P(a, x) = γ(a, x) / Γ(a). */
export function regularizedGammaP(a: number, x: number): number {
  return incompleteGamma(a, x)[0];
}

/** Regularized upper incomplete gamma Q(a, x) = Γ(a, x) / Γ(a) = 1 − P(a, x), computed directly in its tail. */
export function regularizedGammaQ(a: number, x: number): number {
  return incompleteGamma(a, x)[1];
}

/** [P(a, x), Q(a, x)]: series Σ xⁿ / (a(a+1)…(a+n)) for x < a + 1, else Legendre's continued fraction for Q. */
function incompleteGamma(a: number, x: number): [number, number] {
  if (Number.isNaN(a) || Number.isNaN(x) || a <= 0) return [NaN, NaN];
  if (x <= 0) return [0, 1];
  if (x === Infinity) return [1, 0];
  const logPrefix = a * Math.log(x) - x - logGamma(a); // ln(xᵃ e⁻ˣ / Γ(a))
  if (x < a + 1) {
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < MAX_ITERATIONS; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * EPSILON) break;
    }
    const p = Math.exp(logPrefix) * sum;
    return [p, 1 - p];
  }
  // Q(a, x) = prefix · 1/(x + 1 − a − 1·(1 − a)/(x + 3 − a − 2·(2 − a)/(x + 5 − a − …))), modified Lentz.
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let n = 1; n < MAX_ITERATIONS; n++) {
    const an = -n * (n - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPSILON) break;
  }
  const q = Math.exp(logPrefix) * h;
  return [1 - q, q];
}

/** Continued fraction of I_x(a, b) (Numerical Recipes' betacf), modified Lentz; converges fast for x < (a+1)/(a+b+2). */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m < MAX_ITERATIONS; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPSILON) break;
  }
  return h;
}

/**
 * [I_x(a, b), 1 − I_x(a, b)] with y = 1 − x passed exactly: I_x(a,b) = xᵃ yᵇ / (a B(a,b)) · cf(x; a, b),
 * or by symmetry I_x(a, b) = 1 − I_y(b, a); the tail on the far side of the mean is the one computed directly.
 */
function incompleteBeta(x: number, y: number, a: number, b: number): [number, number] {
  if (Number.isNaN(x) || Number.isNaN(a) || Number.isNaN(b) || a <= 0 || b <= 0) return [NaN, NaN];
  if (x <= 0) return [0, 1];
  if (y <= 0) return [1, 0];
  const logPrefix = a * Math.log(x) + b * Math.log(y) - logBeta(a, b);
  if (x < (a + 1) / (a + b + 2)) {
    const lower = (Math.exp(logPrefix) * betaContinuedFraction(x, a, b)) / a;
    return [lower, 1 - lower];
  }
  const upper = (Math.exp(logPrefix) * betaContinuedFraction(y, b, a)) / b;
  return [1 - upper, upper];
}

/** Regularized incomplete beta I_x(a, b) = B(x; a, b) / B(a, b). */
export function regularizedBeta(x: number, a: number, b: number): number {
  return incompleteBeta(x, 1 - x, a, b)[0];
}

/** 1 − I_x(a, b), computed directly in its tail. */
export function regularizedBetaComplement(x: number, a: number, b: number): number {
  return incompleteBeta(x, 1 - x, a, b)[1];
}

// ---------------------------------------------------------------- Student t, chi-square

/** P(T > t) for Student's t with df degrees of freedom: ½ I_{df/(df+t²)}(df/2, ½) for t > 0 (as R's pt, lower = FALSE). */
export function studentTSf(t: number, df: number): number {
  if (Number.isNaN(t) || Number.isNaN(df) || df <= 0) return NaN;
  if (t === Infinity) return 0;
  if (t === -Infinity) return 1;
  if (df === Infinity) return normalSf(t);
  // x = df/(df+t²) and 1 − x = t²/(df+t²), both without cancellation
  const t2 = t * t;
  const [, tail] = incompleteBeta(t2 / (df + t2), df / (df + t2), 0.5, df / 2); // tail = I_{df/(df+t²)}(df/2, ½)
  const half = tail / 2; // P(T > |t|)
  return t > 0 ? half : 1 - half;
}

/**
 * The two-sided p-value of a correlation coefficient on n samples, as a function of r for a fixed n:
 * t = r √((n − 2)/(1 − r²)) on n − 2 df, p = 2 P(T > |t|) = 1 − I_{r²}(½, b) = I_{1−r²}(b, ½) with
 * b = (n − 2)/2 — x = df/(df + t²) is 1 − r², so t is never formed, and the constants for n are computed
 * once. Below the split point r² < (a + 1)/(a + b + 2) (a = ½; there b r² < 1.5), I_{r²}(½, b) comes from
 * its power series (as TOMS 708's bpser): I_y(a, b) = yᵃ/(a B(a, b)) [1 + a Σ_{j≥1} (1−b)…(j−b)/j! yʲ/(a + j)],
 * whose terms fall like (b y)ʲ/j!; above it, the tail from the continued fraction, as studentTSf.
 * |r| ≥ 1 gives 0, NaN gives NaN.
 */
export function correlationTwoSidedPValue(n: number): (r: number) => number {
  const df = n - 2;
  if (!(df > 0)) return () => NaN;
  const a = 0.5;
  const b = df / 2;
  const lnBeta = logBeta(a, b);
  const split = (a + 1) / (a + b + 2);
  const factor = Math.exp(-lnBeta) / a; // I_y(½, b) = |r| · factor · series
  const terms = 200;
  const ratio = new Float64Array(terms); // (j − b)/j
  const weight = new Float64Array(terms); // a/(a + j)
  for (let j = 1; j < terms; j++) {
    ratio[j] = (j - b) / j;
    weight[j] = a / (a + j);
  }
  return (r: number): number => {
    const s = Math.abs(r);
    if (!(s < 1)) return Number.isNaN(r) ? NaN : 0;
    const y = s * s; // r² = 1 − x
    if (y < split) {
      let term = 1;
      let sum = 1;
      for (let j = 1; j < terms; j++) {
        term *= ratio[j] * y;
        const add = weight[j] * term;
        sum += add;
        if (Math.abs(add) <= EPSILON * 0.1 * sum) break;
      }
      return 1 - s * factor * sum;
    }
    const x = (1 - s) * (1 + s); // 1 − r², without cancellation
    const logPrefix = Math.log(s) + b * Math.log(x) - lnBeta; // ln(y^a x^b / B(a, b))
    return Math.min(1, (Math.exp(logPrefix) * betaContinuedFraction(x, b, a)) / b);
  };
}

/** P(T ≤ t) for Student's t with df degrees of freedom. */
export function studentTCdf(t: number, df: number): number {
  return studentTSf(-t, df);
}

/** Two-sided p-value 2 P(T > |t|). */
export function studentTTwoSided(t: number, df: number): number {
  return Math.min(1, 2 * studentTSf(Math.abs(t), df));
}

/** P(X ≤ x) for χ² with df degrees of freedom: P(df/2, x/2). */
export function chiSquareCdf(x: number, df: number): number {
  return regularizedGammaP(df / 2, x / 2);
}

/** P(X > x) for χ² with df degrees of freedom: Q(df/2, x/2). */
export function chiSquareSf(x: number, df: number): number {
  return regularizedGammaQ(df / 2, x / 2);
}

/** Two-sided normal p-value 2 (1 − Φ(|z|)). */
export function normalTwoSided(z: number): number {
  return Math.min(1, 2 * normalSf(Math.abs(z)));
}

/** ln C(n, k) = ln Γ(n+1) − ln Γ(k+1) − ln Γ(n−k+1). */
export function logChoose(n: number, k: number): number {
  if (k < 0 || k > n) return -Infinity;
  return logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1);
}
