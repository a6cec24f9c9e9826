/**
 * One cell's run state and the only way it changes: `transitionCell(state, event)`. Every run has
 * an increasing `runId`; an event from a run that is no longer the cell's current run (it was
 * superseded by an edit, or cancelled) is ignored, so a slow stale query can never overwrite a
 * newer result. Queueing a new run while one is running tells the caller to cancel the old one.
 *
 *   idle --queue--> queued --start--> running --finish--> done
 *                     ^                  |  \--fail----> error
 *                     +------queue-------+  (old run cancelled)
 *   any --block--> blocked (cycle, unknown name, upstream problem); any --reset--> idle
 */
import type { CellProblem } from './graph.ts';

export interface CellRunError {
  /** DuckDB's message (English) or a bilingual one of ours. */
  message: string;
  ko?: string;
  /** 1-based line in the cell's SQL, when DuckDB said `LINE n:`. */
  line: number | null;
}

export type CellRunState =
  | { status: 'idle' }
  | { status: 'queued'; runId: number }
  | { status: 'running'; runId: number; startedAt: number }
  | { status: 'done'; runId: number; elapsedMs: number; rowCount: number; resultKey: string }
  | { status: 'error'; runId: number; error: CellRunError }
  | { status: 'blocked'; problem: CellProblem };

export type CellEvent =
  | { type: 'queue'; runId: number }
  | { type: 'start'; runId: number; at: number }
  | { type: 'finish'; runId: number; at: number; rowCount: number; resultKey: string }
  | { type: 'fail'; runId: number; error: CellRunError }
  | { type: 'cancel'; runId: number }
  | { type: 'block'; problem: CellProblem }
  | { type: 'reset' };

export interface Transition {
  state: CellRunState;
  /** A run the caller must cancel (its result would be stale). */
  cancel: number | null;
  /** False when the event was stale and nothing changed. */
  changed: boolean;
}

export const idleState: CellRunState = { status: 'idle' };

function currentRun(state: CellRunState): number | null {
  return 'runId' in state ? state.runId : null;
}

export function transitionCell(state: CellRunState, event: CellEvent): Transition {
  const same = (s: CellRunState): Transition => ({ state: s, cancel: null, changed: s !== state });
  const current = currentRun(state);
  switch (event.type) {
    case 'queue': {
      if (current !== null && event.runId <= current) return same(state); // an older run asked again
      const cancel = state.status === 'running' || state.status === 'queued' ? state.runId : null;
      return { state: { status: 'queued', runId: event.runId }, cancel, changed: true };
    }
    case 'start':
      if (state.status !== 'queued' || state.runId !== event.runId) return same(state);
      return same({ status: 'running', runId: event.runId, startedAt: event.at });
    case 'finish':
      if (state.status !== 'running' || state.runId !== event.runId) return same(state);
      return same({ status: 'done', runId: event.runId, elapsedMs: Math.max(0, event.at - state.startedAt), rowCount: event.rowCount, resultKey: event.resultKey });
    case 'fail':
      if ((state.status !== 'running' && state.status !== 'queued') || state.runId !== event.runId) return same(state);
      return same({ status: 'error', runId: event.runId, error: event.error });
    case 'cancel':
      if ((state.status !== 'running' && state.status !== 'queued') || state.runId !== event.runId) return same(state);
      return { state: idleState, cancel: state.status === 'running' ? event.runId : null, changed: true };
    case 'block': {
      const cancel = state.status === 'running' || state.status === 'queued' ? state.runId : null;
      return { state: { status: 'blocked', problem: event.problem }, cancel, changed: true };
    }
    case 'reset': {
      const cancel = state.status === 'running' || state.status === 'queued' ? state.runId : null;
      return { state: idleState, cancel, changed: state.status !== 'idle' };
    }
  }
}

/** Whether a state is waiting for or doing work. */
export function isBusy(state: CellRunState): boolean {
  return state.status === 'queued' || state.status === 'running';
}

/** DuckDB errors carry `LINE n:`; the line within the cell's own SQL (offset by a wrapper's lines). */
export function errorLine(message: string, linesBefore = 0): number | null {
  const m = /\bLINE (\d+):/.exec(message);
  if (!m) return null;
  const line = Number(m[1]) - linesBefore;
  return line >= 1 ? line : null;
}

/**
 * DuckDB-WASM 1.32 reports errors as a JSON string (`{"exception_type":"Parser",
 * "exception_message":"…"}`); people should read DuckDB's sentence, not the envelope.
 */
export function readableEngineError(message: string): string {
  if (!message.startsWith('{')) return message;
  try {
    const parsed = JSON.parse(message) as { exception_type?: unknown; exception_message?: unknown };
    if (typeof parsed.exception_message !== 'string') return message;
    return typeof parsed.exception_type === 'string' ? `${parsed.exception_type} Error: ${parsed.exception_message}` : parsed.exception_message;
  } catch {
    return message;
  }
}

/**
 * A SQL cell with nothing but white space and comments has nothing to run: it stays idle, and
 * adding an empty cell never starts the engine.
 */
export function isBlankSql(source: string): boolean {
  return source.replace(/\/\*[\s\S]*?(\*\/|$)/g, '').replace(/--[^\n]*/g, '').trim() === '';
}
