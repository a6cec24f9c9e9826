/**
 * The browser's async DuckDB-WASM API (`AsyncDuckDB`: messages to a worker) in Node, with the
 * worker replaced by DuckDB-WASM's own dispatcher running in this thread over the blocking bundle.
 * Messages still go one at a time through a queue (each hop is a macrotask, as with a real
 * worker), so the client code under test (`client/runtime/engineApi.ts`) runs unchanged, and the
 * messages it posts can be counted.
 */
import * as duckdb from '@duckdb/duckdb-wasm';
import type { Engine } from '../../client/duckdb/duckdbClient.ts';
import { openBlockingDuckDB } from './wasmDuck.ts';

export interface InProcessEngine {
  engine: Engine;
  /** Message types posted to the "worker", in order. */
  posted: string[];
}

export async function openInProcessEngine(): Promise<InProcessEngine> {
  const { db: bindings } = await openBlockingDuckDB();
  const listeners: Array<(e: { data: unknown }) => void> = [];
  class InProcessDispatcher extends duckdb.AsyncDuckDBDispatcher {
    postMessage(response: unknown): void {
      setTimeout(() => { for (const l of listeners) l({ data: response }); }, 0);
    }
    protected async instantiate(): Promise<never> {
      return bindings as never;
    }
  }
  const dispatcher = new InProcessDispatcher();
  const posted: string[] = [];
  const worker = {
    postMessage(message: { type: string }) {
      posted.push(message.type);
      setTimeout(() => void dispatcher.onMessage(message as never), 0);
    },
    addEventListener(type: string, handler: (e: { data: unknown }) => void) {
      if (type === 'message') listeners.push(handler);
    },
    removeEventListener() {},
    terminate() {},
  };
  const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker as unknown as Worker);
  await db.instantiate('in-process');
  const conn = await db.connect();
  const side = await db.connect();
  return { engine: { db, conn, side, version: await db.getVersion() }, posted };
}
