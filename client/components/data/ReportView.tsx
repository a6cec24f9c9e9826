/** A sanitise report for people: k reached, rows, suppression, loss, levels, class-size histogram. */
import { useTranslation } from 'react-i18next';
import type { Report } from './dataApi.ts';

export function ReportView({ report, compact = false }: { report: Report; compact?: boolean }) {
  const { t, i18n } = useTranslation('data');
  const maxRecords = Math.max(1, ...report.classSizeHistogram.map((b) => b.records));
  const ok = report.status === 'ok';
  return (
    <div className="data-report" data-testid="sanitize-report">
      {ok
        ? <p className="data-preview-ok" data-testid="report-status">{t('preview.ok', { k: report.k })}{report.l ? `, l=${report.l}` : ''}</p>
        : <p className="data-preview-none" data-testid="report-status">{t('preview.none')}: {i18n.language === 'en' ? report.reason?.en : report.reason?.ko}</p>}
      <p>{t('preview.rows', { input: report.inputRows, output: report.outputRows })}<br />
        {t('preview.suppressed', { suppressed: report.suppressed, max: report.maxSuppressed })}<br />
        {ok && <>{t('preview.minClass', { n: report.minClassSize })} · {t('preview.classes', { n: report.classes })}<br /></>}
        {report.loss !== null && t('preview.loss', { metric: report.metric, loss: report.loss.toFixed(4) })}
      </p>
      {Object.keys(report.levels).length > 0 && (
        <>
          <h4>{t('preview.levels')}</h4>
          <ul data-testid="report-levels">
            {Object.entries(report.levels).map(([col, level]) => <li key={col}><code>{col}</code>: {level} ({report.levelNames[col]})</li>)}
          </ul>
        </>
      )}
      {report.droppedColumns.length > 0 && <p className="muted">{t('preview.dropped', { columns: report.droppedColumns.join(', ') })}</p>}
      {!compact && ok && (
        <>
          <h4>{t('preview.histogram')}</h4>
          <div className="data-histogram" data-testid="report-histogram">
            {report.classSizeHistogram.filter((b) => b.classes > 0).map((b) => (
              <div className="data-histogram-row" key={b.from}>
                <span>{b.to === null ? t('preview.bucketOpen', { from: b.from }) : t('preview.bucket', { from: b.from, to: b.to })}</span>
                <span className="data-histogram-bar" style={{ width: `${(100 * b.records) / maxRecords}%` }} />
                <span>{b.classes}</span>
              </div>
            ))}
          </div>
        </>
      )}
      {report.warnings.map((w) => <p key={w} className="muted">{w}</p>)}
    </div>
  );
}
