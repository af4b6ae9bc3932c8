/**
 * Lookup tables of the marching-cubes mesh used by the 3D shape features (shape.ts), in the
 * corner and edge numbering of PyRadiomics' C extension (radiomics/src/cshape.c), so that the mesh,
 * and with it MeshVolume, SurfaceArea and the diameters, is the one PyRadiomics builds.
 *
 * A cube spans 2×2×2 neighbouring voxels. Its corners p0..p7 as voxel offsets (dx, dy, dz):
 *   p0 = (0,0,0)  p1 = (1,0,0)  p2 = (1,1,0)  p3 = (0,1,0)     (slice z)
 *   p4 = (0,0,1)  p5 = (1,0,1)  p6 = (1,1,1)  p7 = (0,1,1)     (slice z + 1, above p0..p3)
 * Edges: e0..e3 go around p0 → p1 → p2 → p3, e4..e7 around p4 → p5 → p6 → p7, and e8..e11
 * join p0..p3 to the corner above (p4..p7).
 *
 * Corner i sets bit i of the cube index when its voxel belongs to the ROI. The mesh vertex on an
 * edge whose two corners differ lies at the edge's midpoint (a binary mask has no sub-voxel level).
 */

/** Voxel offsets (dx, dy, dz) of the cube corners p0..p7. */
export const CUBE_CORNERS: readonly (readonly [number, number, number])[] = [
  [0, 0, 0],
  [1, 0, 0],
  [1, 1, 0],
  [0, 1, 0],
  [0, 0, 1],
  [1, 0, 1],
  [1, 1, 1],
  [0, 1, 1],
];

/** The two corners joined by each cube edge e0..e11. */
export const CUBE_EDGES: readonly (readonly [number, number])[] = [
  [0, 1], [1, 2], [2, 3], [3, 0],
  [4, 5], [5, 6], [6, 7], [7, 4],
  [0, 4], [1, 5], [2, 6], [3, 7],
];

/**
 * Edge midpoints e0..e11 as doubled voxel offsets (2dx, 2dy, 2dz), flattened: edge e at 3e..3e+2.
 * Doubled so that they are integers: a midpoint sits at offset 0, ½ or 1 along each axis.
 */
export const EDGE_MIDPOINTS_X2: Int8Array = Int8Array.from(
  CUBE_EDGES.flatMap(([a, b]) => [0, 1, 2].map((axis) => CUBE_CORNERS[a][axis] + CUBE_CORNERS[b][axis])),
);

/**
 * Triangles for cube indices 0..127 (corner p7 outside the ROI), one string per index. Each letter
 * is an edge ('a' = e0 … 'l' = e11); every three letters are one triangle (a, b, c). Triangles face
 * out of the ROI when their normal (b − a) × (c − a) is computed on (z, y, x) component vectors, as
 * PyRadiomics does: summed over the three edges a triangle cuts, the normal points from the inside
 * corner to the outside one. An index ≥ 128 takes the triangles of its complement (index XOR 255),
 * which then face inwards. Transcribed from PyRadiomics' triTable: same triangles, same order.
 * (Using complements this way leaves the mesh open at some ambiguous configurations; PyRadiomics'
 * values depend on it, so the table is kept as is.)
 */
