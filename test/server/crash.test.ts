/**
 * Crash safety of write-before-relay: the collab server runs in a child process on SQLite, one
 * client types fast, another watches; the server is SIGKILLed mid-typing and restarted on the same
 * data dir. Everything the watcher ever received (and everything the typist was told is `saved`)
 * must be in the restarted server's document.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { getCellSource, insertCell, listCells } from '../../shared/schema/notebook.ts';
import { connectClient, stateCovers, waitFor, type TestClient } from '../harness/collabClient.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const fixture = fileURLToPath(new URL('./fixtures/collabProcess.ts', import.meta.url));
const nb = 'notebook-crash-1';

function startChild(dataDir: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture, dataDir, nb], {
    cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve({ child, port: m.port }));
    child.once('exit', (code) => reject(new Error(`collab child exited early (${code})`)));
  });
}

describe('crash safety', () => {
  const clients: TestClient[] = [];
  const children: ChildProcess[] = [];
  let dataDir = '';
  afterEach(() => {
    for (const c of clients.splice(0)) c.destroy();
    for (const ch of children.splice(0)) ch.kill('SIGKILL');
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('everything a client received before SIGKILL is in the document after restart', async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'madang-crash-'));
    const first = await startChild(dataDir);
    children.push(first.child);
    const url = `ws://127.0.0.1:${first.port}/collab`;
    const typist = connectClient(url, nb, { user: 'a' });
    const watcher = connectClient(url, nb, { user: 'b' });
    clients.push(typist, watcher);
    await Promise.all([typist.synced, watcher.synced]);

    const cellId = insertCell(typist.doc, { kind: 'sql', source: '' });
    let received = 0;
    watcher.doc.on('update', (_u: Uint8Array, origin: unknown) => { if (origin === watcher.provider) received++; });
    // Type continuously (each keystroke its own update) until the server dies.
    let i = 0;
    const typing = setInterval(() => {
      for (let k = 0; k < 5; k++) {
        const text = getCellSource(typist.doc, cellId);
        text?.insert(text.length, `${i++ % 10}`);
      }
    }, 1);
    await waitFor(() => received >= 150, 'watcher receiving edits', 20_000);
    const killed = new Promise((resolve) => first.child.once('exit', resolve));
    first.child.kill('SIGKILL');
    await killed;
    clearInterval(typing);
    // Stop both clients before the restart: neither may resend what the server lost.
    await waitFor(() => !watcher.provider.wsconnected && !typist.provider.wsconnected, 'clients disconnected');
    typist.provider.disconnect();
    watcher.provider.disconnect();
    const seen = Y.encodeStateAsUpdate(watcher.doc);
    const seenText = getCellSource(watcher.doc, cellId)?.toString() ?? '';
    const lastSaved = typist.saved.at(-1) ?? new Map<number, number>();
    expect(seenText.length).toBeGreaterThan(100);
    // The typist was ahead of what got stored when the kill came (otherwise this proves little).
    expect(getCellSource(typist.doc, cellId)?.length ?? 0).toBeGreaterThanOrEqual(seenText.length);

    const second = await startChild(dataDir);
    children.push(second.child);
    const fresh = connectClient(`ws://127.0.0.1:${second.port}/collab`, nb, { user: 'c' });
    clients.push(fresh);
    await fresh.synced;
    const seenDoc = new Y.Doc();
    Y.applyUpdate(seenDoc, seen);
    expect(stateCovers(fresh.doc, seenDoc)).toBe(true);
    const restoredText = getCellSource(fresh.doc, cellId)?.toString() ?? '';
    expect(restoredText.startsWith(seenText)).toBe(true);
    expect(listCells(fresh.doc).map((c) => c.id)).toEqual([cellId]);
    // What the typist was told is saved is there too.
    const restored = Y.decodeStateVector(Y.encodeStateVector(fresh.doc));
    for (const [client, clock] of lastSaved) expect(restored.get(client) ?? 0).toBeGreaterThanOrEqual(clock);
  }, 60_000);
});
