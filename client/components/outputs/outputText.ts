/**
 * Every string the outputs show, Korean first. Errors show both languages (people in a joint
 * session may read different ones); labels follow the app's language.
 */
import { useTranslation } from 'react-i18next';
import type { Bilingual } from '../../../shared/errors.ts';
import type { CellProblem } from '../../../shared/reactivity/graph.ts';

export function problemText(p: CellProblem): Bilingual {
  switch (p.kind) {
    case 'cycle':
      return { ko: `순환 참조: ${p.names.join(' → ')} → ${p.names[0]}. 셀들이 서로를 읽고 있어 실행할 수 없습니다.`, en: `Cycle: ${p.names.join(' → ')} → ${p.names[0]}. These cells read each other, so none can run.` };
    case 'unknownTable':
      return { ko: `알 수 없는 표: ${p.names.join(', ')}. 이 이름의 셀이나 추출본이 없습니다.`, en: `Unknown table: ${p.names.join(', ')}. No cell or extract has this name.` };
    case 'unknownParam':
      return { ko: `알 수 없는 입력: ${p.names.join(', ')}. 이 이름의 입력 셀이 없습니다.`, en: `Unknown input: ${p.names.join(', ')}. No input cell has this name.` };
    case 'duplicateName':
      return { ko: `'${p.name}' 이름을 쓰는 셀이 ${p.cellIds.length}개입니다. 이름을 하나씩만 쓰세요.`, en: `${p.cellIds.length} cells are named '${p.name}'; names must be unique.` };
    case 'upstream':
      return { ko: `앞선 셀에 문제가 있어 실행하지 않았습니다: ${p.names.join(', ')}`, en: `Not run: an upstream cell has a problem: ${p.names.join(', ')}` };
  }
}

const text = {
  ko: {
    idle: '실행 전',
    queued: '대기 중',
    running: '실행 중 {s}초',
    done: '{rows}행 · {ms}',
    error: '오류',
    blocked: '실행할 수 없음',
    rows: '{n}행',
    noRows: '결과가 0행입니다. 조건을 확인해 보세요.',
    downloadCsv: 'CSV로 내려받기',
    downloadParquet: 'Parquet로 내려받기',
    copyHint: '셀을 눌러 선택하고 Ctrl+C로 복사 (Shift+클릭으로 범위)',
    sortHint: '눌러서 정렬',
    run: '실행',
    runAll: '모두 실행',
    engineLoading: '분석 엔진(DuckDB) 불러오는 중… {loaded} / {total}',
    engineReady: '분석 엔진 준비됨',
    engineError: '분석 엔진을 불러오지 못했습니다: {error}',
    extractChecking: '{name}: 확인 중…',
    extractDownloading: '{name}: 내려받는 중 {loaded} / {total}{eta}',
    extractEta: ' · 약 {s}초 남음',
    extractRegistering: '{name}: 등록 중…',
    extractReady: '{name}: {rows}행 준비됨{cached}',
    extractCached: ' (브라우저에 저장된 사본)',
    extractError: '{name}: {error}',
    retry: '다시 시도',
    localDrop: 'CSV나 Parquet 파일을 여기에 끌어다 놓거나 골라서 내 브라우저에서만 살펴보기',
    localChoose: '파일 고르기',
    localOnly: '내 브라우저에만 있음 · 올리지 않음 · 게시할 수 없음',
    localCp949: 'CP949(EUC-KR)로 읽었습니다',
    stopped: '새 실행으로 취소됨',
    line: '{n}번째 줄',
    moreRows: '{shown}행까지 표시 (전체 {n}행, 스크롤하면 더 불러옵니다)',
  },
  en: {
    idle: 'Not run',
    queued: 'Queued',
    running: 'Running {s} s',
    done: '{rows} rows · {ms}',
    error: 'Error',
    blocked: 'Cannot run',
    rows: '{n} rows',
    noRows: 'The query returned 0 rows. Check its conditions.',
    downloadCsv: 'Download CSV',
    downloadParquet: 'Download Parquet',
    copyHint: 'Click a cell to select, Ctrl+C to copy (Shift+click for a range)',
    sortHint: 'Click to sort',
    run: 'Run',
    runAll: 'Run all',
    engineLoading: 'Loading the analysis engine (DuckDB)… {loaded} / {total}',
    engineReady: 'Analysis engine ready',
    engineError: 'The analysis engine failed to load: {error}',
    extractChecking: '{name}: checking…',
    extractDownloading: '{name}: downloading {loaded} / {total}{eta}',
    extractEta: ' · about {s} s left',
    extractRegistering: '{name}: registering…',
    extractReady: '{name}: {rows} rows ready{cached}',
    extractCached: ' (copy saved in this browser)',
    extractError: '{name}: {error}',
    retry: 'Retry',
    localDrop: 'Drop a CSV or Parquet file here, or choose one, to explore it in your browser only',
    localChoose: 'Choose a file',
    localOnly: 'Only in your browser · never uploaded · cannot be published',
    localCp949: 'read as CP949 (EUC-KR)',
    stopped: 'cancelled by a newer run',
    line: 'line {n}',
    moreRows: '',
  },
} as const;

export type OutputTextKey = keyof (typeof text)['ko'];

export function format(template: string, vars: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? ''));
}

export function useOutputText(): { lang: 'ko' | 'en'; t: (key: OutputTextKey, vars?: Record<string, string | number>) => string } {
  const { i18n } = useTranslation();
  const lang = i18n.language?.startsWith('en') ? 'en' : 'ko';
  return { lang, t: (key, vars) => format(text[lang][key], vars) };
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} kB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}
