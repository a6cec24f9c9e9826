/**
 * The statistical disclosure control rules an output check applies (the `--rules RULES.json` file
 * of `madang check-output`, and a workspace's setting later). Defaults follow SACRO/ACRO's
 * `acro/default.yaml`: threshold 10, dominance (n=2, k=90%), p-ratio 10%, zeros disclosive.
 *
 * @example
 *   parseOutputCheckRules({ threshold: 5 })
 *   // { threshold: 5, dominance: { n: 2, k: 0.9 }, pRatio: 0.1, zerosAreDisclosive: true }
 *
 * ACRO's own key names (`safe_threshold`, `safe_nk_n`, `safe_nk_k`, `safe_pratio_p`,
 * `zeros_are_disclosive`) are accepted too, so a steward can reuse an ACRO risk-appetite file.
 * Fractions are fractions: k = 0.9 means 90%.
 */
import { z } from 'zod';

export const outputCheckRulesSchema = z
  .object({
    /** A statistic from fewer contributing records than this fails (ACRO `safe_threshold`). */
    threshold: z.number().int().min(1).max(1_000_000).default(10),
    /** (n, k) dominance: the n largest contributions must not exceed k of the cell total. */
    dominance: z
      .object({
        n: z.number().int().min(1).max(100).default(2),
        k: z.number().gt(0).max(1).default(0.9),
      })
      .strict()
      .default({ n: 2, k: 0.9 }),
    /** p-ratio: (total − two largest) / largest must be at least p. */
    pRatio: z.number().min(0).max(1).default(0.1),
    /** A zero (an empty cell, or a total made only of zeros) tells something about everyone in it. */
    zerosAreDisclosive: z.boolean().default(true),
    /**
     * What the threshold counts for a sum or mean: `values`, the non-missing values it is made of
     * (ACRO's classic `agg_threshold`, the default), or `rows`, all records in the group even where
     * the value is missing (ACRO 1.0's MinimumThresholdCheck). `values` is never the laxer one.
     */
    thresholdBasis: z.enum(['values', 'rows']).default('values'),
  })
  .strict();

export type OutputCheckRules = z.output<typeof outputCheckRulesSchema>;
/** ACRO's risk-appetite keys (`acro/default.yaml`), accepted as aliases. */
export interface AcroRiskAppetite {
  safe_threshold?: number;
  safe_nk_n?: number;
  safe_nk_k?: number;
  safe_pratio_p?: number;
  zeros_are_disclosive?: boolean;
  safe_dof_threshold?: number;
  check_missing_values?: boolean;
  survival_safe_threshold?: number;
}
export type OutputCheckRulesInput = z.input<typeof outputCheckRulesSchema> | AcroRiskAppetite;

export const defaultOutputCheckRules: OutputCheckRules = outputCheckRulesSchema.parse({});

const acroKeys: Record<string, (out: Record<string, unknown>, v: unknown) => void> = {
  safe_threshold: (o, v) => { o.threshold = v; },
  safe_nk_n: (o, v) => { o.dominance = { ...(o.dominance as object), n: v }; },
  safe_nk_k: (o, v) => { o.dominance = { ...(o.dominance as object), k: v }; },
  safe_pratio_p: (o, v) => { o.pRatio = v; },
  zeros_are_disclosive: (o, v) => { o.zerosAreDisclosive = v; },
};

/** ACRO settings that have no meaning for a query check; ignored rather than rejected. */
const acroIgnored = new Set(['safe_dof_threshold', 'check_missing_values', 'survival_safe_threshold']);

/** Renames ACRO's keys to ours; other keys pass through so zod can reject unknown ones. */
function fromAcroKeys(raw: unknown): unknown {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return raw;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (key === '__proto__') continue;
    const rename = acroKeys[key];
    if (rename) rename(out, value);
    else if (!acroIgnored.has(key)) out[key] = value;
  }
  return out;
}

export interface RulesIssue {
  /** Where in the file, like `dominance.k`. */
  path: string;
  message: string;
}

/** Validates rules; returns the issues (with their paths) instead of throwing. */
export function safeParseOutputCheckRules(raw: unknown): { ok: true; rules: OutputCheckRules } | { ok: false; issues: RulesIssue[] } {
  const parsed = outputCheckRulesSchema.safeParse(fromAcroKeys(raw ?? {}));
  if (parsed.success) return { ok: true, rules: parsed.data };
  return {
    ok: false,
    issues: parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(root)', message: i.message })),
  };
}

/** Like `safeParseOutputCheckRules` but throws a plain Error naming the first bad path. */
export function parseOutputCheckRules(raw: unknown): OutputCheckRules {
  const result = safeParseOutputCheckRules(raw);
  if (result.ok) return result.rules;
  throw new Error(result.issues.map((i) => `${i.path}: ${i.message}`).join('; '));
}
