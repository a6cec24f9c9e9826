/**
 * The toast region: errors (red), notices (calm, e.g. "you can only read this") and successes.
 * Text is shown in the current language with the other language beneath, small.
 */
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useToastStore, type Toast } from '../../state/toastStore.ts';
import { pickLanguage } from '../../i18n/index.ts';

/** Errors stay until dismissed; others fade after this long. */
const autoDismissMs = 6000;

export function ToastRegion() {
  const toasts = useToastStore((s) => s.toasts);
  return (
    <div className="toast-region" aria-live="polite" aria-relevant="additions">
      {toasts.map((t) => <ToastItem key={t.id} toast={t} />)}
    </div>
  );
}

function ToastItem({ toast }: { toast: Toast }) {
  const { t, i18n } = useTranslation('common');
  const dismiss = useToastStore((s) => s.dismiss);
  useEffect(() => {
    if (toast.kind === 'error') return;
    const timer = setTimeout(() => dismiss(toast.id), autoDismissMs);
    return () => clearTimeout(timer);
  }, [toast, dismiss]);
  const title = pickLanguage(toast.title, i18n.language);
  const detail = toast.detail ? pickLanguage(toast.detail, i18n.language) : null;
  return (
    <div className={`toast toast-${toast.kind}`} role={toast.kind === 'error' ? 'alert' : 'status'} data-testid={`toast-${toast.kind}`}>
      <div className="toast-body">
        <strong className="toast-title">{title.primary}</strong>
        {detail && <p className="toast-detail">{detail.primary}</p>}
        {detail && <p className="toast-secondary" lang={i18n.language === 'en' ? 'ko' : 'en'}>{detail.secondary}</p>}
      </div>
      <button type="button" className="icon-button" onClick={() => dismiss(toast.id)} aria-label={t('close')}>×</button>
    </div>
  );
}
