import { afterEach, describe, expect, it } from 'vitest';
import { act } from 'react';
import * as Y from 'yjs';
import { getCellSnapshot, insertCell, setCellSpec } from '../../shared/schema/notebook.ts';
import { useCells } from '../../client/components/notebook/useCells.ts';
import { InputCell, InputCellView } from '../../client/components/cells/InputCell.tsx';
import { NotebookRuntime } from '../../client/runtime/scheduler.ts';
import { RuntimeProvider } from '../../client/runtime/notebookRuntime.ts';
import { click, key, mount, typeInto, type Mounted } from '../client/reactDom.tsx';

let mounted: Mounted | null = null;
let runtime: NotebookRuntime | null = null;
afterEach(() => {
  mounted?.unmount();
  mounted = null;
  runtime?.destroy();
  runtime = null;
});

/**
 * The real runtime over a doc with only input cells: nothing needs the SQL engine, so it is never
 * started (the deps say so loudly if it were).
 */
function runtimeFor(doc: Y.Doc): NotebookRuntime {
  const never = () => Promise.reject(new Error('engine not expected in this test'));
  runtime = new NotebookRuntime({ doc, analyse: async (sqls) => sqls.map(() => { throw new Error('no SQL here'); }), engine: never, loadExtract: never });
  return runtime;
}

const origin = { local: true };

