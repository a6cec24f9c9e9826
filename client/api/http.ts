/**
 * The browser's one way to call the Madang HTTP API.
 *
 * `request()` sends JSON (with the `X-Requested-With: madang` header the server's CSRF rule asks
 * for on state-changing methods), parses the `{error:{code,message,ko,en}}` body into an
 * `HttpError` carrying both languages, and validates success bodies with zod.
 *
 * `toasting(key, fn)` is the decorator the UI uses (marimo's requests-toasting): a failure shows a
 * toast titled from the exhaustive `requestTitles` table and is rethrown, a 403 becomes a calm
 * read-only notice instead of a red toast, and a 401 sends the person to `/login`.
 */
import type { z } from 'zod';
import { errorCodes, isErrorBody, type Bilingual, type ErrorCode } from '../../shared/errors.ts';
import { pushToast } from '../state/toastStore.ts';
import { currentPath, navigate } from '../router.tsx';

/** An API failure: HTTP status, machine code and the server's message in both languages. */
export class HttpError extends Error {
  readonly status: number;
  readonly code: ErrorCode | 'network';
  readonly detail: Bilingual;
  constructor(status: number, code: ErrorCode | 'network', detail: Bilingual) {
    super(`${detail.ko} / ${detail.en}`);
    this.name = 'HttpError';
    this.status = status;
    this.code = code;
    this.detail = detail;
  }
}

/** Every request the UI makes, named; each has a human title for its failure toast. */
export type RequestKey =
  | 'auth.me'
  | 'auth.login'
  | 'auth.logout'
  | 'auth.changePassword'
  | 'auth.acceptInvite'
  | 'members.list'
  | 'members.add'
  | 'members.remove'
  | 'notebooks.list'
  | 'notebooks.get'
  | 'notebooks.create'
  | 'notebooks.rename'
  | 'notebooks.delete'
  | 'notebooks.import';

/** Exhaustive on purpose: adding a `RequestKey` without a title is a type error. */
export const requestTitles: Record<RequestKey, Bilingual> = {
  'auth.me': { ko: '로그인 정보를 불러오지 못했습니다', en: 'Could not load your sign-in' },
  'auth.login': { ko: '로그인하지 못했습니다', en: 'Could not sign in' },
  'auth.logout': { ko: '로그아웃하지 못했습니다', en: 'Could not sign out' },
  'auth.changePassword': { ko: '비밀번호를 바꾸지 못했습니다', en: 'Could not change the password' },
  'auth.acceptInvite': { ko: '초대를 수락하지 못했습니다', en: 'Could not accept the invitation' },
  'members.list': { ko: '공유 대상을 불러오지 못했습니다', en: 'Could not load who has access' },
  'members.add': { ko: '공유하지 못했습니다', en: 'Could not share' },
  'members.remove': { ko: '공유를 해제하지 못했습니다', en: 'Could not remove access' },
  'notebooks.list': { ko: '노트북 목록을 불러오지 못했습니다', en: 'Could not load notebooks' },
  'notebooks.get': { ko: '노트북을 열지 못했습니다', en: 'Could not open the notebook' },
  'notebooks.create': { ko: '노트북을 만들지 못했습니다', en: 'Could not create the notebook' },
  'notebooks.rename': { ko: '이름을 바꾸지 못했습니다', en: 'Could not rename the notebook' },
  'notebooks.delete': { ko: '노트북을 삭제하지 못했습니다', en: 'Could not delete the notebook' },
  'notebooks.import': { ko: '파일을 가져오지 못했습니다', en: 'Could not import the file' },
};

/**
 * How requests leave the page. The default is the browser's `fetch` on the same origin; tests
 * point it at a real in-process server (`configureHttp`), and nothing else changes.
 */
export interface HttpEffects {
  fetch(path: string, init: RequestInit): Promise<Response>;
}

const defaultEffects: HttpEffects = { fetch: (path, init) => globalThis.fetch(path, init) };
let effects: HttpEffects = defaultEffects;

