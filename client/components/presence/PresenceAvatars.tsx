/**
 * Who is in the notebook now: one round avatar per person (initials on their organisation's
 * colour, name and organisation in the tooltip), ourselves first.
 */
import { useTranslation } from 'react-i18next';
import type { NotebookSession } from '../../sync/notebookSession.ts';
import { usePresence } from '../../sync/hooks.ts';
import { initialsOf, maybeColor } from '../../sync/peers.ts';

/** More people than this collapse into "+N". */
const maxShown = 6;

interface AvatarPerson { key: string; name: string; color: string; org: string; isSelf: boolean }

function Avatar({ person, size = 28 }: { person: AvatarPerson; size?: number }) {
  const title = person.org ? `${person.name} · ${person.org}` : person.name;
  return (
    <span
      data-testid="presence-avatar"
      data-user-name={person.name}
      data-self={person.isSelf ? 'true' : undefined}
      title={title}
      aria-label={title}
      role="img"
      style={{
        display: 'inline-flex', alignItems: 'center', justifyContent: 'center', width: size, height: size,
        borderRadius: '50%', background: maybeColor(person.color), color: '#fff', fontSize: size * 0.42,
        fontWeight: 600, border: '2px solid #fff', marginLeft: -6, boxShadow: '0 0 0 1px rgba(0,0,0,0.08)',
        userSelect: 'none',
      }}
    >
      {initialsOf(person.name)}
    </span>
  );
}

export function PresenceAvatars({ session }: { session: NotebookSession }) {
  const { t } = useTranslation('sync');
  const peers = usePresence(session);
  const self = session.awareness.getLocalState() as { user?: { name?: string; color?: string; org?: string } } | null;
  const people: AvatarPerson[] = [];
  if (self?.user?.name) {
    people.push({ key: 'self', name: self.user.name, color: self.user.color ?? '', org: self.user.org ?? '', isSelf: true });
  }
  for (const p of peers) people.push({ key: String(p.clientId), name: p.name, color: p.color, org: p.org, isSelf: false });
  const shown = people.slice(0, maxShown);
  const hidden = people.length - shown.length;
  return (
    <div className="presence-avatars" aria-label={t('presenceLabel')} data-testid="presence-avatars" style={{ display: 'inline-flex', alignItems: 'center', paddingLeft: 6 }}>
      {shown.map((p) => <Avatar key={p.key} person={p} />)}
      {hidden > 0 && <span style={{ marginLeft: 6, fontSize: '0.8rem', color: '#5f6368' }}>{t('presenceMore', { count: hidden })}</span>}
    </div>
  );
}
