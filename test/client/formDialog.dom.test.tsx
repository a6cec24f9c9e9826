/**
 * FormDialog, the skeleton shared by the new-notebook and change-password dialogs: the busy state
 * follows the promise `onSubmit` returns (none = a field problem, nothing to wait for), one
 * submission at a time, Cancel closes, and the fields' Enter submits.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { act } from 'react';
import { FormDialog } from '../../client/components/ui/FormDialog.tsx';
import { click, mount, type Mounted } from './reactDom.tsx';

let mounted: Mounted | null = null;
afterEach(() => {
  mounted?.unmount();
  mounted = null;
});

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => { resolve = r; });
  return { promise, resolve };
}

interface Calls { submits: number; closes: number }

function render(onSubmit: () => Promise<void> | void, lng: 'ko' | 'en' = 'ko'): Calls {
  const calls: Calls = { submits: 0, closes: 0 };
  mounted = mount(
    <FormDialog title="제목" testId="form-dialog" submitTestId="form-submit" submitLabel="보내기" busyLabel="보내는 중…"
      onClose={() => { calls.closes += 1; }} onSubmit={() => { calls.submits += 1; return onSubmit(); }}>
      <input data-testid="form-field" />
    </FormDialog>,
    lng,
  );
  return calls;
}

const submitButton = () => document.querySelector<HTMLButtonElement>('[data-testid="form-submit"]')!;
const form = () => document.querySelector<HTMLFormElement>('[data-testid="form-dialog"] form')!;
const submitForm = () => act(() => { form().requestSubmit(); });

describe('FormDialog', () => {
  it('stays ready when onSubmit returns nothing (a field problem was shown)', () => {
    const calls = render(() => undefined);
    click(submitButton());
    expect(calls.submits).toBe(1);
    expect(submitButton().disabled).toBe(false);
    expect(submitButton().textContent).toBe('보내기');
  });

  it('is busy until the submission settles, and ignores a second submit meanwhile', async () => {
    const pending = deferred();
    const calls = render(() => pending.promise);
    click(submitButton());
    expect(submitButton().disabled).toBe(true);
    expect(submitButton().textContent).toBe('보내는 중…');

    submitForm(); // a submit that does not come through the (disabled) button
    expect(calls.submits).toBe(1);

    // Resolve, then let every continuation waiting on it (the dialog's `finally`) run inside act.
    await act(async () => { pending.resolve(); await new Promise((r) => setTimeout(r, 0)); });
    expect(submitButton().disabled).toBe(false);
    expect(submitButton().textContent).toBe('보내기');
    // This one resolves at once (same settled promise); its `finally` runs inside this act.
    await act(async () => { form().requestSubmit(); });
    expect(calls.submits).toBe(2);
    expect(submitButton().disabled).toBe(false);
  });

  it('Cancel closes without submitting, labelled in the interface language', () => {
    const calls = render(() => undefined, 'en');
    const cancel = [...document.querySelectorAll<HTMLButtonElement>('[data-testid="form-dialog"] button')].find((b) => b.type === 'button')!;
    expect(cancel.textContent).toBe('Cancel');
    click(cancel);
    expect(calls).toEqual({ submits: 0, closes: 1 });
  });

  it('puts the fields inside the form and labels the panel with the title', () => {
    render(() => undefined);
    const panel = document.querySelector('[data-testid="form-dialog"]')!;
    expect(form().contains(document.querySelector('[data-testid="form-field"]'))).toBe(true);
    expect(document.getElementById(panel.getAttribute('aria-labelledby')!)!.textContent).toBe('제목');
  });
});
