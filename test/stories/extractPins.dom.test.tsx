/**
 * The extract line above the cells: the loaded version, pinned or following the newest, and for
 * editors "update to vN" that moves the pin in the notebook doc as one undoable edit.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ExtractLine, pinView } from '../../client/components/outputs/RuntimePanel.tsx';
import type { ExtractProgress } from '../../client/duckdb/extractLoader.ts';
import { initNotebook, readMeta } from '../../shared/schema/notebook.ts';
import { click, mount, type Mounted } from '../client/reactDom.tsx';

let mounted: Mounted | null = null;
afterEach(() => {
  mounted?.unmount();
  mounted = null;
});

function progress(extra: Partial<ExtractProgress> & { latestVersion?: number | null } = {}): ExtractProgress {
  return {
    name: 'bike', phase: 'ready', version: 2, contentHash: 'a'.repeat(64), loadedBytes: 10, totalBytes: 10,
    startedAt: 0, fromCache: false, rowCount: 475, ...extra,
  } as ExtractProgress;
}

describe('pinView', () => {
  it('offers an update only for a pinned ref with a newer live version', () => {
    expect(pinView('bike@2', { version: 2, latestVersion: 3 })).toEqual({ pinned: 2, loaded: 2, offer: 3 });
    expect(pinView('bike@2', { version: 2, latestVersion: 2 })).toEqual({ pinned: 2, loaded: 2, offer: null });
    expect(pinView('bike', { version: 3, latestVersion: 3 })).toEqual({ pinned: null, loaded: 3, offer: null });
    expect(pinView('bike@2', { version: null })).toEqual({ pinned: 2, loaded: 2, offer: null });
  });
});

describe('extract line', () => {
  it('an editor moves the pin to the newer version in one undoable edit', () => {
    const doc = new Y.Doc();
    initNotebook(doc, { title: 't', extracts: ['air@1', 'bike@2'] });
    const origin = { local: true };
    const undo = new Y.UndoManager(doc.getMap('meta'), { trackedOrigins: new Set([origin]) });
    mounted = mount(<ExtractLine p={progress({ latestVersion: 3 })} refText="bike@2" pins={{ doc, canEdit: true, origin, afterEdit: () => undo.stopCapturing() }} onRetry={() => undefined} />);
    const line = mounted.container.querySelector('[data-testid="extract-status"]')!;
    expect(line.getAttribute('data-version')).toBe('2');
    expect(line.querySelector('[data-testid="extract-version"]')!.textContent).toBe('v2 · 고정');
    const button = line.querySelector('[data-testid="extract-update"]')!;
    expect(button.textContent).toBe('v3으로 바꾸기');
    click(button);
    expect(readMeta(doc).extracts).toEqual(['air@1', 'bike@3']);
    expect(undo.undoStack).toHaveLength(1);
    undo.undo();
    expect(readMeta(doc).extracts).toEqual(['air@1', 'bike@2']);
  });

  it('a viewer sees that a newer version exists, in English too, but no button', () => {
    const doc = new Y.Doc();
    initNotebook(doc, { title: 't', extracts: ['bike@2'] });
    mounted = mount(<ExtractLine p={progress({ latestVersion: 4 })} refText="bike@2" pins={{ doc, canEdit: false }} onRetry={() => undefined} />, 'en');
    expect(mounted.container.querySelector('[data-testid="extract-update"]')).toBeNull();
    expect(mounted.container.querySelector('[data-testid="extract-newer"]')!.textContent).toBe('newer version v4 available');
    expect(mounted.container.querySelector('[data-testid="extract-version"]')!.textContent).toBe('v2 · pinned');
  });

  it('an unpinned ref says it follows the newest', () => {
    mounted = mount(<ExtractLine p={progress({ version: 5, latestVersion: 5 })} refText="bike" onRetry={() => undefined} />);
    expect(mounted.container.querySelector('[data-testid="extract-version"]')!.textContent).toBe('v5 · 최신을 따름');
    expect(mounted.container.querySelector('[data-testid="extract-newer"]')).toBeNull();
  });
});

describe('publish request versions', () => {
  it('reports only ready loads of the refs the notebook names now, by table name', async () => {
    const { browserExtractVersions } = await import('../../client/components/publish/PublishDialog.tsx');
    const loaded = {
      'bike@2': { phase: 'ready', version: 2 },
      'bike@3': { phase: 'downloading', version: 3 },
      air: { phase: 'ready', version: 7 },
      gone: { phase: 'ready', version: 1 },
    };
    expect(browserExtractVersions(loaded, ['bike@3', 'air'])).toEqual({ air: 7 });
    expect(browserExtractVersions(loaded, ['bike@2', 'air'])).toEqual({ bike: 2, air: 7 });
  });
});
