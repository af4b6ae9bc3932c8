/**
 * Lookup tables of the marching-squares contour used by the 2D shape features (shape2d.ts), in the
 * corner and edge numbering of PyRadiomics' C extension (radiomics/src/cshape.c, the 2D part), so
 * that the contour, and with it MeshSurface, Perimeter and MaximumDiameter, is the one PyRadiomics
 * builds.
 *
 * A square spans 2×2 neighbouring pixels of the plane. With u the slower (row) axis and v the faster
 * (column) axis of the plane, its corners p0..p3 as pixel offsets (du, dv) are
 *   p0 = (0,0) ── e0 ── p1 = (0,1)
 *     │                    │
 *    e3                   e1
 *     │                    │
 *   p3 = (1,0) ── e2 ── p2 = (1,1)
 * so edges e0..e3 go around the square p0 → p1 → p2 → p3 → p0.
 *
 * Corner i sets bit i of the square index when its pixel belongs to the ROI. A contour vertex on an
 * edge whose two corners differ lies at the edge's midpoint (a binary mask has no sub-pixel level).
 */

/** Pixel offsets (du, dv) of the square corners p0..p3. */
export const SQUARE_CORNERS: readonly (readonly [number, number])[] = [
  [0, 0],
  [0, 1],
  [1, 1],
  [1, 0],
];

/** The two corners joined by each square edge e0..e3. */
export const SQUARE_EDGES: readonly (readonly [number, number])[] = [
  [0, 1],
  [1, 2],
  [2, 3],
  [3, 0],
];

/**
 * Edge midpoints e0..e3 as doubled pixel offsets (2du, 2dv), flattened: edge e at 2e, 2e + 1.
 * Doubled so that they are integers: a midpoint sits at offset 0, ½ or 1 along each axis.
 */
export const SQUARE_EDGE_MIDPOINTS_X2: Int8Array = Int8Array.from(
  SQUARE_EDGES.flatMap(([a, b]) => [0, 1].map((axis) => SQUARE_CORNERS[a][axis] + SQUARE_CORNERS[b][axis])),
);

/**
 * Contour segments for square indices 0..15, one string per index. Each letter is an edge
 * ('a' = e0 … 'd' = e3); every two letters are one directed segment (from, to). Directions are
 * such that, with points written (u, v), the ROI lies to the left: (to − from) × (inside − from) > 0
 * for the inside corner of either cut edge. Hence the cross products from × to of a closed contour
 * sum to twice its enclosed area, positive. Indices 5 and 10 (diagonal corners inside) are resolved
 * as two separate corners, as PyRadiomics does. Same segments, same order as its lineTable2D.
 */
const SEGMENT_CODES: readonly string[] = [
  '', 'da', 'ab', 'db', // 0–3
  'bc', 'bcda', 'ac', 'dc', // 4–7
  'cd', 'ca', 'abcd', 'cb', // 8–11
  'bd', 'ba', 'ad', '', // 12–15
];

/** Table row length: up to 2 segments (4 edges) per square, then at least one −1. */
export const SEGMENT_ROW = 5;

/** The segments decoded: for square index i, edge numbers at SEGMENT_ROW·i onwards, ended by −1. */
export const SEGMENTS: Int8Array = decodeSegments(SEGMENT_CODES);

function decodeSegments(codes: readonly string[]): Int8Array {
  const table = new Int8Array(codes.length * SEGMENT_ROW).fill(-1);
  codes.forEach((code, index) => {
    for (let k = 0; k < code.length; k++) table[index * SEGMENT_ROW + k] = code.charCodeAt(k) - 'a'.charCodeAt(0);
  });
  return table;
}
