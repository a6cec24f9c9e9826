/**
 * Rendering helpers for dom tests (no testing library): mount into jsdom with React's `act`, and
 * dispatch real DOM events. React needs the act-environment flag to flush effects synchronously.
 */
import { act, type ReactNode } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { createI18n, type Language } from '../../client/i18n/index.ts';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

export interface Mounted {
  container: HTMLElement;
  root: Root;
  unmount(): void;
}

export function mount(node: ReactNode, lng: Language = 'ko'): Mounted {
  const container = document.createElement('div');
  document.body.appendChild(container);
  const root = createRoot(container);
  const i18n = createI18n(lng);
  act(() => root.render(<I18nextProvider i18n={i18n}>{node}</I18nextProvider>));
  return {
    container,
    root,
    unmount() {
      act(() => root.unmount());
      container.remove();
    },
  };
}

export function key(target: Element, init: KeyboardEventInit): void {
  act(() => {
    target.dispatchEvent(new KeyboardEvent('keydown', { bubbles: true, cancelable: true, ...init }));
  });
}

export function click(target: Element): void {
  act(() => {
    (target as HTMLElement).click();
  });
}

/** Sets an input's value the way React notices (its value tracker), then fires `input`. */
export function typeInto(input: HTMLInputElement | HTMLTextAreaElement, value: string): void {
  act(() => {
    const proto = input instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
    Object.getOwnPropertyDescriptor(proto, 'value')!.set!.call(input, value);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
}

/** Waits for `check` to stop throwing, flushing React work in between (for fetches). */
export async function waitFor<T>(check: () => T, tries = 200): Promise<T> {
  let last: unknown;
  for (let i = 0; i < tries; i++) {
    try {
      return check();
    } catch (err) {
      last = err;
      await act(async () => {
        await new Promise((r) => setTimeout(r, 10));
      });
    }
  }
  throw last;
}
