/**
 * Serves the built client (`vite build` -> `dist/client`). Hashed files under `assets/` never
 * change, so browsers may keep them for a year; `index.html` must be revalidated so a new build is
 * picked up. Any other GET that is not an API or collab path falls back to `index.html`, so the
 * client's own routes (`/notebooks/<id>`) work on reload.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export function hasBuiltClient(clientDir: string): boolean {
  return existsSync(path.join(clientDir, 'index.html'));
}

/** Paths the client never owns: they 404 as JSON instead of falling back to the app. */
export function isServerPath(url: string): boolean {
  return /^\/(api|collab)(\/|\?|$)/.test(url);
}

export async function registerStaticClient(app: FastifyInstance, clientDir: string): Promise<void> {
  await app.register(fastifyStatic, {
    root: clientDir,
    prefix: '/',
    wildcard: true,
    index: ['index.html'],
    cacheControl: false, // set per file below
    // `.br`/`.gz` copies written at build time (server/http/precompress.ts), chosen by Accept-Encoding.
    preCompressed: true,
    setHeaders(reply, filePath) {
      const rel = path.relative(clientDir, filePath).split(path.sep).join('/');
      reply.header('cache-control', rel.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
      // A compressed copy: say how big the real file is, so download progress can count decoded
      // bytes against the right total (the engine's loading bar).
      const original = filePath.replace(/\.(br|gz)$/, '');
      if (original !== filePath) {
        try {
          reply.header('x-uncompressed-length', String(statSync(original).size));
        } catch {
          // no original beside the copy: the progress bar just shows bytes
        }
      }
    },
  });
}

/** The SPA fallback for unknown non-API GETs: the client decides what the path means. */
export function canServeAppShell(req: FastifyRequest): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  if (isServerPath(req.url)) return false;
  // A missing hashed asset is a real 404, not the app: returning HTML for a .js breaks loudly.
  const pathname = req.url.split('?')[0];
  return !pathname.startsWith('/assets/') && path.extname(pathname) === '';
}

export function sendAppShell(reply: FastifyReply): FastifyReply {
  reply.header('cache-control', 'no-cache');
  return reply.type('text/html; charset=utf-8').sendFile('index.html');
}
