/**
 * A failed request's message in the reader's language first and the other one below, as the
 * server sent both (`HttpError.detail`). Messages are text nodes: React escapes them.
 */
import { useTranslation } from 'react-i18next';
import type { Bilingual } from '../../../shared/errors.ts';
import { HttpError } from '../../api/http.ts';
import { pickLanguage } from '../../i18n/index.ts';

/** The bilingual message of anything a request may throw. */
export function describeFailure(err: unknown): Bilingual {
  if (err instanceof HttpError) return err.detail;
  return { ko: '알 수 없는 오류가 났습니다', en: 'something unexpected went wrong' };
}

export function ErrorText({ message, testId }: { message: Bilingual | null; testId?: string }) {
  const { i18n } = useTranslation();
  if (!message) return null;
  const { primary, secondary } = pickLanguage(message, i18n.language);
  return (
    <div className="auth-error" role="alert" data-testid={testId}>
      <p>{primary}</p>
      {secondary !== primary && <p className="auth-error-secondary" lang={i18n.language === 'en' ? 'ko' : 'en'}>{secondary}</p>}
    </div>
  );
}
