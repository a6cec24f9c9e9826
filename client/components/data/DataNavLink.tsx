/** The header's link to the data pages (every signed-in member: the approval record is public). */
import { useTranslation } from 'react-i18next';
import { Link } from '../../router.tsx';

export function DataNavLink() {
  const { t } = useTranslation('data');
  return <Link href="/data" className="button button-quiet" data-testid="data-link">{t('nav')}</Link>;
}
