/**
 * The per-column profile stewards see after an import, and the summary everyone else (approvers)
 * sees. A profile never carries a value that occurs only once in the data: such a value is a
 * fragment of one record (an id, a rare name), so top values need a count of at least 2 and text
 * columns have no min/max.
 */
import { z } from 'zod';
import { columnTypes } from './types.ts';

export const topValueSchema = z.object({ value: z.string(), count: z.number().int() });

export const columnProfileSchema = z.object({
  name: z.string(),
  type: z.enum(columnTypes),
  inferredType: z.enum(columnTypes),
  nulls: z.number().int(),
  distinct: z.number().int(),
  /** Numbers and dates only, as text. */
  min: z.string().nullable(),
  max: z.string().nullable(),
  /** Most frequent values (count ≥ 2), at most 5. */
  top: z.array(topValueSchema),
});
export type ColumnProfile = z.infer<typeof columnProfileSchema>;

export const columnSummarySchema = columnProfileSchema.pick({ name: true, type: true, nulls: true, distinct: true });
export type ColumnSummary = z.infer<typeof columnSummarySchema>;

/** What members who are not stewards see: no values at all. */
export function summarizeProfile(columns: readonly ColumnProfile[]): ColumnSummary[] {
  return columns.map(({ name, type, nulls, distinct }) => ({ name, type, nulls, distinct }));
}

/** Smallest count a top value needs to be shown. */
export const minTopValueCount = 2;
