/**
 * Markdown -> safe HTML, one way for the whole product: markdown-it (CommonMark + GFM tables and
 * strikethrough) followed by the shared sanitiser. Raw HTML in Markdown is allowed, as in Jupyter,
 * because the sanitiser runs on the result; nothing reaches the page without passing through it.
 *
 * @example
 *   renderMarkdown('# 마당', createSanitizer(window)) // '<h1>마당</h1>\n'
 */
import MarkdownIt from 'markdown-it';
import type { Sanitizer } from './sanitize.ts';

const md = new MarkdownIt({ html: true, linkify: true, typographer: false, breaks: false });

export function renderMarkdown(source: string, sanitize: Sanitizer): string {
  return sanitize(md.render(source));
}
