/**
 * Receiving an upload into the raw store without holding it in memory: the request body stream is
 * piped to a file, counting bytes, and cut off with 413 the moment it passes the limit (the
 * partial file is removed). `Content-Length` over the limit is refused before reading anything.
 */
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { MadangError } from '../../shared/errors.ts';

/** Default upload limit: 2 GiB (`MADANG_DATASET_MAX_BYTES` changes it). */
export const defaultMaxUploadBytes = 2 * 1024 * 1024 * 1024;

export function formatBytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(1)} GiB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} B`;
}

/** The limit as a steward reads it: "2.0 GiB (2,147,483,648 bytes)", or "1000 B". */
export function describeLimit(limit: number, lang: 'ko' | 'en'): string {
  if (limit < 1024) return formatBytes(limit);
  const exact = limit.toLocaleString('en-US');
  return lang === 'ko' ? `${formatBytes(limit)} (${exact}바이트)` : `${formatBytes(limit)} (${exact} bytes)`;
}

/**
 * 413 for an upload over the limit. It says the limit and both ways forward, because the person
 * who sees it (a steward in the browser) is often not the one who runs the server.
 */
export function uploadTooLarge(limit: number): MadangError {
  return new MadangError('payload_too_large', {
    ko: `파일이 너무 큽니다. 최대 ${describeLimit(limit, 'ko')}까지 올릴 수 있습니다. 더 큰 파일은 서버에서 madang dataset import FILE --name NAME 명령으로 가져오거나, 서버 관리자가 MADANG_DATASET_MAX_BYTES(바이트 수)를 늘린 뒤 다시 올려 주세요`,
    en: `the file is too large: at most ${describeLimit(limit, 'en')} can be uploaded. Import larger files on the server with \`madang dataset import FILE --name NAME\`, or ask the server's administrator to raise MADANG_DATASET_MAX_BYTES (bytes) and upload again`,
  });
}

/** `MADANG_DATASET_MAX_BYTES`: bytes, a whole number ≥ 1. */
export function parseMaxUploadBytes(text: string | undefined): number {
  if (text === undefined || text.trim() === '') return defaultMaxUploadBytes;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`MADANG_DATASET_MAX_BYTES must be a whole number of bytes (got "${text}")`);
  return n;
}

/** Streams `body` to `file`; throws 413 (and removes the file) past `limit` bytes. */
export async function receiveToFile(body: Readable, file: string, limit: number, onBytes?: (n: number) => void): Promise<number> {
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      onBytes?.(bytes);
      if (bytes > limit) done(uploadTooLarge(limit));
      else done(null, chunk);
    },
  });
  try {
    await pipeline(body, counter, createWriteStream(file, { mode: 0o600 }));
    return bytes;
  } catch (err) {
    await rm(file, { force: true });
    if (err instanceof MadangError) throw err;
    if ((err as NodeJS.ErrnoException).code === 'ENOSPC') {
      // The steward cannot fix this by trying again; the administrator can.
      throw new MadangError('internal', {
        ko: '서버 디스크가 가득 차서 파일을 받을 수 없습니다. 서버 관리자에게 알려 주세요',
        en: 'the server\'s disk is full, so the file cannot be received; tell the server\'s administrator',
      }, { cause: err });
    }
    throw new MadangError('bad_request', { ko: '업로드가 중간에 끊겼습니다. 다시 올려 주세요', en: `the upload was interrupted (${(err as Error).message}); try again` });
  }
}
