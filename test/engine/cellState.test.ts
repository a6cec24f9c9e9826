import { describe, expect, it } from 'vitest';
import { errorLine, idleState, isBlankSql, readableEngineError, transitionCell, type CellEvent, type CellRunState } from '../../shared/reactivity/cellState.ts';

function run(events: CellEvent[], start: CellRunState = idleState) {
  let state = start;
  const cancels: number[] = [];
  for (const e of events) {
    const t = transitionCell(state, e);
    state = t.state;
    if (t.cancel !== null) cancels.push(t.cancel);
  }
  return { state, cancels };
}

describe('cell run state machine', () => {
  it('goes idle -> queued -> running -> done with the elapsed time', () => {
    const { state } = run([{ type: 'queue', runId: 1 }, { type: 'start', runId: 1, at: 100 }, { type: 'finish', runId: 1, at: 142, rowCount: 7, resultKey: 'k' }]);
    expect(state).toEqual({ status: 'done', runId: 1, elapsedMs: 42, rowCount: 7, resultKey: 'k' });
  });

  it('a new run while one is running cancels it, and the stale result is ignored', () => {
    const { state, cancels } = run([
      { type: 'queue', runId: 1 }, { type: 'start', runId: 1, at: 0 },
      { type: 'queue', runId: 2 },
      { type: 'finish', runId: 1, at: 5, rowCount: 1, resultKey: 'old' },
      { type: 'fail', runId: 1, error: { message: 'Interrupted', line: null } },
      { type: 'start', runId: 2, at: 10 }, { type: 'finish', runId: 2, at: 20, rowCount: 2, resultKey: 'new' },
    ]);
    expect(cancels).toEqual([1]);
    expect(state).toEqual({ status: 'done', runId: 2, elapsedMs: 10, rowCount: 2, resultKey: 'new' });
  });

  it('ignores an older queue request and events for other runs', () => {
    const { state } = run([{ type: 'queue', runId: 5 }, { type: 'queue', runId: 3 }, { type: 'start', runId: 3, at: 0 }]);
    expect(state).toEqual({ status: 'queued', runId: 5 });
  });

  it('errors keep the line; block and reset cancel in-flight work', () => {
    const failed = run([{ type: 'queue', runId: 1 }, { type: 'start', runId: 1, at: 0 }, { type: 'fail', runId: 1, error: { message: 'x', line: 3 } }]);
    expect(failed.state).toEqual({ status: 'error', runId: 1, error: { message: 'x', line: 3 } });
    const blocked = run([{ type: 'queue', runId: 1 }, { type: 'start', runId: 1, at: 0 }, { type: 'block', problem: { kind: 'cycle', names: ['a'] } }]);
    expect(blocked).toEqual({ state: { status: 'blocked', problem: { kind: 'cycle', names: ['a'] } }, cancels: [1] });
    expect(run([{ type: 'queue', runId: 1 }, { type: 'reset' }])).toEqual({ state: idleState, cancels: [1] });
    expect(transitionCell(idleState, { type: 'reset' }).changed).toBe(false);
  });

  it('cancelling the current run returns to idle', () => {
    expect(run([{ type: 'queue', runId: 1 }, { type: 'start', runId: 1, at: 0 }, { type: 'cancel', runId: 1 }])).toEqual({ state: idleState, cancels: [1] });
  });

  it('reads DuckDB LINE n: markers, minus wrapper lines', () => {
    expect(errorLine('Binder Error: x\nLINE 3: WHERE nope = 1')).toBe(3);
    expect(errorLine('Binder Error: x\nLINE 3: WHERE nope = 1', 1)).toBe(2);
    expect(errorLine('Catalog Error: no line')).toBeNull();
  });
});

describe('blank cells and engine messages', () => {
  it('treats white space and comments alone as blank, anything else as SQL', () => {
    expect(isBlankSql('')).toBe(true);
    expect(isBlankSql('  \n\t')).toBe(true);
    expect(isBlankSql('-- 대여소별 합계\n/* later */')).toBe(true);
    expect(isBlankSql('/* unclosed')).toBe(true);
    expect(isBlankSql('SELECT 1 -- one')).toBe(false);
    expect(isBlankSql('-- note\nFROM trips')).toBe(false);
  });

  it('unwraps DuckDB-WASM JSON error envelopes and leaves plain messages alone', () => {
    expect(readableEngineError('{"exception_type":"Parser","exception_message":"syntax error at end of input","position":"50"}'))
      .toBe('Parser Error: syntax error at end of input');
    expect(readableEngineError('Binder Error: x\nLINE 3: WHERE nope = 1')).toBe('Binder Error: x\nLINE 3: WHERE nope = 1');
    expect(readableEngineError('{not json')).toBe('{not json');
  });
});
