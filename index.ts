/**
 * radiogenomics as a library: what scripts and other tools can call without running a workflow.
 *
 *   import { coxRegression, readClinical, readDicomSeries, extractFeatures } from 'radiogenomics';
 *
 * The package runs TypeScript through tsx (no build step): `node --import tsx script.ts`.
 * Every function is listed in the README ("Library").
 */
export * from './activities/stats';
export * from './activities/omics';

// Imaging: volumes in LPS (as ITK and DICOM), read and written.
export type { Volume, VoxelArray, Vec3, Mat3 } from './activities/imaging/volume';
export { decodeVolume } from './activities/imaging/read-volume';
export { decodeNrrd, encodeNrrd } from './activities/imaging/nrrd';
export { decodeNifti, encodeNifti } from './activities/imaging/nifti';
export { readDicomSeries, listDicomSeries, decodeDicomFile, isDicom } from './activities/imaging/dicom';
export { writeDicomSeries, dicomSeriesReference } from './activities/imaging/dicom-write/series';
export { writeDicomSeg, CODES } from './activities/imaging/dicom-write/seg';
export { readDicomSeg } from './activities/imaging/masks/seg-read';
export { readRtStruct, listRoiNames } from './activities/imaging/masks/rtstruct-read';
export { inspectPath } from './activities/imaging/inspect';

// Radiomics: PyRadiomics-compatible features (and the IBSI convention).
export { extractFeatures, extractWithParams } from './activities/radiomics';
export { parseParams, parseParamsFile } from './activities/radiomics/params-file';

// Sources and storage.
export { TciaClient, DEFAULT_NBIA_BASE_URL } from './activities/sources/tcia/client';
export { startLocalNbiaServer } from './activities/sources/tcia-server/server';
export { createStorage } from './activities/storage';
export { generateConsortium } from './activities/sources/synthetic/consortium';
export { writeConsortium } from './activities/sources/synthetic/writer';
