/**
 * Whether the built client (`dist/client`) must be (re)built before serving: missing, or older
 * than its sources. An operator who pulls a new version and runs `npm start` again must not get
 * yesterday's client talking to today's server.
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** What the client build is made from, relative to the repo root. */
export const clientSources = ['client', 'shared', 'vite.config.ts', 'package.json', 'package-lock.json'];

/** Newest modification time (ms) of any file under `target` (a file or a folder); 0 if absent. */
export function newestMtime(target: string): number {
  let stat;
  try {
    stat = statSync(target);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(target, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(path.join(target, entry.name)));
  }
  return newest;
}

export type ClientBuildState = 'missing' | 'stale' | 'fresh';

export function clientBuildState(repoRoot: string, clientDir: string): ClientBuildState {
  const built = newestMtime(path.join(clientDir, 'index.html'));
  if (built === 0) return 'missing';
  const sources = Math.max(...clientSources.map((s) => newestMtime(path.join(repoRoot, s))));
  return sources > built ? 'stale' : 'fresh';
}
