/**
 * The one DOMPurify configuration for everything Madang renders from people's text: Markdown
 * cells in the browser now, published stories on the server later. Keeping it in one module means
 * a tightened rule applies everywhere at once (marimo's `sanitize-html.ts` pattern).
 *
 * `createSanitizer(window)` takes the window to work in (the browser's, or a jsdom window on the
 * server) so this module stays free of globals.
 *
 * @example
 *   const sanitize = createSanitizer(window);
 *   sanitize('<p onclick="x()">hi</p>') // '<p>hi</p>'
 */
import createDOMPurify from 'dompurify';
import type { Config, WindowLike } from 'dompurify';

/** Turns untrusted HTML into HTML safe to put in `innerHTML`. */
export type Sanitizer = (html: string) => string;

/**
 * Tags a notebook's text may use: what Markdown produces plus a few harmless extras. No forms,
 * frames, media, SVG or MathML: a collaborator must not be able to run script, phish with a form,
 * or load a remote resource in another person's browser.
 */
const allowedTags = [
  'a', 'abbr', 'b', 'blockquote', 'br', 'code', 'dd', 'del', 'details', 'div', 'dl', 'dt', 'em',
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'i', 'kbd', 'li', 'mark', 'ol', 'p', 'pre', 'q', 's',
  'samp', 'small', 'span', 'strong', 'sub', 'summary', 'sup', 'table', 'tbody', 'td', 'tfoot',
  'th', 'thead', 'tr', 'u', 'ul',
];

/** Attributes kept; `style` is dropped because CSS can exfiltrate (`url(...)`) and overlay the UI. */
const allowedAttributes = ['href', 'title', 'colspan', 'rowspan', 'align', 'start', 'reversed', 'open', 'class', 'lang', 'dir'];

const config: Config = {
  ALLOWED_TAGS: allowedTags,
  ALLOWED_ATTR: allowedAttributes,
  // Only web and mail links; no javascript:, data:, vbscript: or protocol-relative tricks.
  ALLOWED_URI_REGEXP: /^(?:https?:|mailto:|#|\/(?!\/)|\.{0,2}\/?[^:/?#]*(?:[/?#]|$))/i,
  ALLOW_DATA_ATTR: false,
  ALLOW_ARIA_ATTR: false,
  KEEP_CONTENT: true,
};

export function createSanitizer(win: WindowLike): Sanitizer {
  const purify = createDOMPurify(win);
  // External links open in a new tab without handing the notebook page to the opened site.
  purify.addHook('afterSanitizeAttributes', (node) => {
    if (node.nodeName === 'A' && node.getAttribute('href')) {
      const href = node.getAttribute('href') ?? '';
      if (/^https?:/i.test(href)) {
        node.setAttribute('target', '_blank');
        node.setAttribute('rel', 'noopener noreferrer nofollow');
      }
    }
  });
  // `target`/`rel` are not in the allow-list, so input cannot choose them; only the hook above
  // (which runs after the attribute filter) sets them.
  return (html: string) => purify.sanitize(html, { ...config, RETURN_TRUSTED_TYPE: false }) as string;
}
