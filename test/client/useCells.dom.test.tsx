import { afterEach, describe, expect, it } from 'vitest';
import { act } from 'react';
import * as Y from 'yjs';
import { getCellSource, insertCell, moveCell, setCellKind } from '../../shared/schema/notebook.ts';
import { useCells, type CellSummary } from '../../client/components/notebook/useCells.ts';
import { mount, type Mounted } from './reactDom.tsx';

/** Two docs wired to each other in-process, as two browsers through a server would be. */
function syncedPair(): [Y.Doc, Y.Doc] {
  const a = new Y.Doc();
  const b = new Y.Doc();
  a.on('update', (u: Uint8Array, origin: unknown) => {
    if (origin !== 'remote') act(() => Y.applyUpdate(b, u, 'remote'));
  });
  b.on('update', (u: Uint8Array, origin: unknown) => {
    if (origin !== 'remote') act(() => Y.applyUpdate(a, u, 'remote'));
  });
  return [a, b];
}

let mounted: Mounted | null = null;
afterEach(() => {
  mounted?.unmount();
  mounted = null;
});

function Probe({ doc, seen }: { doc: Y.Doc; seen: CellSummary[][] }) {
  const cells = useCells(doc);
  seen.push(cells);
  return <ol>{cells.map((c) => <li key={c.id} data-kind={c.kind}>{c.name || c.id}</li>)}</ol>;
}

const names = (el: HTMLElement) => [...el.querySelectorAll('li')].map((li) => li.textContent);

describe('useCells', () => {
  it('re-renders when another peer inserts, renames the kind of, and moves cells', () => {
    const [local, remote] = syncedPair();
    const seen: CellSummary[][] = [];
    mounted = mount(<Probe doc={local} seen={seen} />);
    expect(names(mounted.container)).toEqual([]);

    const first = insertCell(remote, { kind: 'markdown', name: '', id: 'cell_first' });
    const second = insertCell(remote, { kind: 'sql', name: 'by_gu', afterId: first, id: 'cell_second' });
    insertCell(remote, { kind: 'sql', name: 'by_hour', afterId: second, id: 'cell_third' });
    expect(names(mounted.container)).toEqual(['cell_first', 'by_gu', 'by_hour']);

    act(() => setCellKind(remote, first, 'sql'));
    expect(mounted.container.querySelector('li')!.dataset.kind).toBe('sql');

    // Move the last cell to the top on the remote side: the local list follows, in the new order.
    moveCell(remote, 'cell_third', null);
    expect(names(mounted.container)).toEqual(['by_hour', 'cell_first', 'by_gu']);
    // and a move after a given cell
    moveCell(remote, 'cell_third', 'cell_second');
    expect(names(mounted.container)).toEqual(['cell_first', 'by_gu', 'by_hour']);
  });

  it('keeps the same list (no re-render) when only the text inside a cell changes', () => {
    const [local, remote] = syncedPair();
    const id = insertCell(remote, { kind: 'markdown', source: '안녕' });
    const seen: CellSummary[][] = [];
    mounted = mount(<Probe doc={local} seen={seen} />);
    const rendersBefore = seen.length;
    act(() => getCellSource(remote, id)!.insert(2, '하세요'));
    expect(getCellSource(local, id)!.toString()).toBe('안녕하세요');
    expect(seen.length).toBe(rendersBefore);
  });
});
