/**
 * DICOM reading: the public entry points. Compressed transfer syntaxes that need WebAssembly
 * (JPEG-LS, JPEG 2000, baseline JPEG) load their codecs lazily, once, inside the async readers;
 * the *Sync variants work without them for native, deflated, RLE and JPEG lossless files, or after
 * `await loadWasmCodecs()`.
 */
export { isDicom, parseDicomBytes, TransferSyntax, Tag } from './dataset';
export type { DicomDataset } from './dataset';
export { loadWasmCodecs, wasmCodecsLoaded } from './codecs';
export { decodeDicomFile, decodeDicomFileSync } from './image';
export type { DicomImageFile, FrameGeometry } from './image';
export { SUPPORTED_TRANSFER_SYNTAXES, needsWasmCodecs } from './pixel-data';
export { readDicomSeries, readDicomSeriesSync, listDicomSeries, assembleVolume, DEFAULT_SPACING_TOLERANCE } from './series';
export type { DicomInputFile, DicomSeriesMeta, DicomVolume, ReadDicomSeriesOptions } from './series';