/** Replaces how requests are sent; call with no argument to restore the default. */
export function configureHttp(next?: HttpEffects): void {
  effects = next ?? defaultEffects;
}

const unsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface RequestOptions<S extends z.ZodType | undefined> {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Sent as JSON unless it is a string (sent as-is with `contentType`). */
  body?: unknown;
  contentType?: string;
  /** Validates the success body; without it the body is ignored and `undefined` returned. */
  schema?: S;
  signal?: AbortSignal;
}

/** Builds an `HttpError` from a failed response, whatever its body. Exported for tests. */
export async function readHttpError(res: Response): Promise<HttpError> {
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    // Not JSON (a proxy page, an empty body): fall back to the status below.
  }
  if (isErrorBody(body)) {
    const e = body.error;
    const code = (e.code in errorCodes ? e.code : 'internal') as ErrorCode;
    return new HttpError(res.status, code, {
      ko: typeof e.ko === 'string' && e.ko ? e.ko : e.message,
      en: typeof e.en === 'string' && e.en ? e.en : e.message,
    });
  }
  return new HttpError(res.status, statusToCode(res.status), {
    ko: `서버가 요청을 처리하지 못했습니다 (HTTP ${res.status})`,
    en: `the server could not handle the request (HTTP ${res.status})`,
  });
}

function statusToCode(status: number): ErrorCode {
  const found = (Object.entries(errorCodes) as [ErrorCode, number][]).find(([, s]) => s === status);
  return found ? found[0] : status >= 500 ? 'internal' : 'bad_request';
}

export async function request<S extends z.ZodType | undefined = undefined>(
  path: string,
  options: RequestOptions<S> = {},
): Promise<S extends z.ZodType ? z.infer<S> : undefined> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (unsafeMethods.has(method)) headers['X-Requested-With'] = 'madang';
  let body: string | undefined;
  if (options.body !== undefined) {
    if (typeof options.body === 'string') {
      body = options.body;
      headers['Content-Type'] = options.contentType ?? 'text/plain; charset=utf-8';
    } else {
      body = JSON.stringify(options.body);
      headers['Content-Type'] = 'application/json';
    }
  }
  let res: Response;
  try {
    res = await effects.fetch(path, { method, headers, body, credentials: 'same-origin', signal: options.signal });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new HttpError(0, 'network', {
      ko: '서버에 연결할 수 없습니다. 네트워크를 확인해 주세요',
      en: 'cannot reach the server; check your network',
    });
  }
  if (!res.ok) throw await readHttpError(res);
  if (!options.schema) return undefined as never;
  const json: unknown = res.status === 204 ? null : await res.json();
  const parsed = options.schema.safeParse(json);
  if (!parsed.success) {
    throw new HttpError(res.status, 'internal', {
      ko: '서버 응답의 형식이 예상과 다릅니다',
      en: 'the server answered in an unexpected shape',
    });
  }
  return parsed.data as never;
}

/**
 * Runs `fn` and reports its failure to the person: 401 -> sign-in page, 403 -> calm notice,
 * anything else -> an error toast titled by `key`. The error is rethrown so callers can still
 * restore their own state.
 */
export async function toasting<T>(key: RequestKey, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    reportRequestError(key, err);
    throw err;
  }
}

export function reportRequestError(key: RequestKey, err: unknown): void {
  if (err instanceof DOMException && err.name === 'AbortError') return;
  const title = requestTitles[key];
  if (err instanceof HttpError && err.status === 401) {
    const here = currentPath();
    if (!here.startsWith('/login')) navigate(`/login?next=${encodeURIComponent(here)}`);
    return;
  }
  if (err instanceof HttpError && err.status === 403) {
    pushToast({ kind: 'notice', title, detail: err.detail });
    return;
  }
  const detail = err instanceof HttpError
    ? err.detail
    : { ko: '알 수 없는 오류가 났습니다', en: 'something unexpected went wrong' };
  pushToast({ kind: 'error', title, detail });
}
