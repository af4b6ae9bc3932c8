/**
 * A synthetic CT volume for the imaging benchmark: int16 Hounsfield-like values, seeded. Per slice:
 * air (-1000), an elliptic body (40 HU) whose radii change slowly along z, two lungs (-850), a
 * spine (700) and a few spherical lesions (60..120 HU), plus noise (σ ≈ 10 HU), so that lossless
 * compression behaves as on real CT (about 2:1, not the 20:1 of a noise-free phantom).
 */
import type { Int16Volume } from './types';

/** Build the volume; the same size and seed give the same voxels. */
export function syntheticCt(size: [number, number, number], seed: number): Int16Volume {
  const [nx, ny, nz] = size;
  const data = new Int16Array(nx * ny * nz);
  let state = seed >>> 0 || 1;
  const lesions = Array.from({ length: 6 }, (_, i) => ({
    x: nx * (0.35 + 0.3 * ((i * 0.618) % 1)),
    y: ny * (0.4 + 0.2 * ((i * 0.382) % 1)),
    z: nz * ((i + 0.5) / 6),
    r: Math.min(nx, ny) * (0.02 + 0.01 * (i % 3)),
    hu: 60 + 12 * i,
  }));
  for (let z = 0; z < nz; z++) {
    const t = nz > 1 ? z / (nz - 1) : 0;
    const bodyA = nx * (0.4 + 0.04 * Math.sin(t * Math.PI));
    const bodyB = ny * (0.3 + 0.03 * Math.cos(t * 2 * Math.PI));
    const lungA = nx * 0.12;
    const lungB = ny * (0.16 + 0.04 * Math.sin(t * Math.PI));
    const cx = nx / 2;
    const cy = ny / 2;
    const sliceLesions = lesions.filter((l) => Math.abs(l.z - z) < l.r);
    for (let y = 0; y < ny; y++) {
      const row = (z * ny + y) * nx;
      const dy = y - cy;
      for (let x = 0; x < nx; x++) {
        const dx = x - cx;
        let hu = -1000;
        if ((dx * dx) / (bodyA * bodyA) + (dy * dy) / (bodyB * bodyB) <= 1) {
          hu = 40;
          const lx = Math.abs(dx) - nx * 0.17;
          if ((lx * lx) / (lungA * lungA) + ((dy + ny * 0.03) * (dy + ny * 0.03)) / (lungB * lungB) <= 1) hu = -850;
          const sy = dy - ny * 0.2;
          if (dx * dx + sy * sy <= (nx * 0.04) ** 2) hu = 700;
          for (const l of sliceLesions) {
            const ex = x - l.x;
            const ey = y - l.y;
            const ez = z - l.z;
            if (ex * ex + ey * ey + ez * ez <= l.r * l.r) hu = l.hu;
          }
        }
        // Noise: the sum of two uniform draws (triangular, σ ≈ 10 HU), from a xorshift32 generator.
        state ^= state << 13;
        state ^= state >>> 17;
        state ^= state << 5;
        const noise = ((state & 0xff) + ((state >>> 8) & 0xff) - 255) * 0.1;
        data[row + x] = Math.round(hu + noise);
      }
    }
  }
  return {
    data,
    size: [nx, ny, nz],
    spacing: [0.7, 0.7, 1.25],
    origin: [-(nx * 0.7) / 2, -(ny * 0.7) / 2, -200],
    direction: [1, 0, 0, 0, 1, 0, 0, 0, 1],
  };
}
