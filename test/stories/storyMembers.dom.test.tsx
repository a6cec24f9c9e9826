/**
 * The notebook side of stories, in jsdom against a real server (child process): members see
 * citizens' feedback and reply publicly (the reply shows on the story page), and an editor adds an
 * extract from the catalog, pinned to its newest live version.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { act } from 'react';
import * as Y from 'yjs';
import { configureHttp } from '../../client/api/http.ts';
import { FeedbackPanel } from '../../client/components/feedback/FeedbackPanel.tsx';
import { AddExtract } from '../../client/components/outputs/RuntimePanel.tsx';
import { initNotebook, readMeta } from '../../shared/schema/notebook.ts';
import { click, mount, typeInto, waitFor, type Mounted } from '../client/reactDom.tsx';
import { startChildServer, type ChildServer } from '../harness/childServer.ts';

let child: ChildServer<{ url: string; cookie: string; notebookId: string; slug: string }>;
let mounted: Mounted | null = null;

beforeAll(async () => {
  child = await startChildServer('test/stories/fixtures/serveStoryForDom.ts');
  const { url, cookie } = child.started;
  configureHttp({
    fetch: (p, init) => {
      const headers = new Headers(init.headers);
      headers.set('cookie', cookie);
      return fetch(new URL(p, url), { ...init, headers });
    },
  });
}, 60_000);

afterAll(async () => {
  configureHttp();
  await child?.stop();
});

afterEach(() => {
  mounted?.unmount();
  mounted = null;
});

describe('feedback in the notebook', () => {
  it('a member sees pending feedback and replies; the reply and the feedback then show on the story page', async () => {
    mounted = mount(<FeedbackPanel notebookId={child.started.notebookId} canModerate onClose={() => undefined} />);
    const item = await waitFor(() => {
      const li = mounted!.container.ownerDocument.querySelector('[data-testid="feedback-item"]');
      if (!li) throw new Error('no feedback yet');
      return li;
    });
    expect(item.getAttribute('data-status')).toBe('pending');
    expect(item.textContent).toContain('우리 구 자료도 보고 싶어요');
    const storyPage = () => fetch(new URL(`/stories/${encodeURIComponent(child.started.slug)}`, child.started.url)).then((r) => r.text());
    expect(await storyPage()).not.toContain('우리 구 자료도 보고 싶어요');
    typeInto(item.querySelector('[data-testid="feedback-reply-text"]') as HTMLTextAreaElement, '다음 버전에 넣겠습니다');
    click(item.querySelector('[data-testid="feedback-reply-send"]')!);
    await waitFor(() => {
      const li = mounted!.container.ownerDocument.querySelector('[data-testid="feedback-item"]')!;
      expect(li.getAttribute('data-status')).toBe('approved');
      expect(li.querySelector('[data-testid="feedback-reply"]')!.textContent).toContain('다음 버전에 넣겠습니다');
    });
    const page = await storyPage();
    expect(page).toContain('우리 구 자료도 보고 싶어요');
    expect(page).toContain('다음 버전에 넣겠습니다');
  });
});

describe('adding an extract', () => {
  it('an editor picks an extract from the catalog; it is added pinned to the newest live version', async () => {
    const doc = new Y.Doc();
    initNotebook(doc, { title: 't', extracts: [] });
    mounted = mount(<AddExtract pins={{ doc, canEdit: true }} />);
    click(mounted.container.querySelector('[data-testid="extract-add-open"]')!);
    const select = await waitFor(() => {
      const s = mounted!.container.querySelector('[data-testid="extract-add-select"]');
      if (!s) throw new Error('no list yet');
      return s as HTMLSelectElement;
    });
    const labels = [...select.options].map((o) => o.textContent ?? '');
    expect(labels.some((l) => /^trips \(v2, 2,400행\)$/.test(l))).toBe(true);
    act(() => {
      select.value = 'trips';
      select.dispatchEvent(new Event('change', { bubbles: true }));
    });
    click(mounted.container.querySelector('[data-testid="extract-add-submit"]')!);
    expect(readMeta(doc).extracts).toEqual(['trips@2']);
    // Once added, it is no longer offered.
    click(mounted.container.querySelector('[data-testid="extract-add-open"]')!);
    await waitFor(() => {
      const s = mounted!.container.querySelector('[data-testid="extract-add-select"]') as HTMLSelectElement | null;
      expect(s ? [...s.options].map((o) => o.value) : []).not.toContain('trips');
      expect(mounted!.container.querySelector('[data-testid="extract-add"]')).not.toBeNull();
    });
  });

  it('renders nothing for someone who cannot edit', () => {
    const doc = new Y.Doc();
    initNotebook(doc, { title: 't' });
    mounted = mount(<AddExtract pins={{ doc, canEdit: false }} />);
    expect(mounted.container.innerHTML).toBe('');
  });
});
