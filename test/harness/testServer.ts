/**
 * A real Madang server for tests: `startServer` with a temp data dir (real SQLite), port 0 on
 * 127.0.0.1, silent logs. Helpers create accounts, sign in through the real login route, and make
 * requests with the session cookie. Other suites (e2e, collab) reuse it, so it stays general.
 *
 * @example
 *   const t = await startTestServer();
 *   const alice = await t.signUpAndIn({ role: 'analyst' });
 *   const res = await alice.post('/api/notebooks', { title: '자전거' });
 *   await t.close();
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, type Config } from '../../server/config.ts';
import { startServer, type RunningServer } from '../../server/index.ts';
import { createUser, ensureOrg } from '../../server/auth/users.ts';
import { createSession } from '../../server/auth/sessions.ts';
import { sessionCookieName } from '../../server/auth/cookies.ts';
import type { Viewer } from '../../server/auth/access.ts';
import type { OrgKind, WorkspaceRole } from '../../shared/roles.ts';

export interface TestResponse {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed as JSON (throws if it is not JSON). */
  json<T = any>(): T;
}

export interface RequestOptions {
  method?: string;
  /** Sent as JSON (content-type application/json). */
  json?: unknown;
  /** Sent as is (set `headers['content-type']` yourself). */
  body?: string | Uint8Array;
  headers?: Record<string, string>;
  cookie?: string | null;
}

export interface TestUser {
  email: string;
  password: string;
  viewer: Viewer;
}

/** Requests bound to one session cookie. */
export interface TestClient {
  cookie: string | null;
  user?: TestUser;
  request(pathname: string, options?: RequestOptions): Promise<TestResponse>;
  get(pathname: string, options?: RequestOptions): Promise<TestResponse>;
  post(pathname: string, json?: unknown, options?: RequestOptions): Promise<TestResponse>;
  patch(pathname: string, json?: unknown, options?: RequestOptions): Promise<TestResponse>;
  delete(pathname: string, options?: RequestOptions): Promise<TestResponse>;
}

/** `POST /api/notebooks/import` as `client`: the new notebook's id (any other answer throws with its body). */
export async function importNotebook(client: TestClient, markdown: string): Promise<string> {
  const res = await client.post('/api/notebooks/import', { markdown });
  if (res.status !== 201) throw new Error(`notebook import answered ${res.status}: ${res.text}`);
  return res.json<{ id: string }>().id;
}

export interface TestServer extends TestClient {
  url: string;
  /** `ws://127.0.0.1:PORT/collab`, the base a `WebsocketProvider` takes. */
  collabUrl: string;
  dataDir: string;
  config: Config;
  server: RunningServer;
  /** Creates an account directly in the database (the admin CLI does the same). */
  createUser(input?: { email?: string; name?: string; role?: WorkspaceRole; org?: string; orgKind?: OrgKind; password?: string }): Promise<TestUser>;
  /** Signs in through `POST /api/auth/login` and returns a client carrying the session cookie. */
  signIn(email: string, password: string): Promise<TestClient>;
  /** `createUser` + `signIn`. */
  signUpAndIn(input?: Parameters<TestServer['createUser']>[0]): Promise<TestClient>;
  /** A client with a session created directly in the database (no login route involved). */
  clientFor(user: TestUser): Promise<TestClient>;
  /** A client without a session. */
  anonymous(): TestClient;
  /** Stops the server; removes the data dir unless `keepDataDir`. */
  close(): Promise<void>;
}

export interface StartTestServerOptions {
  /** Reuse a data dir (restart tests); default a fresh temp dir. */
  dataDir?: string;
  /** Keep the data dir on close (default: keep only when `dataDir` was given). */
  keepDataDir?: boolean;
  /** Seed samples and demo accounts (default false: tests start empty). */
  demo?: boolean;
  samplesDir?: string;
  /** Built client to serve (default none: API only). */
  clientDir?: string;
}

let userCounter = 0;

async function toTestResponse(res: Response): Promise<TestResponse> {
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    text,
    json() {
      return JSON.parse(text);
    },
  };
}

