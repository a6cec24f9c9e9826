/**
 * The output-check report (`madang check-output --out REPORT.json`, and what the publish flow
 * stores behind every published figure). Keys fixed by docs/interfaces.md: `status` and `cells`
 * (`{ row, column, rule, value, reason }`); everything else here is an extra that tools may read.
 *
 * @example
 *   {
 *     "status": "fail",
 *     "cells": [{ "row": 3, "column": "n", "rule": "threshold", "value": 8,
 *                 "reason": "8 contributing records, fewer than the threshold of 10", ... }],
 *     "summary": { "threshold": 6, "dominance": 0, "p-ratio": 0, "zero": 0, "row-level": 0 },
 *     ...
 *   }
 */
import type { OutputCheckRules } from './rules.ts';

export const outputCheckRuleNames = ['threshold', 'dominance', 'p-ratio', 'zero', 'row-level'] as const;
export type OutputCheckRuleName = (typeof outputCheckRuleNames)[number];

export type OutputCheckStatus = 'pass' | 'review' | 'fail';

/** `fail`: disclosive by the rules. `review`: the rules cannot decide; a steward must look. */
export type FlagOutcome = 'fail' | 'review';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface FlaggedCell {
  /** 0-based index of the output row. */
  row: number;
  /** Output column name, as the query names it. */
  column: string;
  rule: OutputCheckRuleName;
  /** The cell's value as the query returned it. */
  value: JsonValue;
  /** Why, in English (tools read this). */
  reason: string;
  /** Why, in Korean (people read this first). */
  reasonKo: string;
  outcome: FlagOutcome;
  /** The aggregate behind the flag, like `avg(inc_grants)`, when there is one. */
  aggregate?: string;
}

/** Something about the query as a whole (not one cell): why it could not be fully checked. */
export interface QueryIssue {
  code: 'unanalysable' | 'unknown-aggregate' | 'row-level' | 'negative-values';
  outcome: FlagOutcome;
  reason: string;
  reasonKo: string;
}

export interface ColumnReport {
  name: string;
  /**
   * `dimension`: a group key or label. `statistic`: computed by aggregates (listed).
   * `record`: a record's own value (row-level output). `unchecked`: the query could not be analysed.
   */
  role: 'dimension' | 'statistic' | 'record' | 'unchecked';
  aggregates: string[];
}

export interface OutputCheckReport {
  status: OutputCheckStatus;
  cells: FlaggedCell[];
  /** Flagged cells per rule, counting every flag even when `cells` was capped. */
  summary: Record<OutputCheckRuleName, number>;
  /** `cells` lists at most `maxCells` entries; `summary` still counts all. */
  truncated: boolean;
  issues: QueryIssue[];
  rules: OutputCheckRules;
  rowCount: number;
  columns: ColumnReport[];
  /** How the query was understood: see docs/architecture.md "Output checking". */
  query?: { sql: string; shape: QueryShape; engine: string };
  /** The checked output itself, when the caller asked for it (the publish flow does). */
  table?: { columns: string[]; rows: JsonValue[][] };
}

/**
 * `aggregate`: GROUP BY / aggregates over records (checked cell by cell).
 * `row-level`: returns records themselves (fails).
 * `unanalysable`: valid SQL whose cells cannot be traced to records (needs review).
 */
export type QueryShape = 'aggregate' | 'row-level' | 'unanalysable';

export function emptySummary(): Record<OutputCheckRuleName, number> {
  return { threshold: 0, dominance: 0, 'p-ratio': 0, zero: 0, 'row-level': 0 };
}

/** Worst outcome wins: any fail → fail, else any review → review, else pass. */
export function statusOf(outcomes: Iterable<FlagOutcome>): OutputCheckStatus {
  let status: OutputCheckStatus = 'pass';
  for (const outcome of outcomes) {
    if (outcome === 'fail') return 'fail';
    status = 'review';
  }
  return status;
}

/** Makes a DuckDB/JS value safe for JSON: bigints become numbers (or strings past 2^53). */
export function toJsonValue(value: unknown): JsonValue {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'bigint':
      return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
    default:
      break;
  }
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (value instanceof Date) return value.toISOString();
  return String(value);
}
