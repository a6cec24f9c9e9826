/**
 * Errors that cross the client/server boundary. Each carries a machine `code` and a bilingual
 * human message (Korean first), so the server maps them to HTTP in one place and the client can
 * show them without guessing.
 */
export const errorCodes = {
  bad_request: 400,
  invalid_input: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  rate_limited: 429,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof errorCodes;

/** `{ ko, en }`: every message a person may read exists in both languages. */
export interface Bilingual {
  ko: string;
  en: string;
}

export class MadangError extends Error {
  readonly code: ErrorCode;
  readonly detail: Bilingual;
  constructor(code: ErrorCode, detail: Bilingual, options?: { cause?: unknown }) {
    super(`${detail.ko} / ${detail.en}`, options);
    this.name = 'MadangError';
    this.code = code;
    this.detail = detail;
  }
  get status(): number {
    return errorCodes[this.code];
  }
}

/** The JSON body of every error response: `{ error: { code, message } }` (see docs/interfaces). */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; ko: string; en: string };
}

export function toErrorBody(err: MadangError): ErrorBody {
  return { error: { code: err.code, message: err.message, ko: err.detail.ko, en: err.detail.en } };
}

export function isErrorBody(value: unknown): value is ErrorBody {
  return typeof value === 'object' && value !== null && 'error' in value &&
    typeof (value as { error: unknown }).error === 'object';
}
