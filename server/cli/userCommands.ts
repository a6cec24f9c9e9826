/**
 * Account subcommands for operators (added to `madang` by `server/cli.ts`):
 *
 *   madang user add --email E --name N --org ORG --role admin|steward|analyst
 *                   [--org-kind cso|city|expert] [--password-stdin] [--data DIR]
 *       Creates the person (and the organisation, if no organisation has that name). Without
 *       --password-stdin a password is generated and printed once; with it, the first line of
 *       stdin is the password (so it never appears in shell history or `ps`).
 *   madang user list [--data DIR]
 *   madang audit verify [--data DIR]     exit 0 when the audit chain verifies, 3 at the first broken entry
 *   madang audit export [--data DIR]     the audit log as JSON lines on stdout
 */
import type { Command } from 'commander';
import { z } from 'zod';
import { MadangError } from '../../shared/errors.ts';
import { orgKinds, workspaceRoles, type OrgKind, type WorkspaceRole } from '../../shared/roles.ts';
import { appendAudit, auditActions, exportAuditJsonLines, verifyAuditChain } from '../audit/auditLog.ts';
import type { AuthDb } from '../auth/authSchema.ts';
import { newReadablePassword } from '../auth/tokens.ts';
import { createUser, ensureOrg } from '../auth/users.ts';
import { openDatabase } from '../persistence/database.ts';
import { CliError } from '../cli.ts';

/** What `server/cli.ts` hands over (its `CliHelpers`), plus an optional stdin reader for tests. */
export interface UserCommandHelpers {
  io: { stdout: (text: string) => void; stderr: (text: string) => void };
  loadConfig: (flags: { data?: string }) => { dataDir: string; databaseUrl: string | undefined };
  dataOption: readonly [string, string];
  readStdin?: () => Promise<string>;
}

async function readProcessStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}

const addOptions = z.object({
  email: z.email({ error: 'expected an email address' }).max(320),
  name: z.string().trim().min(1).max(100),
  org: z.string().trim().min(1).max(100),
  orgKind: z.enum(orgKinds).default('cso'),
  role: z.enum(workspaceRoles),
  passwordStdin: z.boolean().optional(),
  data: z.string().optional(),
});

async function withDb<T>(helpers: UserCommandHelpers, data: string | undefined, fn: (db: AuthDb) => Promise<T>): Promise<T> {
  const config = helpers.loadConfig({ data });
  const db = await openDatabase({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  try {
    return await fn(db);
  } finally {
    await db.destroy();
  }
}

/** `madang user add`: prints the new account, and the password when it generated one. */
export async function addUserCommand(helpers: UserCommandHelpers, raw: Record<string, unknown>): Promise<void> {
  const parsed = addOptions.safeParse(raw);
  if (!parsed.success) {
    const what = parsed.error.issues.map((i) => `--${String(i.path[0] ?? '?').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}: ${i.message}`).join('; ');
    throw new MadangError('invalid_input', { ko: `옵션이 올바르지 않습니다: ${what}`, en: `invalid options: ${what}` });
  }
  const o = parsed.data;
  let password: string;
  if (o.passwordStdin) {
    password = ((await (helpers.readStdin ?? readProcessStdin)()).split(/\r?\n/)[0] ?? '');
  } else {
    password = newReadablePassword();
  }
  await withDb(helpers, o.data, async (db) => {
    const org = await ensureOrg(db, { name: o.org, kind: o.orgKind as OrgKind });
    const user = await createUser(db, { email: o.email, name: o.name, orgId: org.id, workspaceRole: o.role as WorkspaceRole, password });
    await appendAudit(db, { actorId: null, action: auditActions.userCreated, target: user.userId, detail: { email: user.email, workspaceRole: user.workspaceRole, orgId: org.id, via: 'cli' } });
    helpers.io.stdout(`created ${user.email} (${user.workspaceRole}, ${org.name}) id ${user.userId}\n`);
    if (!o.passwordStdin) helpers.io.stdout(`password: ${password}\n`);
  });
}

export function registerUserCommands(program: Command, helpers: UserCommandHelpers): void {
  const user = program.command('user').description('manage accounts / 계정 관리');
  user
    .command('add')
    .description('create an account (and its organisation if new)')
    .requiredOption('--email <email>', 'sign-in email')
    .requiredOption('--name <name>', 'display name')
    .requiredOption('--org <org>', 'organisation name (created if missing)')
    .option('--org-kind <kind>', `kind of a new organisation: ${orgKinds.join('|')}`, 'cso')
    .requiredOption('--role <role>', `workspace role: ${workspaceRoles.join('|')}`)
    .option('--password-stdin', 'read the password from the first line of stdin instead of generating one')
    .option(...helpers.dataOption)
    .action((opts: Record<string, unknown>) => addUserCommand(helpers, opts));

  user
    .command('list')
    .description('list accounts')
    .option(...helpers.dataOption)
    .action((opts: { data?: string }) =>
      withDb(helpers, opts.data, async (db) => {
        const rows = await db
          .selectFrom('users').innerJoin('orgs', 'orgs.id', 'users.org_id')
          .select(['users.email', 'users.workspace_role', 'orgs.name as org', 'users.disabled_at'])
          .orderBy('users.email').execute();
        for (const r of rows) helpers.io.stdout(`${r.email}\t${r.workspace_role}\t${r.org}${r.disabled_at ? '\tdisabled' : ''}\n`);
      }));

  const audit = program.command('audit').description('the audit log / 감사 기록');
  audit
    .command('verify')
    .description('check the hash chain; exit 3 at the first broken entry')
    .option(...helpers.dataOption)
    .action((opts: { data?: string }) =>
      withDb(helpers, opts.data, async (db) => {
        const broken = await verifyAuditChain(db);
        if (broken === null) {
          helpers.io.stdout('audit chain ok\n');
          return;
        }
        throw new CliError(`audit chain broken at seq ${broken}`, 3);
      }));
  audit
    .command('export')
    .description('print the whole audit log as JSON lines')
    .option(...helpers.dataOption)
    .action((opts: { data?: string }) =>
      withDb(helpers, opts.data, async (db) => {
        for await (const line of exportAuditJsonLines(db)) helpers.io.stdout(line);
      }));
}
