/**
 * Eigenvalues of a real symmetric matrix, for GLCM MCC (the second largest eigenvalue of Q).
 *
 * Two classic steps, O(n³) in all and backward stable:
 *  1. Householder reduction to tridiagonal form: for each column k, a reflection H = I − 2vvᵀ/vᵀv
 *     zeroes the entries below the subdiagonal, and H·A·H keeps the eigenvalues.
 *  2. Implicit QL iterations with a Wilkinson shift on the tridiagonal matrix (diagonal d,
 *     off-diagonal e), each a chain of Givens rotations, until every e is negligible; the
 *     diagonal then holds the eigenvalues. Typically fewer than two iterations per eigenvalue.
 */

/** Most QL iterations allowed for one eigenvalue before giving up (never reached in practice). */
const MAX_ITERATIONS = 60;

/**
 * All eigenvalues, ascending, of the symmetric n×n matrix `a` (row-major: a[i * n + j]; only its
 * lower triangle j ≤ i is read; definiteness is not assumed). `a` is overwritten.
 */
export function symmetricEigenvalues(a: Float64Array, n: number): Float64Array {
  if (a.length !== n * n) throw new RangeError(`expected ${n}×${n} = ${n * n} elements, got ${a.length}`);
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  tridiagonalize(a, n, d, e);
  tridiagonalQL(d, e, n);
  return d.sort();
}

/**
 * Householder reduction of symmetric `a` (overwritten) to a tridiagonal matrix with diagonal `d`
 * and off-diagonal `e` (e[i] couples rows i and i + 1; e[n − 1] = 0).
 */
function tridiagonalize(a: Float64Array, n: number, d: Float64Array, e: Float64Array): void {
  const v = new Float64Array(n);
  const q = new Float64Array(n);
  for (let k = 0; k < n - 2; k++) {
    // x = column k below the diagonal; reflect it onto alpha·e1 with |alpha| = |x|.
    let norm2 = 0;
    for (let i = k + 1; i < n; i++) norm2 += a[i * n + k] ** 2;
    if (norm2 === 0) continue; // already reduced
    const x0 = a[(k + 1) * n + k];
    const alpha = x0 > 0 ? -Math.sqrt(norm2) : Math.sqrt(norm2); // opposite sign to x0: no cancellation
    for (let i = k + 1; i < n; i++) v[i] = a[i * n + k];
    v[k + 1] -= alpha;
    const vtv = 2 * (norm2 - alpha * x0); // |x − alpha·e1|², > 0
    // With p = (2/vᵀv)·A·v and q = p − (vᵀp / vᵀv)·v, the trailing block becomes A − v·qᵀ − q·vᵀ.
    // Only the lower triangle (j ≤ i) of the trailing block is read and updated: A stays symmetric.
    q.fill(0, k + 1);
    for (let i = k + 1; i < n; i++) {
      const row = i * n;
      const vi = v[i];
      let sum = 0;
      for (let j = k + 1; j < i; j++) {
        const aij = a[row + j];
        sum += aij * v[j];
        q[j] += aij * vi;
      }
      q[i] += sum + a[row + i] * vi;
    }
    let vtp = 0;
    for (let i = k + 1; i < n; i++) {
      q[i] *= 2 / vtv;
      vtp += v[i] * q[i];
    }
    const K = vtp / vtv;
    for (let i = k + 1; i < n; i++) q[i] -= K * v[i];
    for (let i = k + 1; i < n; i++) {
      const row = i * n;
      const vi = v[i];
      const qi = q[i];
      for (let j = k + 1; j <= i; j++) a[row + j] -= vi * q[j] + qi * v[j];
    }
    a[(k + 1) * n + k] = alpha;
    for (let i = k + 2; i < n; i++) a[i * n + k] = 0;
  }
  for (let i = 0; i < n; i++) {
    d[i] = a[i * n + i];
    e[i] = i + 1 < n ? a[(i + 1) * n + i] : 0;
  }
}

/**
 * Implicit QL with Wilkinson shifts on the symmetric tridiagonal matrix (d, e); leaves the
 * eigenvalues in d (unordered) and zeros in e.
 */
function tridiagonalQL(d: Float64Array, e: Float64Array, n: number): void {
  for (let l = 0; l < n; l++) {
    for (let iteration = 0; ; iteration++) {
      // Find the first negligible off-diagonal element at or after l: the block l..m is unreduced.
      let m = l;
      while (m < n - 1 && Math.abs(e[m]) > Number.EPSILON * (Math.abs(d[m]) + Math.abs(d[m + 1]))) m++;
      if (m === l) break; // d[l] is an eigenvalue
      if (iteration >= MAX_ITERATIONS) throw new Error('symmetric eigenvalues: QL iterations did not converge');
      // Wilkinson shift: the eigenvalue of the leading 2×2 block closer to d[l].
      let g = (d[l + 1] - d[l]) / (2 * e[l]);
      let r = hypot(g, 1);
      g = d[m] - d[l] + e[l] / (g + (g >= 0 ? r : -r));
      // Chase the bulge from the bottom of the block up to l with Givens rotations (s, c).
      let s = 1;
      let c = 1;
      let p = 0;
      let deflated = false;
      for (let i = m - 1; i >= l; i--) {
        const f = s * e[i];
        const b = c * e[i];
        r = hypot(f, g);
        e[i + 1] = r;
        if (r === 0) {
          // The rotation underflowed: the block splits at i + 1; restart the search.
          d[i + 1] -= p;
          e[m] = 0;
          deflated = true;
          break;
        }
        s = f / r;
        c = g / r;
        g = d[i + 1] - p;
        r = (d[i] - g) * s + 2 * c * b;
        p = s * r;
        d[i + 1] = g + p;
        g = c * r - b;
      }
      if (deflated) continue;
      d[l] -= p;
      e[l] = g;
      e[m] = 0;
    }
  }
}

/**
 * √(a² + b²) without undue overflow, exactly as V8's Math.hypot computes it for two arguments
 * (the largest magnitude M times √(Σ (|v|/M)²), summed in argument order), so the same bits, but
 * without the cost of a variadic builtin call in this hot loop.
 */
export function hypot(a: number, b: number): number {
  const x = Math.abs(a);
  const y = Math.abs(b);
  if (x === Infinity || y === Infinity) return Infinity;
  if (Number.isNaN(x) || Number.isNaN(y)) return NaN;
  const max = x > y ? x : y;
  if (max === 0) return 0;
  const nx = x / max;
  const ny = y / max;
  return Math.sqrt(nx * nx + ny * ny) * max;
}
