/**
 * The 3D convex hull of a point set, by the incremental algorithm: start from a tetrahedron of
 * four non-coplanar points, then add each point that lies outside the current hull, replacing the
 * faces it sees by a fan of new faces from the point to the horizon (the boundary of the seen faces).
 *
 * Points are integer coordinates (e.g. mesh vertices in half-voxel units), so the orientation test
 * is exact; physical positions are the integer coordinates times a per-axis scale, a positive
 * diagonal map that keeps convexity, so the hull of the scaled points has the same faces.
 *
 * Each step costs a pass over the faces, so points that cannot be hull vertices are dropped first:
 * a point lying strictly between two others on a line parallel to an axis is inside their segment.
 * Only the points that are the lowest or highest on each of their three axis-parallel lines remain
 * (for a mesh of a 125 000-voxel ROI: from 28 000 vertices to a few thousand).
 */

/** Faces (a, b, c) of the hull, indices into the points, counter-clockwise seen from outside. */
export type HullFaces = [number, number, number][];

/** The hull's faces, or null when the points are all coplanar (the hull has no volume). */
export function convexHull(points: Int32Array): HullFaces | null {
  const kept = lineExtremes(points);
  const subset = new Int32Array(3 * kept.length);
  kept.forEach((p, k) => subset.set(points.subarray(3 * p, 3 * p + 3), 3 * k));
  const faces = hullOf(subset);
  return faces && faces.map((face) => face.map((k) => kept[k]) as [number, number, number]);
}

/** Indices of the points that are extreme (lowest or highest) on all three of their axis-parallel lines. */
export function lineExtremes(points: Int32Array): number[] {
  const n = points.length / 3;
  const extremeOn = new Uint8Array(n);
  for (let axis = 0; axis < 3; axis++) {
    const [u, v] = [(axis + 1) % 3, (axis + 2) % 3];
    const lines = new Map<string, [number, number]>();
    for (let p = 0; p < n; p++) {
      const key = `${points[3 * p + u]},${points[3 * p + v]}`;
      const line = lines.get(key);
      if (!line) lines.set(key, [p, p]);
      else {
        if (points[3 * p + axis] < points[3 * line[0] + axis]) line[0] = p;
        if (points[3 * p + axis] > points[3 * line[1] + axis]) line[1] = p;
      }
    }
    // Every point equal to its line's extreme coordinate counts (duplicates included).
    for (let p = 0; p < n; p++) {
      const line = lines.get(`${points[3 * p + u]},${points[3 * p + v]}`)!;
      const c = points[3 * p + axis];
      if (c === points[3 * line[0] + axis] || c === points[3 * line[1] + axis]) extremeOn[p]++;
    }
  }
  const kept: number[] = [];
  for (let p = 0; p < n; p++) if (extremeOn[p] === 3) kept.push(p);
  return kept;
}

/** The incremental hull of all the points (see the module comment). */
function hullOf(points: Int32Array): HullFaces | null {
  const n = points.length / 3;
  const orient = (a: number, b: number, c: number, p: number) => orientation(points, a, b, c, p);
  const start = initialTetrahedron(points);
  if (!start) return null;
  const [p0, p1, p2, p3] = start;
  let faces: HullFaces = [
    [p0, p1, p2],
    [p0, p2, p3],
    [p0, p3, p1],
    [p1, p3, p2],
  ];
  // Orient every face so that the fourth point lies behind it.
  faces = faces.map(([a, b, c]) => {
    const other = start.find((p) => p !== a && p !== b && p !== c)!;
    return orient(a, b, c, other) > 0 ? [a, c, b] : [a, b, c];
  });
  for (let p = 0; p < n; p++) {
    if (start.includes(p)) continue;
    const visible = faces.map(([a, b, c]) => orient(a, b, c, p) > 0);
    if (!visible.includes(true)) continue;
    // Directed edges of the visible faces; an edge whose reverse is not among them is on the horizon.
    const edges = new Set<number>();
    faces.forEach(([a, b, c], f) => {
      if (visible[f]) for (const [u, v] of [[a, b], [b, c], [c, a]]) edges.add(u * n + v);
    });
    const fan: HullFaces = [];
    faces.forEach(([a, b, c], f) => {
      if (!visible[f]) return;
      for (const [u, v] of [[a, b], [b, c], [c, a]]) if (!edges.has(v * n + u)) fan.push([u, v, p]);
    });
    faces = faces.filter((_, f) => !visible[f]).concat(fan);
  }
  return faces;
}

