/**
 * What the local NBIA server serves: one or more collections, described in memory or read from a
 * folder tree `<root>/<PatientID>/<StudyInstanceUID>/<SeriesInstanceUID>/<SOPInstanceUID>.dcm`.
 */
import { createHash } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export const FileSpecSchema = z
  .object({
    sopInstanceUid: z.string().min(1),
    /** The DICOM bytes, in memory… */
    bytes: z.custom<Uint8Array>((value) => value instanceof Uint8Array, 'expected bytes (Uint8Array)').optional(),
    /** …or a local file holding them. */
    path: z.string().min(1).optional(),
  })
  .refine((file) => (file.bytes === undefined) !== (file.path === undefined), {
    message: 'give exactly one of bytes or path',
  });

export const SeriesSpecSchema = z.object({
  seriesInstanceUid: z.string().min(1),
  modality: z.string().min(1).default('CT'),
  seriesDescription: z.string().optional(),
  bodyPartExamined: z.string().optional(),
  seriesNumber: z.number().int().optional(),
  files: z.array(FileSpecSchema),
});

export const StudySpecSchema = z.object({
  studyInstanceUid: z.string().min(1),
  studyDate: z.string().regex(DAY).optional(),
  studyDescription: z.string().optional(),
  series: z.array(SeriesSpecSchema),
});

export const PatientSpecSchema = z.object({
  patientId: z.string().min(1),
  patientSex: z.enum(['M', 'F', 'O']).optional(),
  /** The day the patient was released (NewPatientsInCollection filters on it). Default 2020-01-01. */
  dateReleased: z.string().regex(DAY).default('2020-01-01'),
  studies: z.array(StudySpecSchema),
});

export const CollectionSpecSchema = z.object({
  collection: z.string().min(1),
  patients: z.array(PatientSpecSchema),
});

export type FileSpec = z.infer<typeof FileSpecSchema>;
export type SeriesSpec = z.infer<typeof SeriesSpecSchema>;
export type StudySpec = z.infer<typeof StudySpecSchema>;
export type PatientSpec = z.infer<typeof PatientSpecSchema>;
export type CollectionSpec = z.infer<typeof CollectionSpecSchema>;
export type CollectionSpecInput = z.input<typeof CollectionSpecSchema>;

/** A file of a served series, with its size and MD5 (computed once, at start). */
export interface ServedFile extends FileSpec {
  size: number;
  md5: string;
}

/** A series with everything the endpoints need to answer about it. */
export interface ServedSeries {
  collection: string;
  patient: PatientSpec;
  study: StudySpec;
  series: SeriesSpec;
  files: ServedFile[];
}

/** Every series of the collections, keyed by SeriesInstanceUID, with sizes and MD5s computed. */
export async function indexSeries(collections: CollectionSpec[]): Promise<Map<string, ServedSeries>> {
  const index = new Map<string, ServedSeries>();
  for (const { collection, patients } of collections) {
    for (const patient of patients) {
      for (const study of patient.studies) {
        for (const series of study.series) {
          const files = await Promise.all(series.files.map(describeFile));
          index.set(series.seriesInstanceUid, { collection, patient, study, series, files });
        }
      }
    }
  }
  return index;
}

/** Size and MD5 of a file's bytes (streamed when they live on disk). */
async function describeFile(file: FileSpec): Promise<ServedFile> {
  if (file.bytes) {
    return { ...file, size: file.bytes.byteLength, md5: createHash('md5').update(file.bytes).digest('hex') };
  }
  const hash = createHash('md5');
  let size = 0;
  for await (const chunk of createReadStream(file.path as string)) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { ...file, size, md5: hash.digest('hex') };
}

/**
 * A collection read from `<root>/<PatientID>/<StudyInstanceUID>/<SeriesInstanceUID>/<SOPInstanceUID>.dcm`
 * (files are referenced by path, not read). The collection name defaults to the root folder's name.
 */
export async function collectionSpecFromFolder(
  root: string,
  options: { collection?: string; modality?: string } = {},
): Promise<CollectionSpec> {
  const patients: CollectionSpecInput['patients'] = [];
  for (const patientId of await subfolders(root)) {
    const studies = [];
    for (const studyInstanceUid of await subfolders(path.join(root, patientId))) {
      const series = [];
      for (const seriesInstanceUid of await subfolders(path.join(root, patientId, studyInstanceUid))) {
        const folder = path.join(root, patientId, studyInstanceUid, seriesInstanceUid);
        const names = (await fs.readdir(folder)).filter((name) => name.toLowerCase().endsWith('.dcm')).sort();
        const files = names.map((name) => ({ sopInstanceUid: name.replace(/\.dcm$/i, ''), path: path.join(folder, name) }));
        series.push({ seriesInstanceUid, modality: options.modality ?? 'CT', files });
      }
      studies.push({ studyInstanceUid, series });
    }
    patients.push({ patientId, studies });
  }
  return CollectionSpecSchema.parse({ collection: options.collection ?? path.basename(path.resolve(root)), patients });
}

/** Names of the folders directly inside `folder`, sorted. */
async function subfolders(folder: string): Promise<string[]> {
  const entries = await fs.readdir(folder, { withFileTypes: true });
  return entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
}
