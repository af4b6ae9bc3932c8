/**
 * Voxel volumes, shared by first-order TotalEnergy and the shape class (shape.ts).
 */
import type { Vec3 } from '../imaging/volume';

/** V_voxel = Δx · Δy · Δz, the volume of one voxel in mm³. */
export function voxelVolumeMm3(spacing: Vec3): number {
  return spacing[0] * spacing[1] * spacing[2];
}

/** VoxelVolume = Np · V_voxel */
export function voxelVolume(voxelCount: number, spacing: Vec3): number {
  return voxelCount * voxelVolumeMm3(spacing);
}
