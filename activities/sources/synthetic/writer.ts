/**
 * Write a synthetic consortium to a BlobStore, laid out like a real multi-center data release:
 *
 *   <root>/images/<center>/<patient>_image.nrrd   CT-like image (gzip NRRD, Int16 HU)
 *   <root>/images/<center>/<patient>_mask.nrrd    tumor mask (gzip NRRD, Uint8, 1 = tumor)
 *   <root>/omics/mutations.maf.tsv                MAF rows: Hugo_Symbol, Tumor_Sample_Barcode, Variant_Classification
 *   <root>/omics/expression.tsv                   integer counts: `gene`, then one column per patient
 *   <root>/omics/clinical.tsv                     patient_id, center, age, stage, time_days, event
 *   <root>/truth.json                             every planted parameter and per-patient truth
 *   <root>/manifest.csv                           patient_id,center,timepoint,image_uri,mask_uri (written last)
 *
 * With `imageFormat: 'dicom'` the images are a DICOM release instead (CT series + DICOM-SEG per
 * patient, see ./dicom-writer), and `imageLocation: 'tcia'` makes the manifest point at
 * `tcia://<SeriesInstanceUID>` (served by the local NBIA server) rather than at the files.
 *
 * All bytes depend only on the consortium (and rootUri), so the same seed gives identical files.
 */
import { encodeNrrd } from '../../imaging/nrrd';
import type { BlobStore, PutResult } from '../../storage/blob-store';
import type { Consortium, SyntheticPatient } from './consortium';
import type { MafRow } from './mutations';
import { writePatientDicom, type WrittenDicomPatient } from './dicom-writer';

export interface WriteConsortiumOptions {
  /** How images and masks are written: gzip NRRD files (default) or DICOM series + DICOM-SEG. */
  imageFormat?: 'nrrd' | 'dicom';
  /** DICOM only: the manifest names the files (default) or the TCIA series (`tcia://<uid>`). */
  imageLocation?: 'files' | 'tcia';
}

export const MANIFEST_HEADER = 'patient_id,center,timepoint,image_uri,mask_uri';
export const TIMEPOINT = 'baseline';

export interface WrittenConsortium {
  manifestUri: string;
  mutationsUri: string;
  expressionUri: string;
  clinicalUri: string;
  truthUri: string;
  /** Every object written, in write order (manifest last); DICOM files are listed in `dicom`. */
  files: PutResult[];
  /** With imageFormat 'dicom': each patient's CT and SEG series, in patient order. */
  dicom?: WrittenDicomPatient[];
}

/** Relative paths of a patient's image and mask. */
export function imagePaths(patient: SyntheticPatient): { image: string; mask: string } {
  const folder = `images/${patient.centerId}/${patient.patientId}`;
  return { image: `${folder}_image.nrrd`, mask: `${folder}_mask.nrrd` };
}

/** Write every file of the consortium under `rootUri` (e.g. file:///data/cohort or s3://bucket/cohort). */
export async function writeConsortium(
  store: BlobStore,
  rootUri: string,
  consortium: Consortium,
  options: WriteConsortiumOptions = {},
): Promise<WrittenConsortium> {
  const root = rootUri.replace(/\/+$/, '');
  const uriOf = (relativePath: string) => `${root}/${relativePath}`;
  const files: PutResult[] = [];
  const put = async (relativePath: string, data: Uint8Array) => {
    files.push(await store.put(uriOf(relativePath), data));
    return uriOf(relativePath);
  };

  const imageUris = new Map<string, { image: string; mask: string }>();
  const dicom: WrittenDicomPatient[] = [];
  for (const patient of consortium.patients) {
    if (options.imageFormat === 'dicom') {
      const written = await writePatientDicom(store, root, patient);
      dicom.push(written);
      imageUris.set(patient.patientId, dicomManifestUris(written, options.imageLocation ?? 'files'));
    } else {
      const paths = imagePaths(patient);
      imageUris.set(patient.patientId, {
        image: await put(paths.image, encodeNrrd(patient.image, { gzip: true })),
        mask: await put(paths.mask, encodeNrrd(patient.mask, { gzip: true })),
      });
    }
  }
  const mutationsUri = await put('omics/mutations.maf.tsv', text(mutationsTsv(consortium.mutations)));
  const expressionUri = await put('omics/expression.tsv', text(expressionTsv(consortium)));
  const clinicalUri = await put('omics/clinical.tsv', text(clinicalTsv(consortium)));
  const truthUri = await put('truth.json', text(`${JSON.stringify(consortium.truth, null, 2)}\n`));
  // Last: a manifest only ever points at files that already exist.
  const manifestUri = await put('manifest.csv', text(manifestCsv(consortium, (patient) => imageUris.get(patient.patientId)!)));
  return { manifestUri, mutationsUri, expressionUri, clinicalUri, truthUri, files, ...(dicom.length ? { dicom } : {}) };
}

/** Where the manifest points for a DICOM patient: the CT folder and the SEG file, or their TCIA series. */
function dicomManifestUris({ ct, seg }: WrittenDicomPatient, location: 'files' | 'tcia'): { image: string; mask: string } {
  if (location === 'tcia') return { image: `tcia://${ct.seriesInstanceUid}`, mask: `tcia://${seg.seriesInstanceUid}` };
  return { image: ct.folderUri, mask: seg.files[0].uri };
}

function text(content: string): Buffer {
  return Buffer.from(content, 'utf8');
}

/** One line per patient: id, center, timepoint and the absolute URIs of image and mask. */
export function manifestCsv(
  consortium: Consortium,
  urisOf: (patient: SyntheticPatient) => { image: string; mask: string },
): string {
  const rows = consortium.patients.map((patient) => {
    const uris = urisOf(patient);
    const fields = [patient.patientId, patient.centerId, TIMEPOINT, uris.image, uris.mask];
    return fields.map(csvField).join(',');
  });
  return lines([MANIFEST_HEADER, ...rows]);
}

export function mutationsTsv(rows: MafRow[]): string {
  const header = ['Hugo_Symbol', 'Tumor_Sample_Barcode', 'Variant_Classification'] as const;
  return lines([header.join('\t'), ...rows.map((row) => header.map((column) => row[column]).join('\t'))]);
}

export function expressionTsv({ expression }: Consortium): string {
  const header = ['gene', ...expression.sampleIds].join('\t');
  return lines([header, ...expression.genes.map((gene, g) => [gene, ...expression.counts[g]].join('\t'))]);
}

export function clinicalTsv({ patients }: Consortium): string {
  const header = 'patient_id\tcenter\tage\tstage\ttime_days\tevent';
  const rows = patients.map(({ truth }) =>
    [truth.patientId, truth.centerId, truth.age, truth.stage, truth.survival.timeDays, truth.survival.event].join('\t'),
  );
  return lines([header, ...rows]);
}

/** Quote a CSV field when it holds a comma, quote or line break (RFC 4180). */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function lines(rows: string[]): string {
  return `${rows.join('\n')}\n`;
}
