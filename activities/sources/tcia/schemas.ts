/**
 * The JSON rows of the NBIA REST API v4 (format=json), checked with zod at the boundary.
 *
 * Field names are those of the NBIA server's v4 resources (github.com/CBIIT/NBIA-TCIA,
 * software/nbia-api/src/gov/nih/nci/nbia/restAPI/v4). The server builds each row with org.json,
 * which drops null values, so every field but the identifying ones is optional.
 *
 * Legacy names are normalized to the v4 ones before validation (`normalizeLegacyFields`):
 *
 * | legacy name | v4 name | where it comes from |
 * | --- | --- | --- |
 * | `PatientId` | `PatientID` | getPatient and NewPatientsInCollection, in every NBIA version (v1 to v4), while getPatientStudy and getSeries say `PatientID` |
 * | `TimeStamp` | `MaxSubmissionTimestamp` | getSeries v1/v2 |
 * | `CollectionURI` | `DataDescriptionURI` | getSeries v1/v2 |
 * | `sop_instance_uid` | `SOPInstanceUID` | getSOPInstanceUIDs of the older TCIA v3 API |
 * | `Subject ID`, `Patient ID` | `PatientID` | getSeriesMetadata and manifests (display names) |
 * | `Series UID`, `Series Instance UID`, `Series ID` | `SeriesInstanceUID` | same |
 * | `Study UID`, `Study Instance UID` | `StudyInstanceUID` | same |
 * | `Number of images`, `Image Count` | `ImageCount` | same |
 * | `File Size`, `File Size (Bytes)` | `FileSize` | same |
 *
 * Numbers may arrive as numbers or numeric strings (getSeriesSize's TotalSizeInBytes is a SQL sum).
 */
import { z } from 'zod';

/** Legacy field name → v4 field name (see the table above). */
export const LEGACY_FIELD_NAMES: Readonly<Record<string, string>> = {
  PatientId: 'PatientID',
  TimeStamp: 'MaxSubmissionTimestamp',
  CollectionURI: 'DataDescriptionURI',
  sop_instance_uid: 'SOPInstanceUID',
  'Subject ID': 'PatientID',
  'Patient ID': 'PatientID',
  'Series UID': 'SeriesInstanceUID',
  'Series Instance UID': 'SeriesInstanceUID',
  'Series ID': 'SeriesInstanceUID',
  'Study UID': 'StudyInstanceUID',
  'Study Instance UID': 'StudyInstanceUID',
  'Number of images': 'ImageCount',
  'Image Count': 'ImageCount',
  'File Size': 'FileSize',
  'File Size (Bytes)': 'FileSize',
};

/** A copy of a row with legacy field names renamed to v4 names (a v4 name already present wins). */
export function normalizeLegacyFields(row: unknown): unknown {
  if (typeof row !== 'object' || row === null || Array.isArray(row)) return row;
  const normalized: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    const name = LEGACY_FIELD_NAMES[key] ?? key;
    if (name !== key && name in row) continue;
    normalized[name] = value;
  }
  return normalized;
}

/** A count or size that may be sent as a number or as a numeric string. */
const numeric = z.union([z.number(), z.string().trim().regex(/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/)]).transform(Number);
const optionalText = z.union([z.string(), z.number()]).transform(String).optional();

export const CollectionRowSchema = z.looseObject({ Collection: z.string().min(1) });
export type CollectionRow = z.infer<typeof CollectionRowSchema>;

/** getPatient and NewPatientsInCollection. */
export const PatientRowSchema = z.looseObject({
  PatientID: z.string().min(1),
  PatientName: optionalText,
  PatientSex: optionalText,
  EthnicGroup: optionalText,
  Collection: z.string().optional(),
  Phantom: optionalText,
  SpeciesCode: optionalText,
  SpeciesDescription: optionalText,
});
export type PatientRow = z.infer<typeof PatientRowSchema>;

/** getPatientStudy. */
export const StudyRowSchema = z.looseObject({
  StudyInstanceUID: z.string().min(1),
  StudyDate: optionalText,
  StudyDescription: optionalText,
  StudyID: optionalText,
  PatientAge: optionalText,
  PatientID: z.string().min(1),
  PatientName: optionalText,
  PatientSex: optionalText,
  Collection: z.string().optional(),
  SeriesCount: numeric.optional(),
});
export type StudyRow = z.infer<typeof StudyRowSchema>;

/** getSeries. ImageCount is what a download of the series is checked against. */
export const SeriesRowSchema = z.looseObject({
  SeriesInstanceUID: z.string().min(1),
  StudyInstanceUID: z.string().min(1),
  Modality: optionalText,
  ProtocolName: optionalText,
  SeriesDate: optionalText,
  SeriesDescription: optionalText,
  BodyPartExamined: optionalText,
  SeriesNumber: optionalText,
  Collection: z.string().optional(),
  PatientID: z.string().min(1),
  Manufacturer: optionalText,
  ManufacturerModelName: optionalText,
  ImageCount: numeric,
  MaxSubmissionTimestamp: optionalText,
  LicenseName: optionalText,
  LicenseURI: optionalText,
  DataDescriptionURI: optionalText,
  FileSize: numeric.optional(),
  DateReleased: optionalText,
  StudyDate: optionalText,
});
export type SeriesRow = z.infer<typeof SeriesRowSchema>;

/** getSeriesSize. */
export const SeriesSizeRowSchema = z.looseObject({ TotalSizeInBytes: numeric, ObjectCount: numeric });
export type SeriesSizeRow = z.infer<typeof SeriesSizeRowSchema>;

/** getSOPInstanceUIDs. */
export const SopInstanceRowSchema = z.looseObject({ SOPInstanceUID: z.string().min(1) });
export type SopInstanceRow = z.infer<typeof SopInstanceRowSchema>;

/** The completion marker a finished series download leaves at `<prefix>/.complete.json`. */
export const CompletionMarkerSchema = z.object({
  seriesInstanceUid: z.string().min(1),
  imageCount: z.number().int().nonnegative(),
  files: z.array(
    z.object({ name: z.string().min(1), uri: z.string().min(1), size: z.number().int().nonnegative(), md5: z.string() }),
  ),
});
export type CompletionMarker = z.infer<typeof CompletionMarkerSchema>;
