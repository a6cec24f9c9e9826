/** `toHttpError`: the one mapping from thrown things to status + `{error:{code,message,ko,en}}`. */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MadangError } from '../../shared/errors.ts';
import { toHttpError } from '../../server/http/errors.ts';

describe('toHttpError', () => {
  it('keeps a MadangError\'s code, status and both languages', () => {
    const r = toHttpError(new MadangError('conflict', { ko: '이미 있습니다', en: 'already exists' }));
    expect(r).toEqual({
      status: 409,
      isServerFault: false,
      body: { error: { code: 'conflict', message: '이미 있습니다 / already exists', ko: '이미 있습니다', en: 'already exists' } },
    });
  });

  it('turns a zod error into invalid_input naming the field', () => {
    const parsed = z.object({ title: z.string().max(3) }).safeParse({ title: 'long' });
    expect(parsed.success).toBe(false);
    const r = toHttpError(parsed.error);
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('invalid_input');
    expect(r.body.error.en).toMatch(/^invalid input: title: /);
  });

  it('maps Fastify client errors by status and keeps unusual 4xx statuses', () => {
    const tooLarge = Object.assign(new Error('Request body is too large'), { statusCode: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE' });
    expect(toHttpError(tooLarge)).toMatchObject({ status: 413, body: { error: { code: 'payload_too_large', en: 'request body too large' } } });
    const media = Object.assign(new Error('Unsupported Media Type: application/xml'), { statusCode: 415, code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' });
    expect(toHttpError(media)).toMatchObject({ status: 415, body: { error: { code: 'bad_request' } } });
    const limited = Object.assign(new Error('Rate limit exceeded'), { statusCode: 429 });
    expect(toHttpError(limited)).toMatchObject({ status: 429, body: { error: { code: 'rate_limited' } } });
  });

  it('hides everything about an unexpected error behind a generic 500', () => {
    const err = new Error('SQLITE_CORRUPT at /srv/madang/.madang/madang.db');
    const r = toHttpError(err);
    expect(r.status).toBe(500);
    expect(r.isServerFault).toBe(true);
    expect(r.body.error.code).toBe('internal');
    expect(JSON.stringify(r.body)).not.toContain('SQLITE');
    expect(toHttpError(Object.assign(new Error('boom'), { statusCode: 503 })).body.error.en).toBe('internal server error');
    expect(toHttpError('a string').status).toBe(500);
  });
});
