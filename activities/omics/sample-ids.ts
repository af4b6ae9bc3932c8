/**
 * Sample identifier → patient identifier rules, so that omics columns (TCGA aliquot barcodes, lab
 * sample names) meet the patient_id of the clinical and feature tables.
 *
 *   identity: the id as it is (trimmed)
 *   tcga:     TCGA-XX-XXXX-01A-11R-A00Z-07 → TCGA-XX-XXXX (the first 12 characters: project, site, participant)
 *   regex:    the first capture group (or the named group `patient`) of a regular expression
 */
import { z } from 'zod';
import { InvalidSettingsError } from '../errors';

export const SampleIdRule = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('identity') }).strict(),
  z.object({ kind: z.literal('tcga') }).strict(),
  z.object({ kind: z.literal('regex'), pattern: z.string().min(1), flags: z.string().optional() }).strict(),
]);
export type SampleIdRule = z.infer<typeof SampleIdRule>;

export const IDENTITY_RULE: SampleIdRule = { kind: 'identity' };

const TCGA_BARCODE = /^(TCGA-[A-Z0-9]{2}-[A-Z0-9]{4})(-|$)/i;

/** A function applying the rule; undefined when an id does not fit the rule (the readers report it). */
export function sampleIdNormalizer(ruleInput: SampleIdRule | unknown = IDENTITY_RULE): (id: string) => string | undefined {
  const parsed = SampleIdRule.safeParse(ruleInput);
  if (!parsed.success) throw new InvalidSettingsError(`invalid sample id rule: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  const rule = parsed.data;
  switch (rule.kind) {
    case 'identity':
      return (id) => id.trim() || undefined;
    case 'tcga':
      return (id) => {
        const match = TCGA_BARCODE.exec(id.trim());
        return match ? match[1].toUpperCase() : undefined;
      };
    case 'regex': {
      let pattern: RegExp;
      try {
        pattern = new RegExp(rule.pattern, rule.flags);
      } catch (error) {
        throw new InvalidSettingsError(`invalid sample id pattern ${rule.pattern}: ${(error as Error).message}`);
      }
      return (id) => {
        const match = pattern.exec(id.trim());
        if (!match) return undefined;
        return match.groups?.patient ?? match[1] ?? match[0];
      };
    }
  }
}
