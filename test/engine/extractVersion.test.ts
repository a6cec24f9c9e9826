/**
 * Which extract version a notebook's ref loads (`chooseExtractVersion`): unpinned refs follow the
 * newest live version; a pin loads exactly its version, and a pin to a missing or withdrawn
 * version is refused with a message (ko + en) naming the extract, the version and what to do.
 * The newest live version always comes back, so the page can offer "update to vN".
 */
import { describe, expect, it } from 'vitest';
import { chooseExtractVersion, type ExtractVersion } from '../../shared/extracts.ts';

function version(n: number, withdrawnAt: string | null = null): ExtractVersion {
  return {
    name: 'bike_trips', version: n, kind: 'public', contentHash: String(n).repeat(64).slice(0, 64), rowCount: 10 * n, byteSize: 100,
    columns: [{ name: 'gu', type: 'VARCHAR' }], attribution: { ko: '서울시', en: 'Seoul', source: 'test', licence: 'KOGL' },
    datasetId: null, policyVersionId: null, createdAt: '2026-01-01T00:00:00Z', withdrawnAt,
  };
}

const versions = [version(1), version(2, '2026-02-01T00:00:00Z'), version(3), version(4, '2026-03-01T00:00:00Z')];

describe('chooseExtractVersion', () => {
  it('loads the newest live version for an unpinned ref (withdrawn ones skipped)', () => {
    const c = chooseExtractVersion(versions, 'bike_trips');
    expect(c.ok && c.version.version).toBe(3);
    expect(c.latest?.version).toBe(3);
  });

  it('loads the pinned version, not the newest, and still reports the newest live one', () => {
    const c = chooseExtractVersion(versions, 'bike_trips@1');
    expect(c.ok && c.version.version).toBe(1);
    expect(c.ok && c.version.contentHash).toBe(versions[0]!.contentHash);
    expect(c.latest?.version).toBe(3);
  });

  it('refuses a pin to a withdrawn version, naming extract and version and the version to move to', () => {
    const c = chooseExtractVersion(versions, 'bike_trips@2');
    expect(c.ok).toBe(false);
    if (c.ok) return;
    expect(c.error.en).toBe('version 2 of extract bike_trips was withdrawn; ask an editor to move the notebook to version 3');
    expect(c.error.ko).toBe('추출본 bike_trips의 버전 2은(는) 철회되었습니다. 편집자에게 노트북을 버전 3(으)로 옮겨 달라고 요청하세요.');
    expect(c.latest?.version).toBe(3);
  });

  it('refuses a pin to a version that does not exist', () => {
    const c = chooseExtractVersion(versions, 'bike_trips@9');
    expect(c.ok).toBe(false);
    if (!c.ok) expect(c.error.en).toBe('extract bike_trips has no version 9; ask an editor to move the notebook to version 3');
  });

  it('says when no version is live at all (pinned or not)', () => {
    const gone = [version(1, '2026-02-01T00:00:00Z')];
    const pinned = chooseExtractVersion(gone, 'bike_trips@1');
    expect(!pinned.ok && pinned.error.en).toBe('version 1 of extract bike_trips was withdrawn; no version is available now: ask a data steward');
    expect(pinned.latest).toBeNull();
    const unpinned = chooseExtractVersion(gone, 'bike_trips');
    expect(!unpinned.ok && unpinned.error).toEqual({ ko: '추출본을 찾을 수 없습니다: bike_trips', en: 'extract not found: bike_trips' });
    expect(chooseExtractVersion([], 'bike_trips').ok).toBe(false);
  });

  it('refuses a malformed ref', () => {
    const c = chooseExtractVersion(versions, 'bike_trips@0');
    expect(!c.ok && c.error.en).toBe('not a valid extract reference: bike_trips@0');
  });
});
