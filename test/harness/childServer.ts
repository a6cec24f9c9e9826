/**
 * A real server in a child process for jsdom tests: Vite rewrites the server's
 * `new URL(…, import.meta.url)` paths under jsdom, so the server cannot be imported there. The
 * fixture script prints one JSON line when it is listening and exits when its stdin closes.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface ChildServer<T> {
  /** What the fixture printed on its first line. */
  started: T;
  /** Closes the fixture's stdin and waits for it to exit. */
  stop(): Promise<void>;
}

export async function startChildServer<T>(script: string): Promise<ChildServer<T>> {
  const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`test server exited with ${code}`)));
  });
  return {
    started: JSON.parse(line) as T,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.stdin!.end();
      await exited;
    },
  };
}
