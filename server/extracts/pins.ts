/**
 * Extract pins (issue 6): a notebook computes, and publishes, on exact extract versions. A ref in
 * `meta.extracts` is `name` (follows the newest live version: legacy notebooks and files written
 * by hand) or `name@version` (pinned). New and imported notebooks are pinned on arrival so every
 * collaborator and the publisher see the same rows until someone deliberately moves the pin.
 *
 * This module reads only the `extracts` table (no DuckDB), so one-shot CLI imports stay quick.
 */
import type { Kysely } from 'kysely';
import { MadangError } from '../../shared/errors.ts';
import { formatExtractRef, parseExtractRef } from '../../shared/extracts.ts';
import type { ExtractTables } from './catalog.ts';

export interface ExtractVersionState {
  version: number;
  withdrawnAt: string | null;
}

/** What pinning needs from the catalog: every version of a name, withdrawn ones included. */
export interface ExtractVersionIndex {
  versions(name: string): Promise<ExtractVersionState[]>;
}

/** The index over the catalog's table (names compare exactly, as the catalog stores them). */
export function extractVersionIndex(db: Kysely<any>): ExtractVersionIndex {
  const d = db as Kysely<ExtractTables>;
  return {
    async versions(name) {
      const rows = await d.selectFrom('extracts').select(['version', 'withdrawn_at']).where('name', '=', name).orderBy('version').execute();
      return rows.map((r) => ({ version: Number(r.version), withdrawnAt: r.withdrawn_at }));
    },
  };
}

function newestLive(versions: readonly ExtractVersionState[]): number | null {
  let best: number | null = null;
  for (const v of versions) if (v.withdrawnAt === null && (best === null || v.version > best)) best = v.version;
  return best;
}

/**
 * Pins every unpinned ref to its extract's newest live version. A ref to an extract this server
 * does not have (yet) stays unpinned, so the notebook still opens and the runtime names what is
 * missing. A pin to a version that does not exist or was withdrawn is refused, naming the extract,
 * the version and the version to use instead.
 */
export async function pinExtractRefs(refs: readonly string[], index: ExtractVersionIndex): Promise<string[]> {
  const out: string[] = [];
  for (const ref of refs) {
    const parsed = parseExtractRef(ref);
    if (!parsed) throw new MadangError('invalid_input', { ko: `추출본 참조가 올바르지 않습니다: ${ref}`, en: `invalid extract reference: ${ref}` });
    const versions = await index.versions(parsed.name);
    const live = newestLive(versions);
    if (parsed.version === null) {
      out.push(live === null ? ref : formatExtractRef({ name: parsed.name, version: live }));
      continue;
    }
    const pinned = versions.find((v) => v.version === parsed.version);
    const instead = live === null
      ? { ko: '이 추출본에는 쓸 수 있는 버전이 없습니다. 데이터 관리자(steward)에게 문의하세요.', en: 'this extract has no live version; ask a data steward.' }
      : { ko: `파일의 extracts에서 ${parsed.name}@${live}(최신 버전)으로 바꾸거나 @버전을 지우고 다시 가져오세요.`, en: `change it to ${parsed.name}@${live} (the newest version) in the file's extracts, or drop the @version, and import again.` };
    if (!pinned) {
      throw new MadangError('invalid_input', {
        ko: `추출본 ${parsed.name}에는 버전 ${parsed.version}이(가) 없습니다. ${instead.ko}`,
        en: `extract ${parsed.name} has no version ${parsed.version}: ${instead.en}`,
      });
    }
    if (pinned.withdrawnAt !== null) {
      throw new MadangError('invalid_input', {
        ko: `추출본 ${parsed.name} 버전 ${parsed.version}은(는) 회수되었습니다 (${pinned.withdrawnAt.slice(0, 10)}). ${instead.ko}`,
        en: `extract ${parsed.name} v${parsed.version} has been withdrawn (${pinned.withdrawnAt.slice(0, 10)}): ${instead.en}`,
      });
    }
    out.push(ref);
  }
  return out;
}