/** (b − a) × (c − a) · (p − a): positive when p lies in front of the face (a, b, c). Exact on integers. */
function orientation(q: Int32Array, a: number, b: number, c: number, p: number): number {
  const [ux, uy, uz] = [q[3 * b] - q[3 * a], q[3 * b + 1] - q[3 * a + 1], q[3 * b + 2] - q[3 * a + 2]];
  const [vx, vy, vz] = [q[3 * c] - q[3 * a], q[3 * c + 1] - q[3 * a + 1], q[3 * c + 2] - q[3 * a + 2]];
  const [wx, wy, wz] = [q[3 * p] - q[3 * a], q[3 * p + 1] - q[3 * a + 1], q[3 * p + 2] - q[3 * a + 2]];
  return (uy * vz - uz * vy) * wx + (uz * vx - ux * vz) * wy + (ux * vy - uy * vx) * wz;
}

/** Four points spanning a tetrahedron of non-zero volume, or null. */
function initialTetrahedron(q: Int32Array): [number, number, number, number] | null {
  const n = q.length / 3;
  if (n < 4) return null;
  const best = (score: (p: number) => number): number => {
    let arg = 0;
    let top = -1;
    for (let p = 0; p < n; p++) {
      const s = score(p);
      if (s > top) [top, arg] = [s, p];
    }
    return top > 0 ? arg : -1;
  };
  const a = 0;
  const b = best((p) => (q[3 * p] - q[0]) ** 2 + (q[3 * p + 1] - q[1]) ** 2 + (q[3 * p + 2] - q[2]) ** 2);
  if (b < 0) return null;
  const c = best((p) => {
    const [ux, uy, uz] = [q[3 * b] - q[0], q[3 * b + 1] - q[1], q[3 * b + 2] - q[2]];
    const [vx, vy, vz] = [q[3 * p] - q[0], q[3 * p + 1] - q[1], q[3 * p + 2] - q[2]];
    return (uy * vz - uz * vy) ** 2 + (uz * vx - ux * vz) ** 2 + (ux * vy - uy * vx) ** 2;
  });
  if (c < 0) return null;
  const d = best((p) => Math.abs(orientation(q, a, b, c, p)));
  return d < 0 ? null : [a, b, c, d];
}

/** Volume Σ a · (b × c) / 6 and area Σ |(b − a) × (c − a)| / 2 of the hull, with points scaled per axis. */
export function hullVolumeAndArea(
  points: Int32Array,
  faces: HullFaces,
  scale: readonly number[],
): { volume: number; area: number } {
  const at = (p: number) => [0, 1, 2].map((axis) => points[3 * p + axis] * scale[axis]);
  let volume6 = 0;
  let area2 = 0;
  for (const [ia, ib, ic] of faces) {
    const [a, b, c] = [at(ia), at(ib), at(ic)];
    volume6 += a[0] * (b[1] * c[2] - b[2] * c[1]) + a[1] * (b[2] * c[0] - b[0] * c[2]) + a[2] * (b[0] * c[1] - b[1] * c[0]);
    const [u, v] = [b.map((x, i) => x - a[i]), c.map((x, i) => x - a[i])];
    area2 += Math.hypot(u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]);
  }
  return { volume: volume6 / 6, area: area2 / 2 };
}
