/**
 * A real server for the accounts dom tests, in its own Node process (under the jsdom project Vite
 * would rewrite the server's file lookups). Creates an admin, Alice (owner of one notebook), Bob
 * (viewer of it), Lee (for the lockout test) and an invite; prints one JSON line; stops when stdin
 * closes.
 */
import { startTestServer } from '../harness/testServer.ts';

const server = await startTestServer();
const admin = await server.signUpAndIn({ email: 'admin@city.seoul.kr', name: '관리자', role: 'admin', org: '서울특별시 데이터전략과', orgKind: 'city' });
const alice = await server.signUpAndIn({ email: 'alice@green.or.kr', name: 'Alice', role: 'analyst', org: '서울환경연합', orgKind: 'cso' });
const bob = await server.signUpAndIn({ email: 'bob@green.or.kr', name: 'Bob <i>B</i>', role: 'analyst', org: '서울환경연합' });
const lee = await server.createUser({ email: 'lee@lab.ac.kr', name: 'Lee', role: 'analyst', org: 'Urban Data Lab', orgKind: 'expert' });
const notebook = (await alice.post('/api/notebooks', { title: '따릉이 분석' })).json<{ id: string }>();
await alice.post(`/api/notebooks/${notebook.id}/members`, { email: 'bob@green.or.kr', role: 'viewer' });
const orgs = (await admin.get('/api/orgs')).json<{ orgs: Array<{ id: string; name: string }> }>().orgs;
const invite = (await admin.post('/api/invites', { email: 'new@green.or.kr', orgId: orgs.find((o) => o.name === '서울환경연합')!.id, workspaceRole: 'analyst' })).json<{ link: string }>();

process.stdout.write(`${JSON.stringify({
  url: server.url,
  admin: { cookie: admin.cookie },
  alice: { cookie: alice.cookie, userId: alice.user!.viewer.userId, password: alice.user!.password },
  bob: { cookie: bob.cookie, userId: bob.user!.viewer.userId },
  lee: { email: lee.email, password: lee.password },
  notebookId: notebook.id,
  inviteLink: invite.link,
})}\n`);
process.stdin.resume();
process.stdin.on('end', () => {
  void server.close().then(() => process.exit(0));
});
