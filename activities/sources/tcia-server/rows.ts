/**
 * The JSON rows the local NBIA server answers, with the field names of the real NBIA v4 resources
 * (github.com/CBIIT/NBIA-TCIA, nbia-api/.../restAPI/v4): getPatient says `PatientId`, getSeries and
 * getPatientStudy say `PatientID`, exactly as NBIA does. In legacy mode the names of older APIs are
 * used instead: getSeries `TimeStamp` and `CollectionURI` (NBIA v1/v2), getSOPInstanceUIDs
 * `sop_instance_uid` (TCIA v3), getSeriesSize numbers as strings.
 */
import type { CollectionSpec, PatientSpec, ServedSeries } from './collection-spec';

export type Row = Record<string, string | number>;

const LICENSE_NAME = 'Creative Commons Attribution 4.0 International License';
const LICENSE_URI = 'https://creativecommons.org/licenses/by/4.0/';
const DATA_DESCRIPTION_URI = 'https://doi.org/10.0000/local-nbia-server';

/** getCollectionValues. */
export function collectionRows(collections: CollectionSpec[]): Row[] {
  return collections.map(({ collection }) => ({ Collection: collection }));
}

/** getPatient and NewPatientsInCollection. */
export function patientRow(collection: string, patient: PatientSpec): Row {
  return withoutUndefined({
    PatientId: patient.patientId,
    PatientName: patient.patientId,
    PatientSex: patient.patientSex,
    Collection: collection,
    Phantom: 'NO',
    SpeciesCode: '337915000',
    SpeciesDescription: 'Homo sapiens',
  });
}

/** getPatientStudy. */
export function studyRows(collection: CollectionSpec, patientId?: string, studyInstanceUid?: string): Row[] {
  const rows: Row[] = [];
  for (const patient of collection.patients) {
    if (patientId !== undefined && patient.patientId !== patientId) continue;
    for (const study of patient.studies) {
      if (studyInstanceUid !== undefined && study.studyInstanceUid !== studyInstanceUid) continue;
      rows.push(
        withoutUndefined({
          StudyInstanceUID: study.studyInstanceUid,
          StudyDate: study.studyDate,
          StudyDescription: study.studyDescription,
          PatientID: patient.patientId,
          PatientName: patient.patientId,
          PatientSex: patient.patientSex,
          Collection: collection.collection,
          SeriesCount: study.series.length,
        }),
      );
    }
  }
  return rows;
}

/** getSeries. */
export function seriesRow(served: ServedSeries, legacy: boolean): Row {
  const { series, study, patient } = served;
  const totalBytes = served.files.reduce((sum, file) => sum + file.size, 0);
  return withoutUndefined({
    SeriesInstanceUID: series.seriesInstanceUid,
    StudyInstanceUID: study.studyInstanceUid,
    Modality: series.modality,
    SeriesDescription: series.seriesDescription,
    BodyPartExamined: series.bodyPartExamined,
    SeriesNumber: series.seriesNumber,
    Collection: served.collection,
    PatientID: patient.patientId,
    PatientSex: patient.patientSex,
    Manufacturer: 'radiogenomics',
    ImageCount: served.files.length,
    [legacy ? 'TimeStamp' : 'MaxSubmissionTimestamp']: `${patient.dateReleased} 00:00:00.0`,
    LicenseName: LICENSE_NAME,
    LicenseURI: LICENSE_URI,
    [legacy ? 'CollectionURI' : 'DataDescriptionURI']: DATA_DESCRIPTION_URI,
    FileSize: totalBytes,
    DateReleased: `${patient.dateReleased} 00:00:00.0`,
    StudyDate: study.studyDate,
  });
}

/** getSeriesSize. NBIA computes TotalSizeInBytes as a SQL sum (a floating-point number). */
export function seriesSizeRow(served: ServedSeries, legacy: boolean): Row {
  const totalBytes = served.files.reduce((sum, file) => sum + file.size, 0);
  return legacy
    ? { TotalSizeInBytes: `${totalBytes}.0`, ObjectCount: String(served.files.length) }
    : { TotalSizeInBytes: totalBytes, ObjectCount: served.files.length };
}

/** getSOPInstanceUIDs. */
export function sopInstanceRows(served: ServedSeries, legacy: boolean): Row[] {
  return served.files.map((file): Row => ({ [legacy ? 'sop_instance_uid' : 'SOPInstanceUID']: file.sopInstanceUid }));
}

/** A copy without undefined values (NBIA's org.json rows leave null fields out). */
function withoutUndefined(row: Record<string, string | number | undefined>): Row {
  return Object.fromEntries(Object.entries(row).filter(([, value]) => value !== undefined)) as Row;
}
