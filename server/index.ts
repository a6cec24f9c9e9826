/**
 * The composition root: the only place that wires real implementations together (style rule 4).
 *
 *   config -> database (SQLite in the data dir, or Postgres) -> notebook store -> rooms
 *          -> access control (accounts) -> notebook service -> Fastify app
 *          -> collab websocket on the same HTTP server -> listen
 *
 * `startServer` is what `madang serve` and the tests run; `server/notebooks/storage.ts` is the
 * smaller wiring for one-shot CLI commands (no rooms, no HTTP).
 */
import path from 'node:path';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { Kysely } from 'kysely';
import { readPackageVersion, repoRoot, type Config } from './config.ts';
import { createLogger, type Logger } from './log.ts';
// storage
import { openDatabase } from './persistence/database.ts';
import type { DatabaseSchema } from './persistence/schema.ts';
import { createSqlNotebookStore } from './persistence/sqlStore.ts';
import type { NotebookStore } from './persistence/adapter.ts';
// collaboration
import { RoomManager } from './sync/rooms.ts';
import { attachCollab } from './sync/collabServer.ts';
// notebooks
import { NotebookService, type LiveDocs } from './notebooks/service.ts';
import { seedSampleNotebooks } from './notebooks/seed.ts';
import { withRowTitleFromDoc } from './notebooks/titleSync.ts';
import { prepareDataDir } from './notebooks/storage.ts';
// accounts and the audit log
import type { AccessControl } from './auth/access.ts';
import { createAccessControl, defaultAllowedOrigins } from './auth/accessControl.ts';
import { addCreatorAsOwner, readableNotebooks, setMember } from './auth/memberships.ts';
import { assertDemoSafe, demoEmailDomain, ensureDemoAccounts, hasDemoAccounts } from './auth/demo.ts';
import { appendAudit } from './audit/auditLog.ts';
// extracts (issue 3)
import { createExtractCatalog } from './extracts/catalog.ts';
import { extractVersionIndex, pinExtractRefs } from './extracts/pins.ts';
import { extractRefName } from '../shared/extracts.ts';
import { registerPublicDatasets } from './data/publicDatasets.ts';
import { extractRoutesPlugin } from './http/routes/extracts.ts';
import { createSqlAnalyser } from './extracts/sqlAnalysis.ts';
import { sqlAnalysisRoutesPlugin } from './http/routes/extractsSql.ts';
import { datasetRoutesPlugin, privacySettingsFromEnv } from './http/routes/datasets.ts';
// stories (issue 6)
import { StoryService } from './stories/storyService.ts';
import { storyRoutesPlugin } from './http/routes/stories.ts';
import { storyPagesPlugin } from './http/routes/storiesPages.ts';
import { loadDocFromStore } from './notebooks/service.ts';
// HTTP
import { buildApp } from './http/app.ts';
import { accountsPlugins } from './http/routes/authPlugins.ts';

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
  db: Kysely<DatabaseSchema>;
  access: AccessControl;
  config: Config;
}

export interface StartOptions {
  logger?: Logger;
  /** Sample notebooks to seed on first start (default: the repo's `notebooks/`). */
  samplesDir?: string;
}

/** What the server needs from the accounts module, wired from its functions. */
interface AuthWiring {
  access: AccessControl;
  plugins: FastifyPluginAsync[];
  /** Sample notebooks are shared with every signed-in person, as editors (to try co-editing). */
  shareWithEveryone(notebookId: string): Promise<void>;
  /** Creates the demo accounts on an empty install; returns the owner for samples and lines to print. */
  ensureDemo(): Promise<{ ownerId: string | undefined; notices: string[] }>;
}

async function createAuth(input: {
  db: Kysely<DatabaseSchema>;
  config: Config;
  port: number;
  notebookExists: (id: string) => Promise<boolean>;
}): Promise<AuthWiring> {
  const { db, config } = input;
  const access = createAccessControl({ db, allowedOrigins: defaultAllowedOrigins(input.port, config.publicOrigin) });
  const routeDeps = { db, access, publicOrigin: config.publicOrigin, notebookExists: input.notebookExists };
  return {
    access,
    plugins: accountsPlugins(routeDeps),
    async shareWithEveryone(notebookId) {
      await setMember(db, { notebookId, principal: { kind: 'workspace' }, role: 'editor', addedBy: null });
    },
    async ensureDemo() {
      const created = config.demo ? await ensureDemoAccounts(db) : [];
      // Demo passwords were printed to a console: never serve them on a public origin.
      assertDemoSafe({ demoAccountsExist: await hasDemoAccounts(db), publicOrigin: config.publicOrigin });
      if (!config.demo) return { ownerId: undefined, notices: [] };
      const admin = await db.selectFrom('users').select('id').where('email', '=', `admin@${demoEmailDomain}`).executeTakeFirst();
      const notices = created.length === 0 ? [] : [
        'Demo accounts (shown once; change or disable them before real use) / 데모 계정 (한 번만 표시됩니다):',
        ...created.map((a) => `  ${a.email.padEnd(36)} ${a.password}  ${a.workspaceRole}  ${a.orgName}`),
      ];
      return { ownerId: admin?.id, notices };
    },
  };
}

