/** Header link to the public story index (server-rendered pages: a full page load, not the app router). */
import { useTranslation } from 'react-i18next';

export function StoriesNavLink() {
  const { t, i18n } = useTranslation('publish');
  return <a href={i18n.language === 'en' ? '/stories?lang=en' : '/stories'} className="button button-quiet" data-testid="stories-link">{t('storiesNav')}</a>;
}
