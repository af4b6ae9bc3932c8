/**
 * Shape features that need only the voxel count (PyRadiomics `shape` class).
 * The mesh-based ones (MeshVolume, SurfaceArea, Sphericity, diameters...) belong in shape.ts.
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

/** The count-based shape features, by PyRadiomics name. */
export function basicShapeFeatures(voxelCount: number, spacing: Vec3): Record<string, number> {
  return { VoxelVolume: voxelVolume(voxelCount, spacing) };
}
