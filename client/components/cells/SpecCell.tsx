/** Chart and input cells, for now: their JSON settings, read-only. */
import { useTranslation } from 'react-i18next';

export function SpecCell({ spec }: { spec: unknown }) {
  const { t } = useTranslation('notebook');
  return (
    <figure className="spec-cell">
      <figcaption className="spec-caption">{t('specLabel')}</figcaption>
      {spec === null || spec === undefined
        ? <p className="muted">{t('specEmpty')}</p>
        : <pre className="code-block"><code>{JSON.stringify(spec, null, 2)}</code></pre>}
    </figure>
  );
}
