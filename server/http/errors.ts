/**
 * The one mapping from anything a route can throw to an HTTP status and the JSON body
 * `{ error: { code, message, ko, en } }` (docs/interfaces: "never a stack trace"). Like Framework's
 * `preview.ts`, every error passes through here; routes just throw.
 */
import { ZodError } from 'zod';
import { MadangError, errorCodes, toErrorBody, type ErrorBody, type ErrorCode } from '../../shared/errors.ts';

export interface HttpErrorResponse {
  status: number;
  body: ErrorBody;
  /** True when the error is ours to fix (5xx): log it with its stack. */
  isServerFault: boolean;
}

/** Zod issues -> one short line naming each bad field, e.g. `title: too long (max 200)`. */
export function describeZodError(err: ZodError): string {
  return err.issues
    .slice(0, 5)
    .map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message))
    .join('; ');
}

function statusToCode(status: number): ErrorCode {
  switch (status) {
    case 401: return 'unauthenticated';
    case 403: return 'forbidden';
    case 404: return 'not_found';
    case 409: return 'conflict';
    case 413: return 'payload_too_large';
    case 429: return 'rate_limited';
    default: return status >= 500 ? 'internal' : 'bad_request';
  }
}

/** Bilingual texts for the Fastify/transport errors a client can trigger. */
function fastifyDetail(code: string | undefined, status: number, message: string): { ko: string; en: string } {
  switch (code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { ko: '요청 본문이 너무 큽니다', en: 'request body too large' };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { ko: '지원하지 않는 Content-Type입니다', en: `unsupported content type` };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { ko: 'JSON 본문이 비어 있습니다', en: 'empty JSON body' };
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return { ko: 'JSON 본문을 읽을 수 없습니다', en: 'malformed JSON body' };
    default:
      break;
  }
  if (status === 429) return { ko: '요청이 너무 많습니다. 잠시 후 다시 시도하세요', en: 'too many requests, try again later' };
  if (status === 404) return { ko: '찾을 수 없습니다', en: 'not found' };
  // Fastify's own 4xx messages carry no internals (e.g. "Body is not valid JSON but content-type is
  // set to 'application/json'"); keep them in English as the detail.
  return { ko: '요청을 처리할 수 없습니다', en: message.split('\n')[0].slice(0, 200) || 'bad request' };
}

/**
 * @example toHttpError(new MadangError('not_found', {ko: '…', en: 'no such notebook'})).status === 404
 */
export function toHttpError(err: unknown): HttpErrorResponse {
  if (err instanceof MadangError) {
    return { status: err.status, body: toErrorBody(err), isServerFault: err.status >= 500 };
  }
  if (err instanceof ZodError) {
    const what = describeZodError(err);
    const e = new MadangError('invalid_input', { ko: `입력 값이 올바르지 않습니다: ${what}`, en: `invalid input: ${what}` });
    return { status: 400, body: toErrorBody(e), isServerFault: false };
  }
  const maybe = err as { statusCode?: unknown; code?: unknown; message?: unknown; validation?: unknown } | null;
  if (maybe && typeof maybe === 'object') {
    const status = typeof maybe.statusCode === 'number' ? maybe.statusCode : undefined;
    const message = typeof maybe.message === 'string' ? maybe.message : '';
    if (maybe.validation !== undefined) {
      const e = new MadangError('invalid_input', { ko: `입력 값이 올바르지 않습니다: ${message}`, en: `invalid input: ${message}` });
      return { status: 400, body: toErrorBody(e), isServerFault: false };
    }
    if (status !== undefined && status >= 400 && status < 500) {
      const code = statusToCode(status);
      const detail = fastifyDetail(typeof maybe.code === 'string' ? maybe.code : undefined, status, message);
      // Statuses our ErrorCode table lacks (405, 415, …) keep their own status with a near code.
      return { status, body: toErrorBody(new MadangError(code, detail)), isServerFault: false };
    }
  }
  const internal = new MadangError('internal', { ko: '서버 오류가 발생했습니다', en: 'internal server error' });
  return { status: errorCodes.internal, body: toErrorBody(internal), isServerFault: true };
}

/** Shorthands for the errors routes throw most. */
export const httpErrors = {
  unauthenticated: () => new MadangError('unauthenticated', { ko: '로그인이 필요합니다', en: 'sign in required' }),
  forbidden: (en = 'you do not have permission for this', ko = '권한이 없습니다') => new MadangError('forbidden', { ko, en }),
  notebookNotFound: (id: string) =>
    new MadangError('not_found', { ko: `노트북을 찾을 수 없습니다: ${id}`, en: `notebook not found: ${id}` }),
  routeNotFound: (method: string, url: string) =>
    new MadangError('not_found', {
      ko: `없는 경로입니다: ${method} ${url.slice(0, 200)}`,
      en: `no such route: ${method} ${url.slice(0, 200)}`,
    }),
};
