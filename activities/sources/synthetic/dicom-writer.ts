/**
 * The synthetic consortium as a DICOM release, laid out like a TCIA download:
 *
 *   <root>/dicom/<PatientID>/<StudyInstanceUID>/<CT SeriesInstanceUID>/<SOPInstanceUID>.dcm   one file per slice
 *   <root>/dicom/<PatientID>/<StudyInstanceUID>/<SEG SeriesInstanceUID>/<SOPInstanceUID>.dcm  the tumor as DICOM-SEG
 *
 * UIDs are derived from the voxels and the patient, so the same consortium gives identical bytes.
 * The manifest points at the CT folder (image_uri ends with "/") and at the SEG file, or, for a
 * TCIA source, at `tcia://<SeriesInstanceUID>` of each.
 */
import type { BlobStore } from '../../storage/blob-store';
import { dicomSeriesReference, writeDicomSeries } from '../../imaging/dicom-write/series';
import { CODES, writeDicomSeg } from '../../imaging/dicom-write/seg';
import { deterministicUid } from '../../imaging/dicom-write/uids';
import type { CollectionSpecInput } from '../tcia-server/collection-spec';
import type { SyntheticPatient } from './consortium';

/** One written series: enough to find it in a folder, an S3 prefix or the local TCIA server. */
export interface WrittenSeries {
  patientId: string;
  studyInstanceUid: string;
  seriesInstanceUid: string;
  modality: 'CT' | 'SEG';
  /** The series folder, ending with "/". */
  folderUri: string;
  files: { sopInstanceUid: string; uri: string }[];
}

/** A patient written as DICOM: the CT series and the SEG series that references it. */
export interface WrittenDicomPatient {
  ct: WrittenSeries;
  seg: WrittenSeries;
}

/** The tumor segment every synthetic SEG carries (label 1). */
const TUMOR_SEGMENT = {
  label: 1,
  name: 'tumor',
  category: CODES.morphologicallyAlteredStructure,
  type: CODES.neoplasm,
  algorithmType: 'MANUAL' as const,
};

/** Write one patient's CT series and SEG under `<root>/dicom/...`. */
export async function writePatientDicom(store: BlobStore, root: string, patient: SyntheticPatient): Promise<WrittenDicomPatient> {
  const options = { patientId: patient.patientId, modality: 'CT' as const, seriesDescription: 'synthetic CT' };
  const reference = dicomSeriesReference(patient.image, options);
  const studyFolder = `${root}/dicom/${patient.patientId}/${reference.studyInstanceUid}`;

  const ctFolder = `${studyFolder}/${reference.seriesInstanceUid}/`;
  const ctFiles = writeDicomSeries(patient.image, options).map((file, k) => ({
    sopInstanceUid: reference.sopInstanceUids[k],
    bytes: file.bytes,
  }));
  const ct = await putSeries(store, patient.patientId, reference.studyInstanceUid, reference.seriesInstanceUid, 'CT', ctFolder, ctFiles);

  const segSeriesUid = deterministicUid('seg-series', reference.seriesInstanceUid);
  const segInstanceUid = deterministicUid('seg-instance', segSeriesUid);
  const segBytes = writeDicomSeg(patient.mask, reference, [TUMOR_SEGMENT], {
    seriesInstanceUid: segSeriesUid,
    sopInstanceUid: segInstanceUid,
    seriesDescription: 'tumor segmentation',
    contentLabel: 'TUMOR',
  });
  const segFolder = `${studyFolder}/${segSeriesUid}/`;
  const seg = await putSeries(store, patient.patientId, reference.studyInstanceUid, segSeriesUid, 'SEG', segFolder, [
    { sopInstanceUid: segInstanceUid, bytes: segBytes },
  ]);
  return { ct, seg };
}

/** Put the files of one series as `<folder><SOPInstanceUID>.dcm`. */
async function putSeries(
  store: BlobStore,
  patientId: string,
  studyInstanceUid: string,
  seriesInstanceUid: string,
  modality: 'CT' | 'SEG',
  folderUri: string,
  files: { sopInstanceUid: string; bytes: Uint8Array }[],
): Promise<WrittenSeries> {
  const written = [];
  for (const file of files) {
    const uri = `${folderUri}${file.sopInstanceUid}.dcm`;
    await store.put(uri, file.bytes);
    written.push({ sopInstanceUid: file.sopInstanceUid, uri });
  }
  return { patientId, studyInstanceUid, seriesInstanceUid, modality, folderUri, files: written };
}

/** The written DICOM patients as a TCIA collection the local NBIA server can serve (file:// roots only). */
export function tciaCollectionSpec(collection: string, patients: WrittenDicomPatient[]): CollectionSpecInput {
  const localPath = (uri: string) => {
    if (!uri.startsWith('file://')) throw new Error(`the local TCIA server serves local files only, not ${uri}`);
    return new URL(uri).pathname;
  };
  return {
    collection,
    patients: patients.map(({ ct, seg }) => ({
      patientId: ct.patientId,
      studies: [
        {
          studyInstanceUid: ct.studyInstanceUid,
          series: [ct, seg].map((series) => ({
            seriesInstanceUid: series.seriesInstanceUid,
            modality: series.modality,
            files: series.files.map((file) => ({ sopInstanceUid: file.sopInstanceUid, path: localPath(file.uri) })),
          })),
        },
      ],
    })),
  };
}
