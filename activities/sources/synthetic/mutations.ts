/**
 * Planted somatic mutations, as rows of a MAF (Mutation Annotation Format) table: the driver
 * (RGMUT1, Missense_Mutation) in mutated patients, plus random passenger mutations in other
 * genes, some of them Silent.
 */
import { PLANTED } from './biology';
import type { Random } from './random';

export interface MafRow {
  Hugo_Symbol: string;
  Tumor_Sample_Barcode: string;
  Variant_Classification: string;
}

/** The MAF rows of one patient, sorted by gene. */
export function simulateMutations(
  patientId: string,
  mutated: boolean,
  passengerGenes: string[],
  rng: Random,
): MafRow[] {
  const { gene, variantClassification, passengersPerPatient, passengerSilentFraction, passengerClassifications } =
    PLANTED.mutation;
  const rows: MafRow[] = [];
  if (mutated) {
    rows.push({ Hugo_Symbol: gene, Tumor_Sample_Barcode: patientId, Variant_Classification: variantClassification });
  }
  const passengers = rng.poisson(passengersPerPatient);
  for (let n = 0; n < passengers; n++) {
    rows.push({
      Hugo_Symbol: rng.choose(passengerGenes),
      Tumor_Sample_Barcode: patientId,
      Variant_Classification: rng.bernoulli(passengerSilentFraction) ? 'Silent' : rng.choose(passengerClassifications),
    });
  }
  return rows.sort(
    (a, b) =>
      compareText(a.Hugo_Symbol, b.Hugo_Symbol) || compareText(a.Variant_Classification, b.Variant_Classification),
  );
}

/** Locale-independent string order. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