/** The `name=value` part of a session `Set-Cookie` header. */
export function sessionCookieFrom(headers: Headers): string | null {
  for (const line of headers.getSetCookie()) {
    const first = line.split(';')[0];
    if (first.startsWith(`${sessionCookieName}=`) && first.length > sessionCookieName.length + 1) return first;
  }
  return null;
}

function makeClient(baseUrl: string, cookie: string | null, user?: TestUser): TestClient {
  const request = async (pathname: string, options: RequestOptions = {}): Promise<TestResponse> => {
    const method = options.method ?? 'GET';
    const headers: Record<string, string> = {};
    // A non-browser client says so on state-changing requests (the accounts module's CSRF rule).
    if (method !== 'GET' && method !== 'HEAD') headers['x-requested-with'] = 'madang';
    const c = options.cookie !== undefined ? options.cookie : cookie;
    if (c) headers.cookie = c;
    let body: string | Uint8Array | undefined = options.body;
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    }
    Object.assign(headers, options.headers ?? {});
    const res = await fetch(new URL(pathname, baseUrl), { method, headers, body: body as BodyInit | undefined, redirect: 'manual' });
    return toTestResponse(res);
  };
  return {
    cookie,
    user,
    request,
    get: (p, o) => request(p, { ...o, method: 'GET' }),
    post: (p, json, o) => request(p, { ...o, method: 'POST', json: o?.body === undefined ? json : undefined }),
    patch: (p, json, o) => request(p, { ...o, method: 'PATCH', json }),
    delete: (p, o) => request(p, { ...o, method: 'DELETE' }),
  };
}

export async function startTestServer(options: StartTestServerOptions = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? (await mkdtemp(path.join(os.tmpdir(), 'madang-test-')));
  const keepDataDir = options.keepDataDir ?? options.dataDir !== undefined;
  const config = loadConfig({
    env: {},
    flags: {
      port: 0,
      host: '127.0.0.1',
      data: dataDir,
      demo: options.demo ?? false,
      logLevel: 'silent',
      clientDir: options.clientDir ?? path.join(dataDir, 'no-client'),
    },
  });
  const server = await startServer(config, { samplesDir: options.samplesDir });
  const baseUrl = server.url;
  const anonymous = makeClient(baseUrl, null);

  const createTestUser: TestServer['createUser'] = async (input = {}) => {
    userCounter += 1;
    const org = await ensureOrg(server.db, { name: input.org ?? 'Test Org', kind: input.orgKind ?? 'cso' });
    const email = input.email ?? `user${userCounter}-${process.pid}@test.madang.example`;
    const password = input.password ?? `correct horse ${userCounter} battery`;
    const viewer = await createUser(server.db, {
      email, name: input.name ?? `Test User ${userCounter}`, orgId: org.id, workspaceRole: input.role ?? 'analyst', password,
    });
    return { email, password, viewer };
  };

  const signIn: TestServer['signIn'] = async (email, password) => {
    const res = await anonymous.post('/api/auth/login', { email, password });
    if (res.status !== 200 && res.status !== 204) throw new Error(`sign in failed (${res.status}): ${res.text}`);
    const cookie = sessionCookieFrom(res.headers);
    if (!cookie) throw new Error('sign in returned no session cookie');
    return makeClient(baseUrl, cookie);
  };

  return {
    ...anonymous,
    url: baseUrl,
    collabUrl: `${baseUrl.replace(/^http/, 'ws')}/collab`,
    dataDir,
    config,
    server,
    createUser: createTestUser,
    signIn,
    async signUpAndIn(input) {
      const user = await createTestUser(input);
      const client = await signIn(user.email, user.password);
      return { ...client, user };
    },
    async clientFor(user) {
      const session = await createSession(server.db, user.viewer.userId);
      return makeClient(baseUrl, `${sessionCookieName}=${encodeURIComponent(session.token)}`, user);
    },
    anonymous: () => anonymous,
    async close() {
      await server.close();
      if (!keepDataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
