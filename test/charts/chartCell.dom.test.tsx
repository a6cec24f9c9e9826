import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { act } from 'react';
import * as Y from 'yjs';
import { getCellSnapshot, insertCell, setCellSpec } from '../../shared/schema/notebook.ts';
import { useCells } from '../../client/components/notebook/useCells.ts';
import { ChartCellView, type ChartSource } from '../../client/components/cells/ChartCell.tsx';
import { loadGeoLayer, loadPlot } from '../../client/charts/ChartView.tsx';
import { click, mount, typeInto, waitFor, type Mounted } from '../client/reactDom.tsx';

// Plot loads once per page; loading it first keeps React's updates inside act().
beforeAll(async () => {
  await Promise.all([loadPlot(), loadGeoLayer()]);
});

let mounted: Mounted | null = null;
afterEach(() => {
  mounted?.unmount();
  mounted = null;
});

const rows = [
  { 자치구: '강남구', at_fault: 120, victim: 80 },
  { 자치구: '송파구', at_fault: 90, victim: 95 },
  { 자치구: '종로구', at_fault: 40, victim: 30 },
];
const source: ChartSource = {
  status: 'done',
  table: rows,
  columns: [{ name: '자치구', type: 'VARCHAR' }, { name: 'at_fault', type: 'INTEGER' }, { name: 'victim', type: 'INTEGER' }],
  rowCount: 3,
};
const origin = { local: true };

/** The chart cells of a real Y.Doc, each writing its spec back with `setCellSpec`. */
function Charts({ doc, readOnly = false, src = source }: { doc: Y.Doc; readOnly?: boolean; src?: ChartSource }) {
  const cells = useCells(doc);
  return (
    <div>
      {cells.filter((c) => c.kind === 'chart').map((c) => (
        <section key={c.id} data-cell-id={c.id}>
          <ChartCellView spec={c.spec} readOnly={readOnly} source={src} sqlNames={['by_gu', 'other']} onSpecChange={(s) => setCellSpec(doc, c.id, s, origin)} />
        </section>
      ))}
    </div>
  );
}

function choose(select: HTMLSelectElement, value: string): void {
  act(() => {
    Object.getOwnPropertyDescriptor(HTMLSelectElement.prototype, 'value')!.set!.call(select, value);
    select.dispatchEvent(new Event('change', { bubbles: true }));
  });
}

function chooseMany(select: HTMLSelectElement, values: string[]): void {
  act(() => {
    for (const o of select.options) o.selected = values.includes(o.value);
    select.dispatchEvent(new Event('change', { bubbles: true }));
  });
}

const q = <T extends Element>(root: ParentNode, testId: string) => root.querySelector<T>(`[data-testid="${testId}"]`)!;
const specOf = (doc: Y.Doc, id: string) => getCellSnapshot(doc, id)!.spec as Record<string, unknown>;

function docWithChart(spec: unknown): { doc: Y.Doc; id: string } {
  const doc = new Y.Doc();
  const id = insertCell(doc, { kind: 'chart', spec });
  return { doc, id };
}

