/**
 * The composition root: the only place that wires real implementations together (style rule 4).
 *
 *   config -> database (SQLite in the data dir, or Postgres) -> notebook store -> rooms
 *          -> access control (accounts) -> notebook service -> Fastify app
 *          -> collab websocket on the same HTTP server -> listen
 *
 * `startServer` is what `madang serve` and the tests run; `openStorage` is the smaller wiring for
 * one-shot CLI commands (no rooms, no HTTP).
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from './config.ts';
import { readPackageVersion, repoRoot } from './config.ts';
import { createLogger, type Logger } from './log.ts';
import { openDatabase } from './persistence/database.ts';
import { createSqlNotebookStore } from './persistence/sqlStore.ts';
import type { NotebookStore } from './persistence/adapter.ts';
import { RoomManager } from './sync/rooms.ts';
import { attachCollab } from './sync/collabServer.ts';
import { NotebookService, type LiveDocs } from './notebooks/service.ts';
import { seedSampleNotebooks } from './notebooks/seed.ts';
import { buildApp } from './http/app.ts';
import type { FastifyInstance } from 'fastify';

/** Where the sample notebooks ship. */
export const samplesDir = path.join(repoRoot, 'notebooks');

export interface RunningServer {
  /** `http://host:port`, with the real port when `config.port` was 0. */
  url: string;
  port: number;
  /** Lines worth printing at start (seeded notebooks, demo accounts). */
  notices: string[];
  /** Flushes rooms, closes sockets, the HTTP server and the database. Safe to call twice. */
  close(): Promise<void>;
  /** For tests and tools that need the parts (e.g. the test harness creating accounts). */
  app: FastifyInstance;
  notebooks: NotebookService;
  store: NotebookStore;
  config: Config;
}

export interface StartOptions {
  logger?: Logger;
  /** Sample notebooks to seed on first start (default: the repo's `notebooks/`). */
  samplesDir?: string;
}

async function prepareDataDir(config: Config): Promise<void> {
  await mkdir(config.dataDir, { recursive: true });
}

/** Storage only, for one-shot CLI commands (`madang notebook import/export`). */
export async function openStorage(config: Config, options: { create: boolean }): Promise<{ notebooks: NotebookService; store: NotebookStore; close(): Promise<void> }> {
  if (options.create) await prepareDataDir(config);
  const db = await openDatabase({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  const store = createSqlNotebookStore(db);
  const notebooks = new NotebookService({ store });
  return {
    notebooks,
    store,
    async close() {
      await store.close();
      await db.destroy();
    },
  };
}

export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const logger = options.logger ?? createLogger(config.logLevel);
  await prepareDataDir(config);
  const db = await openDatabase({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  const store = createSqlNotebookStore(db);
  const rooms = new RoomManager({ store, logger });
  const liveDocs: LiveDocs = {
    loadedDoc: (id) => rooms.loadedDoc(id),
    applyServerEdit: async (id, edit) => { await rooms.applyServerEdit(id, edit); },
    closeRoom: async (id) => { await rooms.closeRoom(id); },
  };
  const auth = await createAuth({ db, config, logger });
  const notebooks = new NotebookService({ store, rooms: liveDocs, grantOwner: auth.grantOwner });

  const notices: string[] = [];
  if (config.demo) {
    const demo = await auth.ensureDemo();
    const seed = await seedSampleNotebooks({
      notebooks, dataDir: config.dataDir, samplesDir: options.samplesDir ?? samplesDir, ownerId: demo.ownerId,
    });
    for (const n of seed.notebooks) await auth.shareWithEveryone(n.id);
    if (seed.seeded) notices.push(`Loaded ${seed.notebooks.length} sample notebooks / 예제 노트북 ${seed.notebooks.length}개를 불러왔습니다`);
    notices.push(...demo.notices);
  }

  const app = await buildApp({
    logger,
    access: auth.access,
    notebooks,
    version: readPackageVersion(),
    clientDir: config.clientDir,
    plugins: auth.plugins,
  });
  const collab = attachCollab(app.server, { rooms, access: auth.access, notebookExists: (id: string) => notebooks.exists(id), logger });

  let closed: Promise<void> | undefined;
  const close = () => {
    closed ??= (async () => {
      collab.close();
      await rooms.closeAll();
      await app.close();
      await store.close();
      await db.destroy();
    })();
    return closed;
  };

  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (err) {
    await close();
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const url = `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}`;
  logger.info({ url }, 'madang listening');
  return { url, port, notices, close, app, notebooks, store, config };
}
