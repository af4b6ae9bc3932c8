/** Settings validation with errors a person can act on: each problem names its key. */
import type { z } from 'zod';
import { InvalidSettingsError } from './errors';

/**
 * Parse `input` with `schema` (applying defaults); on failure throw InvalidSettingsError listing
 * every problem by key, prefixed by `sourceUri` (the file the settings came from) when given.
 */
export function parseSettings<S extends z.ZodType>(schema: S, input: unknown, what: string, sourceUri?: string): z.output<S> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const where = sourceUri ? `${sourceUri}: ` : '';
  const problems = result.error.issues.map(describeIssue).join('; ');
  throw new InvalidSettingsError(`${where}invalid ${what}: ${problems}`, sourceUri);
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const at = issue.path.length > 0 ? issue.path.join('.') : '';
  if (issue.code === 'unrecognized_keys') {
    return `unknown key ${issue.keys.map((key) => `"${at ? `${at}.` : ''}${key}"`).join(', ')}`;
  }
  return `"${at || '(settings)'}": ${issue.message}`;
}
