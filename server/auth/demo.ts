/**
 * Demo accounts for a fresh install: three organisations (a citizens' group, the city's data
 * office, a university lab) and one account per role, with random passwords printed once by
 * `startServer`. `MADANG_DEMO=0` (config `demo: false`) creates none. Because demo passwords are
 * printed to a console, a server reachable from outside must not run with them:
 * `assertDemoSafe` refuses to start with demo accounts and a non-localhost public origin.
 */
import { MadangError } from '../../shared/errors.ts';
import type { OrgKind, WorkspaceRole } from '../../shared/roles.ts';
import type { AuthDb } from './authSchema.ts';
import { systemClock, type Clock } from './clock.ts';
import { newReadablePassword } from './tokens.ts';
import { countUsers, createOrg, createUser } from './users.ts';
import { appendAudit, auditActions } from '../audit/auditLog.ts';

/** Demo accounts use this email domain (reserved by RFC 2606, never deliverable). */
export const demoEmailDomain = 'demo.madang.example';

export interface DemoAccount {
  email: string;
  password: string;
  name: string;
  orgName: string;
  workspaceRole: WorkspaceRole;
}

const demoOrgs: Array<{ key: string; name: string; kind: OrgKind; color: string }> = [
  { key: 'cso', name: '서울환경연합 (Seoul Green Citizens)', kind: 'cso', color: '#1b7f5b' },
  { key: 'city', name: '서울특별시 데이터전략과 (Seoul Data Strategy Division)', kind: 'city', color: '#2a5db0' },
  { key: 'lab', name: '도시데이터연구소 (Urban Data Lab)', kind: 'expert', color: '#7a3fb0' },
];

const demoPeople: Array<{ local: string; name: string; org: string; role: WorkspaceRole }> = [
  { local: 'admin', name: '관리자 (Admin)', org: 'city', role: 'admin' },
  { local: 'steward', name: '김데이터 (Kim, data steward)', org: 'city', role: 'steward' },
  { local: 'analyst', name: '이시민 (Lee, citizen analyst)', org: 'cso', role: 'analyst' },
  { local: 'expert', name: '박교수 (Park, researcher)', org: 'lab', role: 'analyst' },
];

/**
 * On an empty users table, creates the demo organisations and accounts and returns them with
 * their one-time passwords; otherwise returns `[]` (never touches existing people).
 */
export async function ensureDemoAccounts(db: AuthDb, clock: Clock = systemClock): Promise<DemoAccount[]> {
  if ((await countUsers(db)) > 0) return [];
  const orgIds = new Map<string, { id: string; name: string }>();
  for (const o of demoOrgs) {
    const existing = await db.selectFrom('orgs').select(['id', 'name']).where('name', '=', o.name).executeTakeFirst();
    orgIds.set(o.key, existing ?? (await createOrg(db, { name: o.name, kind: o.kind, color: o.color }, clock)));
  }
  const out: DemoAccount[] = [];
  for (const p of demoPeople) {
    const org = orgIds.get(p.org)!;
    const password = newReadablePassword();
    const email = `${p.local}@${demoEmailDomain}`;
    const user = await createUser(db, { email, name: p.name, orgId: org.id, workspaceRole: p.role, password }, clock);
    await appendAudit(db, { actorId: null, action: auditActions.userCreated, target: user.userId, detail: { email, workspaceRole: p.role, demo: true } }, clock);
    out.push({ email, password, name: p.name, orgName: org.name, workspaceRole: p.role });
  }
  return out;
}

/** Whether any demo account exists (they may have been created on an earlier start). */
export async function hasDemoAccounts(db: AuthDb): Promise<boolean> {
  const row = await db.selectFrom('users').select('id').where('email', 'like', `%@${demoEmailDomain}`).where('disabled_at', 'is', null).executeTakeFirst();
  return row !== undefined;
}

/** Loopback names only: `localhost`, `*.localhost`, 127.0.0.0/8, `::1`. */
export function isLocalOrigin(origin: string): boolean {
  let host: string;
  try {
    host = new URL(origin).hostname.toLowerCase();
  } catch {
    return false;
  }
  return host === 'localhost' || host.endsWith('.localhost') || /^127(\.\d{1,3}){3}$/.test(host) || host === '[::1]';
}

/**
 * Throws when demo accounts would be reachable from outside: `demoAccountsExist` (or demo mode on)
 * together with a public origin that is not loopback. Call before listening.
 */
export function assertDemoSafe(input: { demoAccountsExist: boolean; publicOrigin: string | undefined }): void {
  if (!input.demoAccountsExist || input.publicOrigin === undefined || isLocalOrigin(input.publicOrigin)) return;
  throw new MadangError('forbidden', {
    ko: `데모 계정이 있는 상태로 외부 주소(${input.publicOrigin})에서 실행할 수 없습니다. MADANG_DEMO=0 으로 시작하고 데모 계정(@${demoEmailDomain})을 비활성화하세요.`,
    en: `refusing to start: demo accounts exist and the public origin ${input.publicOrigin} is not localhost; start with MADANG_DEMO=0 and disable the @${demoEmailDomain} accounts`,
  });
}