describe('chart cell', () => {
  it('draws the spec as SVG with the alt text as its label, and shows the data table on request', async () => {
    const { doc } = docWithChart({ mark: 'barY', data: 'by_gu', x: '자치구', y: 'at_fault', alt: { ko: '자치구별 막대', en: 'bars by district' } });
    mounted = mount(<Charts doc={doc} />);
    const svg = await waitFor(() => {
      const s = mounted!.container.querySelector('svg[aria-label]');
      if (!s) throw new Error('not drawn yet');
      return s;
    });
    expect(svg.getAttribute('aria-label')).toBe('자치구별 막대');
    expect(svg.querySelectorAll('g[aria-label="bar"] rect').length).toBe(3);
    const toggle = q<HTMLButtonElement>(mounted.container, 'chart-table-toggle');
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    click(toggle);
    const table = q<HTMLTableElement>(mounted.container, 'chart-table');
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    expect([...table.querySelectorAll('th')].map((th) => th.textContent)).toEqual(['자치구', 'at_fault', 'victim']);
    expect(table.querySelectorAll('tbody tr').length).toBe(3);
  });

  it('a malformed spec shows its problems in place; the other chart still draws', async () => {
    const doc = new Y.Doc();
    insertCell(doc, { kind: 'chart', spec: { mark: 'barY', data: 'by_gu', x: '자치구' } });
    insertCell(doc, { kind: 'chart', spec: { mark: 'dot', data: 'by_gu', x: 'at_fault', y: 'victim' } });
    mounted = mount(<Charts doc={doc} />, 'en');
    const [bad, good] = [...mounted.container.querySelectorAll('section')];
    expect(q(bad, 'spec-problems').textContent).toContain('y: a barY chart needs a y column');
    await waitFor(() => expect(good.querySelectorAll('g[aria-label="dot"] circle').length).toBe(3));
    expect(bad.querySelector('svg')).toBeNull();
  });

  it('a column the data lacks, a failed or missing data cell: clear messages', async () => {
    const { doc } = docWithChart({ mark: 'line', data: 'by_gu', x: '자치구', y: 'vctim' });
    mounted = mount(<Charts doc={doc} />, 'en');
    await waitFor(() => expect(q(mounted!.container, 'spec-problems').textContent).toContain('y: by_gu has no column "vctim" (did you mean "victim"?)'));
    mounted.unmount();
    mounted = mount(<Charts doc={doc} src={{ status: 'error', error: 'Binder Error: x' }} />, 'en');
    expect(q(mounted.container, 'chart-preview').textContent).toBe('Cannot draw: cell by_gu has an error: Binder Error: x');
    mounted.unmount();
    // 10 million rows: refused from the row count alone (rows are never read).
    mounted = mount(<Charts doc={doc} src={{ status: 'done', rowCount: 10_000_000, table: [{ broken: true }] }} />, 'en');
    expect(q(mounted.container, 'spec-problems').textContent).toContain('by_gu has too many rows to chart (10,000,000, at most 50,000). Aggregate in SQL first (GROUP BY).');
    mounted.unmount();
    mounted = mount(<Charts doc={doc} src={{ status: 'missing' }} />);
    expect(q(mounted.container, 'chart-preview').textContent).toBe('"by_gu"이라는 SQL 셀이 없습니다.');
  });

  it('form and JSON stay in sync through the doc', async () => {
    const { doc, id } = docWithChart({ mark: 'barY', data: 'by_gu', x: '자치구', y: 'at_fault' });
    mounted = mount(<Charts doc={doc} />);
    const root = mounted.container;
    click(q(root, 'chart-edit-toggle'));
    const json = q<HTMLTextAreaElement>(root, 'chart-json');
    expect(JSON.parse(json.value)).toEqual({ mark: 'barY', data: 'by_gu', x: '자치구', y: 'at_fault' });

    // Form -> doc -> JSON.
    choose(q<HTMLSelectElement>(root, 'chart-field-mark'), 'line');
    expect(specOf(doc, id).mark).toBe('line');
    expect(JSON.parse(json.value).mark).toBe('line');
    chooseMany(q<HTMLSelectElement>(root, 'chart-field-y'), ['at_fault', 'victim']);
    expect(specOf(doc, id).y).toEqual(['at_fault', 'victim']);
    typeInto(q<HTMLTextAreaElement>(root, 'chart-field-alt-ko'), '두 선');
    expect(JSON.parse(json.value).alt).toEqual({ ko: '두 선' });
    choose(q<HTMLSelectElement>(root, 'chart-field-stroke'), '\u0000constant');
    expect(specOf(doc, id).stroke).toEqual({ value: '#4e79a7' });
    expect(JSON.parse(json.value).stroke).toEqual({ value: '#4e79a7' });

    // JSON -> doc -> form.
    const next = { mark: 'barY', data: 'by_gu', x: '자치구', y: 'victim', sort: { x: '-y' } };
    typeInto(json, JSON.stringify(next, null, 2));
    expect(specOf(doc, id)).toEqual(next);
    expect(q<HTMLSelectElement>(root, 'chart-field-mark').value).toBe('barY');
    expect(q<HTMLSelectElement>(root, 'chart-field-sort-x').value).toBe('-y');
    await waitFor(() => expect(root.querySelectorAll('g[aria-label="bar"] rect').length).toBe(3));

    // Invalid JSON stays local with its line; the doc keeps the last good spec.
    typeInto(json, '{\n  "mark": "barY",\n  "data": \n}');
    expect(q(root, 'chart-json-syntax').textContent).toMatch(/^JSON 문법 오류 \(4번째 줄\)/);
    expect(specOf(doc, id)).toEqual(next);
    // A collaborator's change replaces it.
    act(() => setCellSpec(doc, id, { ...next, mark: 'dot' }, 'remote'));
    expect(JSON.parse(json.value).mark).toBe('dot');
    expect(root.querySelector('[data-testid="chart-json-syntax"]')).toBeNull();

    // Valid JSON with schema problems is saved and explained in both places.
    typeInto(json, '{"mark": "dot", "data": "by_gu", "x": "at_fault", "y": "victim", "colour": "red"}');
    expect(specOf(doc, id).colour).toBe('red');
    expect(q(root, 'chart-json-problems').textContent).toContain('colour: 알 수 없는 항목입니다 ("color"을(를) 쓰려고 했나요?)');
    expect(q(root, 'chart-preview').querySelector('[data-testid="spec-problems"]')).not.toBeNull();
  });

  it('switching to a map drops x/y and starts a join; the form offers the columns', () => {
    const { doc, id } = docWithChart({ mark: 'barY', data: 'by_gu', x: '자치구', y: 'at_fault', sort: { x: '-y' } });
    mounted = mount(<Charts doc={doc} />);
    click(q(mounted.container, 'chart-edit-toggle'));
    choose(q<HTMLSelectElement>(mounted.container, 'chart-field-mark'), 'geo');
    expect(specOf(doc, id)).toEqual({ mark: 'geo', data: 'by_gu', join: { by: 'name' } });
    const field = q<HTMLSelectElement>(mounted.container, 'chart-field-join-field');
    expect([...field.options].map((o) => o.value)).toEqual(['', '자치구', 'at_fault', 'victim']);
    choose(field, '자치구');
    choose(q<HTMLSelectElement>(mounted.container, 'chart-field-fill'), 'at_fault');
    expect(specOf(doc, id)).toEqual({ mark: 'geo', data: 'by_gu', join: { by: 'name', field: '자치구' }, fill: 'at_fault' });
  });

  it('a new chart opens its editor; picking data then a type starts from a sensible x and y', () => {
    const { doc, id } = docWithChart(null);
    mounted = mount(<Charts doc={doc} />);
    expect(q(mounted.container, 'chart-editor')).toBeTruthy();
    choose(q<HTMLSelectElement>(mounted.container, 'chart-field-data'), 'by_gu');
    choose(q<HTMLSelectElement>(mounted.container, 'chart-field-mark'), 'barY');
    expect(specOf(doc, id)).toEqual({ data: 'by_gu', mark: 'barY', x: '자치구', y: 'at_fault' });
  });

  it('viewers get no editor', () => {
    const { doc } = docWithChart({ mark: 'barY', data: 'by_gu', x: '자치구', y: 'at_fault' });
    mounted = mount(<Charts doc={doc} readOnly />);
    expect(mounted.container.querySelector('[data-testid="chart-edit-toggle"]')).toBeNull();
  });
});
