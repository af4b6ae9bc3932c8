/**
 * The cohort manifest: a CSV with one row per image,
 *   patient_id,center,timepoint,image_uri,mask_uri[,roi]
 * URIs may be absolute (file://, s3://) or relative to the manifest's own location.
 * Every problem is an InvalidTableError naming the file, the line and the column.
 */
import { InvalidTableError } from '../errors';
import { parseDelimited } from '../tables/csv';
import { PatientRef } from './schemas';

export const MANIFEST_COLUMNS = ['patient_id', 'center', 'timepoint', 'image_uri', 'mask_uri'] as const;

export function parseCohortManifest(text: string, manifestUri: string): PatientRef[] {
  const [header, ...lines] = parseDelimited(text);
  if (!header) throw new InvalidTableError(`${manifestUri}: the cohort manifest is empty`, manifestUri);
  const column = (name: string) => header.findIndex((h) => h.trim() === name);
  for (const name of ['patient_id', 'center', 'image_uri']) {
    if (column(name) < 0) {
      throw new InvalidTableError(
        `${manifestUri}: missing required column "${name}" (header is: ${header.join(',')})`,
        manifestUri,
      );
    }
  }
  const seen = new Map<string, number>();
  return lines.map((cells, i) => {
    const line = i + 2;
    if (cells.length !== header.length) {
      throw new InvalidTableError(
        `${manifestUri}, line ${line}: expected ${header.length} cells, found ${cells.length}`,
        manifestUri,
      );
    }
    const cell = (name: string) => {
      const at = column(name);
      const value = at >= 0 ? cells[at].trim() : '';
      return value === '' ? undefined : value;
    };
    for (const name of ['patient_id', 'center', 'image_uri']) {
      if (!cell(name)) throw new InvalidTableError(`${manifestUri}, line ${line}, column ${name}: empty`, manifestUri);
    }
    const maskUri = cell('mask_uri');
    const ref = PatientRef.parse({
      patientId: cell('patient_id'),
      center: cell('center'),
      timepoint: cell('timepoint') ?? 'baseline',
      imageUri: resolveAgainst(manifestUri, cell('image_uri')!),
      maskUri: maskUri ? resolveAgainst(manifestUri, maskUri) : undefined,
      roi: cell('roi') ?? 'tumor',
    });
    const key = `${ref.patientId}/${ref.timepoint}/${ref.roi}`;
    const previous = seen.get(key);
    if (previous) {
      throw new InvalidTableError(
        `${manifestUri}, line ${line}: patient ${ref.patientId} at timepoint ${ref.timepoint} (roi ${ref.roi}) is already on line ${previous}`,
        manifestUri,
      );
    }
    seen.set(key, line);
    return ref;
  });
}

/** An absolute URI stays as it is; a relative one is taken relative to the manifest's folder. */
export function resolveAgainst(baseUri: string, ref: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(ref)) return ref;
  return new URL(ref, baseUri).toString();
}
