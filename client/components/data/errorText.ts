/** The message of a failed request in the page's language (errors are shown in place). */
import { HttpError } from '../../api/http.ts';

export function errorText(err: unknown, language: string): string {
  if (err instanceof HttpError) return language === 'en' ? err.detail.en : err.detail.ko;
  return err instanceof Error ? err.message : String(err);
}