function Inputs({ doc, readOnly }: { doc: Y.Doc; readOnly: boolean }) {
  const cells = useCells(doc);
  return (
    <div>
      {cells.filter((c) => c.kind === 'input').map((c) => (
        <InputCell key={c.id} name={c.name} spec={c.spec} readOnly={readOnly} onSpecChange={(s) => setCellSpec(doc, c.id, s, origin)} />
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

const q = <T extends Element>(root: ParentNode, testId: string) => root.querySelector<T>(`[data-testid="${testId}"]`)!;
const districts = { type: 'select', label: { ko: '자치구', en: 'District' }, options: ['강남구', '종로구', '중구'], default: '종로구' };
const year = { type: 'range', label: { ko: '연도', en: 'Year' }, min: 2005, max: 2023, step: 1, default: 2023 };

function setup(readOnly: boolean) {
  const doc = new Y.Doc();
  const d = insertCell(doc, { kind: 'input', name: 'district', spec: districts });
  const y = insertCell(doc, { kind: 'input', name: 'year', spec: year });
  const rt = runtimeFor(doc);
  const updates: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => updates.push(u));
  mounted = mount(<RuntimeProvider runtime={rt}><Inputs doc={doc} readOnly={readOnly} /></RuntimeProvider>);
  return { doc, rt, d, y, updates, root: mounted.container };
}

describe('input cells', () => {
  it('start at the stored default, which the runtime binds', () => {
    const { rt, root } = setup(true);
    expect(rt.getInputValue('district')).toBe('종로구');
    expect(rt.getInputValue('year')).toBe(2023);
    const select = q<HTMLSelectElement>(root, 'input-control-select');
    expect(select.selectedOptions[0].textContent).toBe('종로구');
    // Labelled controls: the label names the select and the slider.
    expect(root.querySelector(`label[for="${select.id}"]`)!.textContent).toBe('자치구');
    const slider = q<HTMLInputElement>(root, 'input-control-range');
    expect(root.querySelector(`label[for="${slider.id}"]`)!.textContent).toBe('연도');
    expect(q<HTMLInputElement>(root, 'input-control-range-number').getAttribute('aria-label')).toBe('연도 (숫자)');
  });

  it('a viewer\'s change goes to the runtime only, never into the doc', () => {
    const { doc, rt, d, updates, root } = setup(true);
    choose(q<HTMLSelectElement>(root, 'input-control-select'), '0');
    expect(rt.getInputValue('district')).toBe('강남구');
    const numberBox = q<HTMLInputElement>(root, 'input-control-range-number');
    typeInto(numberBox, '2010.4');
    key(numberBox, { key: 'Enter' });
    expect(rt.getInputValue('year')).toBe(2010);
    expect(updates).toEqual([]);
    expect(getCellSnapshot(doc, d)!.spec).toEqual(districts);
    // Viewers are told it is theirs only, can go back, and cannot set the default.
    const cell = root.querySelector('[data-input-name="district"]')!;
    expect(cell.getAttribute('data-default')).toBe('false');
    expect(q(cell, 'input-own-value').textContent).toBe('내 화면에서만 바뀝니다. 다른 사람에게는 기본값 종로구이(가) 보입니다.');
    expect(cell.querySelector('[data-testid="input-set-default"]')).toBeNull();
    click(q(cell, 'input-reset'));
    expect(rt.getInputValue('district')).toBe('종로구');
    expect(cell.getAttribute('data-default')).toBe('true');
  });

  it('an editor sets their value as the default explicitly; a changed default reaches people who did not pick', () => {
    const { doc, rt, d, y, root } = setup(false);
    const slider = q<HTMLInputElement>(root, 'input-control-range');
    act(() => {
      Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(slider, '2015');
      slider.dispatchEvent(new Event('input', { bubbles: true }));
    });
    expect(rt.getInputValue('year')).toBe(2015);
    expect((getCellSnapshot(doc, y)!.spec as { default: number }).default).toBe(2023);
    const yearCell = root.querySelector('[data-input-name="year"]')!;
    click(q(yearCell, 'input-set-default'));
    expect((getCellSnapshot(doc, y)!.spec as { default: number }).default).toBe(2015);
    expect(yearCell.getAttribute('data-default')).toBe('true');

    // A collaborator changes the district default: this person never picked one, so it follows.
    act(() => setCellSpec(doc, d, { ...districts, default: '중구' }, 'remote'));
    expect(rt.getInputValue('district')).toBe('중구');
    expect(q<HTMLSelectElement>(root, 'input-control-select').selectedOptions[0].textContent).toBe('중구');
  });

  it('a malformed input spec shows its problems in place', () => {
    const doc = new Y.Doc();
    insertCell(doc, { kind: 'input', name: 'bad', spec: { type: 'range', min: 5, max: 1 } });
    insertCell(doc, { kind: 'input', name: 'good', spec: { type: 'text', default: 'x' } });
    const rt = runtimeFor(doc);
    mounted = mount(<RuntimeProvider runtime={rt}><Inputs doc={doc} readOnly /></RuntimeProvider>, 'en');
    expect(q(mounted.container, 'spec-problems').textContent).toContain('max: max must be greater than min');
    const text = q<HTMLInputElement>(mounted.container, 'input-control-text');
    expect(text.value).toBe('x');
    typeInto(text, '강남');
    expect(rt.getInputValue('good')).toBe('x'); // committed on Enter / leaving the field
    key(text, { key: 'Enter' });
    expect(rt.getInputValue('good')).toBe('강남');
  });

  it('multi-select and date controls', () => {
    const doc = new Y.Doc();
    insertCell(doc, { kind: 'input', name: 'gus', spec: { type: 'multiselect', options: ['a', 'b', 'c'], default: ['c'] } });
    insertCell(doc, { kind: 'input', name: 'day', spec: { type: 'date', min: '2020-01-01', max: '2020-12-31', default: '2020-06-01' } });
    const rt = runtimeFor(doc);
    mounted = mount(<RuntimeProvider runtime={rt}><Inputs doc={doc} readOnly /></RuntimeProvider>);
    const boxes = [...q(mounted.container, 'input-control-multiselect').querySelectorAll<HTMLInputElement>('input[type=checkbox]')];
    expect(boxes.map((b) => b.checked)).toEqual([false, false, true]);
    click(boxes[0]);
    expect(rt.getInputValue('gus')).toEqual(['a', 'c']);
    const date = q<HTMLInputElement>(mounted.container, 'input-control-date');
    expect(date.value).toBe('2020-06-01');
    act(() => {
      Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(date, '2021-01-01');
      date.dispatchEvent(new Event('input', { bubbles: true }));
    });
    expect(rt.getInputValue('day')).toBe('2020-06-01'); // outside min/max: refused
    act(() => {
      Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(date, '2020-03-01');
      date.dispatchEvent(new Event('input', { bubbles: true }));
    });
    expect(rt.getInputValue('day')).toBe('2020-03-01');
  });

  it('the settings editor changes the type and labels in the doc', () => {
    const doc = new Y.Doc();
    const id = insertCell(doc, { kind: 'input', name: 'q', spec: { type: 'text' } });
    const rt = runtimeFor(doc);
    mounted = mount(<RuntimeProvider runtime={rt}><Inputs doc={doc} readOnly={false} /></RuntimeProvider>);
    click(q(mounted.container, 'input-edit-toggle'));
    choose(q<HTMLSelectElement>(mounted.container, 'input-field-type'), 'range');
    expect(getCellSnapshot(doc, id)!.spec).toEqual({ type: 'range', min: 0, max: 100 });
    typeInto(q<HTMLInputElement>(mounted.container, 'input-field-label-ko'), '크기');
    expect(JSON.parse(q<HTMLTextAreaElement>(mounted.container, 'input-json').value)).toEqual({ type: 'range', min: 0, max: 100, label: { ko: '크기' } });
    expect(q(mounted.container, 'input-control-range')).toBeTruthy();
  });

  it('options from a SQL cell column: loading message, then distinct values; the pick goes to the callback', () => {
    const spec = { type: 'select', label: { ko: '측정소' }, optionsFrom: 'stations.측정소명' };
    const picks: unknown[] = [];
    const view = (rows: Record<string, unknown>[] | null) => (
      <InputCellView name="station" spec={spec} readOnly value={undefined} sourceRows={rows} onValueChange={(v) => picks.push(v)} onReset={() => undefined} />
    );
    mounted = mount(view(null));
    expect(mounted.container.textContent).toContain('stations 셀에서 목록을 불러오는 중…');
    mounted.unmount();
    mounted = mount(view([{ 측정소명: '종로' }, { 측정소명: '종로구' }, { 측정소명: '종로' }]));
    const select = q<HTMLSelectElement>(mounted.container, 'input-control-select');
    expect([...select.options].map((o) => o.textContent)).toEqual(['종로', '종로구']);
    choose(select, '1');
    expect(picks).toEqual(['종로구']);
  });
});
