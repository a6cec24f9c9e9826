import { describe, expect, it } from 'vitest';
import { buildGraph, dependantsOf, runPlan, upstreamOf, type GraphCellInput } from '../../shared/reactivity/graph.ts';

const sql = (id: string, name: string, refs: string[] = [], params: string[] = []): GraphCellInput => ({ id, kind: 'sql', name, refs, params });
const input = (id: string, name: string): GraphCellInput => ({ id, kind: 'input', name, refs: [], params: [] });

describe('dependency graph', () => {
  it('orders cells topologically, ties in notebook order, regardless of where a cell sits', () => {
    const g = buildGraph({
      cells: [sql('c', 'top', ['mid']), sql('a', 'base', ['bikes']), sql('b', 'mid', ['BASE'], ['year']), input('y', 'year'), sql('d', '', ['base'])],
      sources: ['bikes'],
    });
    expect(g.problems.size).toBe(0);
    expect(g.order).toEqual(['a', 'y', 'b', 'c', 'd']);
    expect(g.deps.get('b')).toEqual(['a', 'y']);
    expect(g.sources.get('a')).toEqual(['bikes']);
    expect(dependantsOf(g, ['a'])).toEqual(['b', 'c', 'd']);
    expect(dependantsOf(g, ['y'])).toEqual(['b', 'c']);
    expect(runPlan(g, ['b'])).toEqual(['b', 'c']);
    expect(upstreamOf(g, 'c')).toEqual(['a', 'y', 'b']);
  });

  it('reports a cycle with the names of every cell in it, and blocks what reads from it', () => {
    const g = buildGraph({ cells: [sql('a', 'one', ['three']), sql('b', 'two', ['one']), sql('c', 'three', ['two']), sql('d', 'after', ['three']), sql('e', 'free', ['bikes'])], sources: ['bikes'] });
    expect(g.problems.get('a')).toEqual({ kind: 'cycle', names: ['one', 'two', 'three'] });
    expect(g.problems.get('c')).toEqual({ kind: 'cycle', names: ['one', 'two', 'three'] });
    expect(g.problems.get('d')).toEqual({ kind: 'upstream', names: ['three'] });
    expect(g.order).toEqual(['e']);
  });

  it('treats a cell reading itself as a cycle', () => {
    const g = buildGraph({ cells: [sql('a', 'me', ['me'])], sources: [] });
    expect(g.problems.get('a')).toEqual({ kind: 'cycle', names: ['me'] });
  });

  it('names unknown tables and parameters; an input name is not a table', () => {
    const g = buildGraph({ cells: [input('y', 'year'), sql('a', 'x', ['nowhere', 'year']), sql('b', 'z', ['bikes'], ['district'])], sources: ['bikes'] });
    expect(g.problems.get('a')).toEqual({ kind: 'unknownTable', names: ['nowhere', 'year'] });
    expect(g.problems.get('b')).toEqual({ kind: 'unknownParam', names: ['$district'] });
  });

  it('after a rename, readers of the old name report it as unknown and the new name resolves', () => {
    const cells = [sql('a', 'trips', ['bikes']), sql('b', 'summary', ['trips'])];
    expect(buildGraph({ cells, sources: ['bikes'] }).order).toEqual(['a', 'b']);
    const renamed = [sql('a', 'rides', ['bikes']), sql('b', 'summary', ['trips'])];
    const g = buildGraph({ cells: renamed, sources: ['bikes'] });
    expect(g.problems.get('b')).toEqual({ kind: 'unknownTable', names: ['trips'] });
    const fixed = buildGraph({ cells: [renamed[0]!, sql('b', 'summary', ['rides'])], sources: ['bikes'] });
    expect(fixed.order).toEqual(['a', 'b']);
  });

  it('flags a name held by two cells on both, and their readers', () => {
    const g = buildGraph({ cells: [sql('a', 'dup'), sql('b', 'Dup'), sql('c', 'reader', ['dup'])], sources: [] });
    expect(g.problems.get('a')).toEqual({ kind: 'duplicateName', name: 'dup', cellIds: ['a', 'b'] });
    expect(g.problems.get('b')?.kind).toBe('duplicateName');
    expect(g.problems.get('c')).toEqual({ kind: 'unknownTable', names: ['dup'] });
  });

  it('a cell may shadow nothing: a cell named like an extract wins over the extract', () => {
    const g = buildGraph({ cells: [sql('a', 'bikes', ['range_source']), sql('b', 'r', ['bikes'])], sources: ['bikes', 'range_source'] });
    expect(g.deps.get('b')).toEqual(['a']);
    expect(g.sources.get('b')).toEqual([]);
  });
});
