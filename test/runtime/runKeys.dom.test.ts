/**
 * Which cell Shift/Ctrl+Enter runs (`runKeyTarget` in monacoBridge.ts), over a DOM shaped like the
 * notebook's: each cell's editor inside its `[data-cell-id]` section. Monaco's own bindings are
 * shared by all editors on a page, so the cell must come from where the key was typed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runKeyTarget } from '../../client/runtime/monacoBridge.ts';

function cell(id: string): HTMLElement {
  const section = document.createElement('section');
  section.dataset.cellId = id;
  section.innerHTML = '<div class="monaco-editor"><div class="native-edit-context" tabindex="0"></div></div><div class="cell-output"><button>CSV</button></div>';
  document.body.append(section);
  return section;
}

function key(target: Element, init: KeyboardEventInit): KeyboardEvent {
  const e = new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, ...init });
  Object.defineProperty(e, 'target', { value: target });
  return e;
}

afterEach(() => document.body.replaceChildren());

describe('run keys', () => {
  it('Shift+Enter and Ctrl/Cmd+Enter run the cell whose editor has the key, among several', () => {
    const first = cell('cell-one');
    const last = cell('cell-two');
    const input = (c: HTMLElement) => c.querySelector('.native-edit-context')!;
    expect(runKeyTarget(key(input(first), { shiftKey: true }))).toBe('cell-one');
    expect(runKeyTarget(key(input(first), { ctrlKey: true }))).toBe('cell-one');
    expect(runKeyTarget(key(input(last), { metaKey: true }))).toBe('cell-two');
  });

  it('leaves other keys, plain Enter, Hangul composition, open suggestions and non-editor targets to others', () => {
    const c = cell('cell-one');
    const input = c.querySelector('.native-edit-context')!;
    expect(runKeyTarget(key(input, {}))).toBeNull();
    expect(runKeyTarget(key(input, { shiftKey: true, altKey: true }))).toBeNull();
    expect(runKeyTarget(key(input, { shiftKey: true, isComposing: true }))).toBeNull();
    expect(runKeyTarget(key(input, { key: 'a', shiftKey: true }))).toBeNull();
    expect(runKeyTarget(key(c.querySelector('button')!, { shiftKey: true }))).toBeNull();
    const suggest = document.createElement('div');
    suggest.className = 'editor-widget suggest-widget visible';
    c.querySelector('.monaco-editor')!.append(suggest);
    expect(runKeyTarget(key(input, { shiftKey: true }))).toBeNull();
  });
});