const TRIANGLE_CODES: readonly string[] = [
  '', 'aid', 'bja', 'bidbji', // 0–3
  'bck', 'aidbck', 'jckacj', 'cidckikji', // 4–7
  'lcd', 'lcaail', 'bjalcd', 'lcbbjljil', // 8–11
  'dkblkd', 'kbaaikilk', 'jaddljlkj', 'jiklki', // 12–15
  'ehi', 'aedehd', 'bjaehi', 'bjebehbhd', // 16–19
  'bckehi', 'dehdaebck', 'jckjacehi', 'ckjcjhchdehj', // 20–23
  'ehilcd', 'lehlcecae', 'bjaehilcd', 'ehljellcjbjc', // 24–27
  'dkblkdehi', 'lkbbelbaeehl', 'ehijaddljlkj', 'ehleljjlk', // 28–31
  'jfe', 'jfeaid', 'afeabf', 'ifeidfdbf', // 32–35
  'bckjfe', 'aidbckjfe', 'ckffeccea', 'ckfdcfdfeide', // 36–39
  'jfelcd', 'lcaailjfe', 'afeabflcd', 'cbfcfilcifei', // 40–43
  'dkblkdjfe', 'fejkbaaikilk', 'feafalkfllad', 'feikfilki', // 44–47
  'hijfhj', 'dajfdjdfh', 'hiaabhhbf', 'bfhbhd', // 48–51
  'hijfhjbck', 'bckdajdjfdfh', 'aciicfifhckf', 'ckfcfddfh', // 52–55
  'fhjhijlcd', 'fhjjhccajlch', 'lcdabibhibfh', 'cblbhlbfh', // 56–59
  'hijfhjdkblkd', 'fhafajhlakbalka', 'lkaadlkfaahifha', 'lkffhl', // 60–63
  'gfk', 'aidgfk', 'bjagfk', 'bidbjigfk', // 64–67
  'bgfbcg', 'bgfbcgaid', 'jgfjagacg', 'fjificfcgidc', // 68–71
  'lcdgfk', 'lcaailgfk', 'bjalcdgfk', 'lcbbjljilgfk', // 72–75
  'gdlgfdfbd', 'ailalfafbflg', 'gdladgagfafj', 'gfjgjllji', // 76–79
  'ehigfk', 'aedehdgfk', 'bjaehigfk', 'bjebehbhdgfk', // 80–83
  'ehibgfbcg', 'aedehdbgfbcg', 'ehijgfjagacg', 'hdjehjdcjfjgcgj', // 84–87
  'lcdehigfk', 'lehlcecaegfk', 'bjalcdehigfk', 'ehljellcjbjcgfk', // 88–91
  'ehigdlgfdfbd', 'fblflgbalehlael', 'ehigdladgagfafj', 'gfjgjlehjhlj', // 92–95
  'kejgek', 'kejgekaid', 'abkkgagea', 'bidbgiigegbk', // 96–99
  'bejbcecge', 'bejbcecgeaid', 'aceecg', 'idciceecg', // 100–103
  'lcdkejgek', 'lcaailkejgek', 'lcdabkkgagea', 'gebgbkbeilcbbil', // 104–107
  'jgedgjbdjlgd', 'bilaiblgbbejgeb', 'gdladggea', 'igegil', // 108–111
  'ghkhikijk', 'ghkakhajkahd', 'ghkbkhbhiabi', 'ghkbkhbhd', // 112–115
  'bcgbgibijghi', 'cgjbcjghjdajhdj', 'ahihaggac', 'chdcgh', // 116–119
  'lcdghkhikijk', 'cahlchajhghkjkh', 'ghkbkhbhiabilcd', 'lcbbhlkgbbgh', // 120–123
  'ijgghibgjlgdbdg', 'ajbghl', 'ahihagadllga', 'ghl', // 124–127
];

/** Table row length: up to 5 triangles (15 edges) per cube, then at least one −1. */
export const TRIANGLE_ROW = 16;

/** The triangles decoded: for cube index i < 128, edge numbers at TRIANGLE_ROW·i onwards, ended by −1. */
export const TRIANGLES: Int8Array = decodeTriangles(TRIANGLE_CODES);

function decodeTriangles(codes: readonly string[]): Int8Array {
  const table = new Int8Array(codes.length * TRIANGLE_ROW).fill(-1);
  codes.forEach((code, index) => {
    for (let k = 0; k < code.length; k++) table[index * TRIANGLE_ROW + k] = code.charCodeAt(k) - 'a'.charCodeAt(0);
  });
  return table;
}
