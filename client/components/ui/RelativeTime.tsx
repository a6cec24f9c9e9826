/** "3분 전 / 3 minutes ago", with the exact time on hover. */
import { useTranslation } from 'react-i18next';
import { formatRelative } from './relativeTime.ts';

export function RelativeTime({ iso, now }: { iso: string; now?: number }) {
  const { i18n } = useTranslation();
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return <span>—</span>;
  const exact = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' }).format(date);
  return <time dateTime={iso} title={exact}>{formatRelative(date.getTime(), now ?? Date.now(), i18n.language)}</time>;
}