export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const logger = options.logger ?? createLogger(config.logLevel);
  await prepareDataDir(config.dataDir);
  /** How long shutdown waits for in-flight HTTP requests (an upload, a publish) to finish. */
  const shutdownGraceMs = 10_000;
  // Resources close in reverse order of opening, also when start-up fails half way.
  const closers: Array<() => Promise<void> | void> = [];
  const closeAll = async () => {
    for (const c of closers.splice(0).reverse()) {
      try {
        await c();
      } catch (err) {
        logger.error({ err }, 'error while shutting down');
      }
    }
  };
  try {
    const db = await openDatabase({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
    closers.push(() => db.destroy());
    const sqlStore = createSqlNotebookStore(db);
    closers.push(() => sqlStore.close());
    // Rooms write through this: a title typed into the doc reaches the notebook row.
    const store = withRowTitleFromDoc(sqlStore, {
      liveDoc: (id) => rooms.loadedDoc(id),
      onError: (err, notebookId) => logger.error({ err, notebookId }, 'copying the doc title to the notebook row failed'),
    });
    closers.push(() => store.settled());
    const rooms = new RoomManager({ store, logger });
    // Flush and unload every room before the store closes.
    closers.push(() => rooms.closeAll());
    const liveDocs: LiveDocs = {
      loadedDoc: (id) => rooms.loadedDoc(id),
      applyServerEdit: async (id, edit) => { await rooms.applyServerEdit(id, edit); },
      closeRoom: async (id) => { await rooms.closeRoom(id); },
    };
    // The creator of a notebook becomes its owner (accounts module's memberships).
    // Open public datasets become extracts on the first extract request (a server that never
    // serves one, like most tests, never starts DuckDB); extract routes wait for it.
    const catalog = await createExtractCatalog({ db, dataDir: config.dataDir });
    let publicData: Promise<void> | null = null;
    const ensurePublicData = () => (publicData ??= registerPublicDatasets(catalog).then(() => undefined, (err: unknown) => {
      logger.error({ err }, 'registering the public datasets failed');
    }));
    closers.push(async () => { await publicData; await catalog.close(); });
    // Imports (web, samples) pin unpinned extract refs to the newest live version; public data is
    // registered first only when a ref names an extract the catalog does not have yet.
    const pinIndex = extractVersionIndex(db);
    const pinExtracts = async (refs: readonly string[]) => {
      const names = refs.map(extractRefName);
      const known = await Promise.all(names.map(async (n) => (await pinIndex.versions(n)).length > 0));
      if (known.includes(false)) await ensurePublicData();
      return pinExtractRefs(refs, pinIndex);
    };
    const notebooks = new NotebookService({ store, rooms: liveDocs, grantOwner: (id, userId) => addCreatorAsOwner(db, id, userId), pinExtracts });
    const notebookExists = (id: string) => notebooks.exists(id);
    const auth = await createAuth({ db, config, port: config.port, notebookExists });

    const analyser = createSqlAnalyser();
    closers.push(() => analyser.close());

    const stories = new StoryService({
      db, dataDir: config.dataDir, catalog,
      loadDoc: async (id) => {
        const live = rooms.loadedDoc(id);
        if (live) return { doc: live, release: () => undefined };
        const doc = await loadDocFromStore(store, id);
        return { doc, release: () => doc.destroy() };
      },
      audit: async (entry) => { await appendAudit(db, entry); },
    });

    const notices: string[] = [];
    const demo = await auth.ensureDemo();
    if (config.demo) {
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
      trustProxy: config.trustProxy,
      plugins: [...auth.plugins, storyRoutesPlugin({ stories, access: auth.access, notebookExists }), storyPagesPlugin({ stories, access: auth.access, publicOrigin: config.publicOrigin }), extractRoutesPlugin({ catalog, access: auth.access, db, ready: ensurePublicData }), sqlAnalysisRoutesPlugin({ analyser, access: auth.access }), datasetRoutesPlugin({ db, dataDir: config.dataDir, access: auth.access, catalog, ...privacySettingsFromEnv(process.env) })],
      readableNotebooks: (viewer) => readableNotebooks(db, viewer),
      audit: async (entry) => { await appendAudit(db, entry); },
    });
    closers.push(async () => {
      // Graceful, with an end: Node closes only the connections idle at the moment close starts;
      // one still sending a response then stays open as a keep-alive socket for Fastify's
      // keepAliveTimeout (72 s), and the process hangs on shutdown. Sweep idle sockets until the
      // server is closed; whatever is still busy after the grace period is cut.
      const sweep = setInterval(() => app.server.closeIdleConnections(), 100);
      const deadline = setTimeout(() => app.server.closeAllConnections(), shutdownGraceMs);
      try {
        await app.close();
      } finally {
        clearInterval(sweep);
        clearTimeout(deadline);
      }
    });
    const collab = attachCollab(app.server, { rooms, access: auth.access, notebookExists, logger });
    // Sockets go first: clients see "server restarting" and reconnect to the next process.
    closers.push(() => collab.close());

    await app.listen({ port: config.port, host: config.host });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
    const url = `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}`;
    logger.info({ url }, 'madang listening');

    let closing: Promise<void> | undefined;
    const close = () => (closing ??= closeAll());
    return { url, port, notices, close, app, notebooks, store, db, access: auth.access, config };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
