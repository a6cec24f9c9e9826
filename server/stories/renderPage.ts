/**
 * The public story pages as HTML strings: readable with JavaScript off (there is none), Korean
 * first with an English link (`?lang=en`), mobile-first CSS inline (one small block, no request),
 * charts as inline SVG with a data table and "how this was made" in `<details>`, Open Graph tags.
 * Every value goes through the escaping `html` template; only sanitised Markdown and our own SVG
 * are marked `unsafe`.
 */
import type { JsonValue } from '../../shared/outputCheck/report.ts';
import { figureCsvPath, storyPath } from '../../shared/stories/slug.ts';
import { pick, type Figure, type StoryBlock, type StoryContent } from '../../shared/stories/model.ts';
import { html, unsafe, type Html } from '../http/html.ts';
import { pageText, type PageLang } from './pageText.ts';
import type { StorySummary } from './storyService.ts';

export const storyCss = `
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:16px/1.65 system-ui,-apple-system,"Apple SD Gothic Neo","Malgun Gothic","Noto Sans KR",sans-serif;color:#1b1b1b;background:#fff;word-break:keep-all;overflow-wrap:anywhere}
a{color:#0b4fa8}a:focus-visible,summary:focus-visible,button:focus-visible,input:focus-visible,textarea:focus-visible,select:focus-visible,[tabindex]:focus-visible{outline:3px solid #c2410c;outline-offset:2px}
.skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:#fff;padding:4px 8px;z-index:9}
header.site,footer.site{display:flex;justify-content:space-between;align-items:center;gap:8px;padding:10px 16px;border-bottom:1px solid #ddd;font-size:15px}
footer.site{border:0;border-top:1px solid #ddd;display:block;color:#444;font-size:14px}
main{max-width:720px;margin:0 auto;padding:8px 16px 40px}
h1{font-size:1.6rem;line-height:1.3;margin:16px 0 8px}h2{font-size:1.3rem;margin:28px 0 8px}h3{font-size:1.1rem}
.summary{font-size:1.08rem;color:#333}.meta{color:#4a4a4a;font-size:14px}
.notice{background:#fff4e5;border-left:4px solid #b45309;padding:8px 12px}
.ok{background:#ecfdf3;border-left:4px solid #047857;padding:8px 12px}
figure{margin:28px 0;padding:0}figcaption{font-size:15px;color:#333;margin:6px 0}
figcaption strong{display:block;font-size:1.05rem;color:#1b1b1b}
.chart svg{max-width:100%;height:auto;display:block}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;font-size:14px;font-variant-numeric:tabular-nums}th,td{border-bottom:1px solid #ddd;padding:4px 8px;text-align:left}td.n{text-align:right}th{background:#f3f4f6}
details{margin:8px 0;border:1px solid #ddd;border-radius:6px;padding:4px 10px}summary{cursor:pointer;padding:6px 0;min-height:44px;display:flex;align-items:center}
pre{white-space:pre-wrap;background:#f6f6f6;padding:8px;font-size:13px}
dl{margin:4px 0}dt{font-weight:600}dd{margin:0 0 6px}
.btn,button{display:inline-block;min-height:44px;padding:10px 16px;border-radius:6px;border:1px solid #0b4fa8;background:#0b4fa8;color:#fff;font:inherit;text-decoration:none;cursor:pointer}
a.btn{background:#fff;color:#0b4fa8}
label{display:block;font-weight:600;margin-top:10px}input,textarea,select{width:100%;font:inherit;padding:8px;border:1px solid #767676;border-radius:4px}
.hp{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}
.card{border-top:1px solid #ddd;padding:12px 0}.card h2{margin:0 0 4px;font-size:1.15rem}
.comment{border-left:3px solid #ccc;padding:4px 12px;margin:12px 0}.reply{margin:6px 0 0 12px;border-left:3px solid #0b4fa8;padding-left:10px}
.filters{display:grid;gap:8px;grid-template-columns:1fr}@media(min-width:600px){.filters{grid-template-columns:2fr 1fr 1fr auto;align-items:end}}
`.replace(/\n/g, '');

export interface PageHead {
  lang: PageLang;
  title: string;
  description: string;
  /** Absolute URL of this page (Open Graph, canonical). */
  url: string;
  /** Same page in the other language. */
  altUrl: string;
  type?: 'article' | 'website';
  feedUrl?: string;
}

export function renderDocument(head: PageHead, body: Html): string {
  const t = pageText[head.lang];
  return html`<!doctype html>
<html lang="${head.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${head.title}</title>
<meta name="description" content="${head.description}">
<link rel="canonical" href="${head.url}">
<link rel="alternate" hreflang="${t.switchLang}" href="${head.altUrl}">
<meta property="og:type" content="${head.type ?? 'article'}">
<meta property="og:title" content="${head.title}">
<meta property="og:description" content="${head.description}">
<meta property="og:url" content="${head.url}">
<meta property="og:site_name" content="${t.site}">
<meta property="og:locale" content="${head.lang === 'ko' ? 'ko_KR' : 'en_US'}">
${head.feedUrl ? html`<link rel="alternate" type="application/atom+xml" title="${t.feed}" href="${head.feedUrl}">` : ''}
<link rel="icon" href="data:,">
<style>${unsafe(storyCss)}</style>
</head>
<body>
<a class="skip" href="#main">${t.skip}</a>
<header class="site"><a href="/stories${head.lang === 'en' ? '?lang=en' : ''}">${t.site}</a><a href="${head.altUrl}" lang="${t.switchLang}" hreflang="${t.switchLang}">${t.switchTo}</a></header>
${body}
</body>
</html>
`.toString();
}

function withLang(url: string, lang: PageLang): string {
  return lang === 'en' ? `${url}${url.includes('?') ? '&' : '?'}lang=en` : url;
}

function formatCell(v: JsonValue, lang: PageLang): string {
  if (v === null) return '';
  if (typeof v === 'number') return Number.isInteger(v) ? v.toLocaleString(lang === 'ko' ? 'ko-KR' : 'en') : v.toLocaleString(lang === 'ko' ? 'ko-KR' : 'en', { maximumFractionDigits: 4 });
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

function dataTable(fig: Figure, lang: PageLang, caption: string): Html {
  const numeric = fig.columns.map((_, j) => fig.rows.length > 0 && fig.rows.every((r) => r[j] === null || typeof r[j] === 'number'));
  return html`<div class="scroll" tabindex="0" role="region" aria-label="${caption}"><table>
<caption class="meta">${caption} (${pageText[lang].rows(fig.rows.length)})</caption>
<thead><tr>${fig.columns.map((c) => html`<th scope="col">${c}</th>`)}</tr></thead>
<tbody>${fig.rows.map((r) => html`<tr>${r.map((v, j) => html`<td${numeric[j] ? unsafe(' class="n"') : ''}>${formatCell(v, lang)}</td>`)}</tr>`)}</tbody>
</table></div>`;
}

function howMade(fig: Figure, lang: PageLang, slug: string, version: number, approved: boolean): Html {
  const t = pageText[lang];
  const params = Object.entries(fig.params);
  return html`<details><summary>${t.howMade}</summary>
<dl>
<dt>${t.sql}</dt><dd><pre><code>${fig.sql}</code></pre></dd>
${params.length > 0 ? html`<dt>${t.params}</dt><dd>${params.map(([k, v]) => html`<code>$${k} = ${JSON.stringify(v)}</code> `)}</dd>` : ''}
<dt>${t.extract}</dt><dd>${fig.extracts.map((e) => html`<code>${e.name}</code> v${e.version} (sha256 ${e.contentHash.slice(0, 12)}…)<br>`)}</dd>
<dt>${t.policy}</dt><dd>${fig.extracts.map((e) => (e.policyVersionId ? html`<code>${e.policyVersionId}</code> ` : html`${t.noPolicy} `))}</dd>
<dt>${t.checks}</dt><dd>${fig.check.status === 'pass' ? t.checkPass : approved ? t.checkApproved : fig.check.status} <span class="meta">(${fig.check.engine})</span></dd>
</dl>
<p><a class="btn" href="${figureCsvPath(slug, version, fig.index)}" download>${t.csv}</a></p>
</details>`;
}

function truncation(fig: Figure, lang: PageLang): Html | string {
  return fig.truncated ? html`<p class="notice">${pageText[lang].truncated(fig.rows.length, fig.totalRows)}</p>` : '';
}

/**
 * Markdown headings move one level down (the story title is the page's only h1) and never skip a
 * level (WCAG 1.3.1 / 2.4.6: `## a` right under the title becomes h2, not h3, and a following
 * `####` becomes h3). Each text block starts again under the title, so the page's outline holds
 * whatever sits between blocks (figures carry no headings).
 */
export function demoteHeadings(markup: string): string {
  // The author's open sections: their Markdown level and the level we gave them.
  const stack: Array<{ author: number; level: number }> = [];
  let open = 2;
  return markup.replace(/<(\/?)h([1-6])(?=[\s>])/g, (_m, slash: string, n: string) => {
    if (slash) return `</h${open}`;
    const author = Number(n);
    while (stack.length > 0 && stack[stack.length - 1]!.author >= author) stack.pop();
    open = Math.min(6, (stack[stack.length - 1]?.level ?? 1) + 1);
    stack.push({ author, level: open });
    return `<h${open}`;
  });
}

function renderBlock(b: StoryBlock, lang: PageLang, slug: string, version: number, approved: boolean): Html {
  const t = pageText[lang];
  if (b.kind === 'text') return html`<div class="prose">${unsafe(demoteHeadings(b.html))}</div>`;
  const fig = b.figure;
  const caption = pick(b.caption, lang);
  if (b.kind === 'table') {
    const label = caption || `${t.figure(fig.index)}: ${fig.cellName}`;
    return html`<figure id="figure-${fig.index}">
<figcaption><strong>${t.figure(fig.index)}</strong>${caption}</figcaption>
${dataTable(fig, lang, label)}
${truncation(fig, lang)}
${howMade(fig, lang, slug, version, approved)}
</figure>`;
  }
  const title = pick(b.title, lang);
  return html`<figure id="figure-${fig.index}" class="chart">
<figcaption><strong>${t.figure(fig.index)}${title ? `. ${title}` : ''}</strong>${caption}</figcaption>
<div class="svg">${unsafe(lang === 'en' ? b.svg.en : b.svg.ko)}</div>
<details><summary>${t.dataTable}</summary>${dataTable(fig, lang, title || pick(b.alt, lang))}</details>
${truncation(fig, lang)}
${howMade(fig, lang, slug, version, approved)}
</figure>`;
}

export interface FeedbackView {
  name: string | null;
  body: string;
  createdAt: string;
  reply: { text: string; by: string; at: string } | null;
}

export interface StoryPageInput {
  lang: PageLang;
  origin: string;
  slug: string;
  version: number;
  latest: number;
  publishedAt: string;
  content: StoryContent;
  /** True when a steward approved flagged figures in this version. */
  approved: boolean;
  feedback: FeedbackView[];
  feedbackSent?: boolean;
}

function date(iso: string, lang: PageLang): string {
  return iso.slice(0, 10) + (lang === 'ko' ? '' : '');
}

export function renderStoryPage(p: StoryPageInput): string {
  const t = pageText[p.lang];
  const c = p.content;
  const title = pick(c.title, p.lang);
  const summary = pick(c.summary, p.lang);
  const here = p.version === p.latest ? storyPath(p.slug) : storyPath(p.slug, p.version);
  const other = t.switchLang;
  const body = html`<main id="main"><article>
<h1>${title}</h1>
${summary ? html`<p class="summary">${summary}</p>` : ''}
<p class="meta">${t.version(p.version)} · ${t.published} <time datetime="${p.publishedAt}">${date(p.publishedAt, p.lang)}</time>${c.districts.length > 0 ? ` · ${c.districts.join(', ')}` : ''}</p>
${p.version !== p.latest ? html`<p class="notice"><a href="${withLang(storyPath(p.slug), p.lang)}">${t.olderVersion(p.latest)}</a></p>` : ''}
${c.blocks.map((b) => renderBlock(b, p.lang, p.slug, p.version, p.approved))}
</article>
<section aria-labelledby="comments-h">
<h2 id="comments-h">${t.comments}</h2>
${p.feedback.length === 0 ? html`<p class="meta">${t.noComments}</p>` : p.feedback.map((f) => html`<div class="comment"><p><strong>${f.name || t.anonymous}</strong> <span class="meta">${date(f.createdAt, p.lang)}</span></p><p>${f.body}</p>${f.reply ? html`<div class="reply"><p><strong>${t.reply}: ${f.reply.by}</strong></p><p>${f.reply.text}</p></div>` : ''}</div>`)}
</section>
<section id="feedback" aria-labelledby="feedback-h">
<h2 id="feedback-h">${t.feedback}</h2>
${p.feedbackSent ? html`<p class="ok" role="status">${t.sent}</p>` : ''}
<p>${t.feedbackIntro}</p>
<form method="post" action="${storyPath(p.slug)}/feedback">
<input type="hidden" name="lang" value="${p.lang}">
<label for="fb-name">${t.name}</label><input id="fb-name" name="name" maxlength="60" autocomplete="nickname">
<label for="fb-body">${t.body}</label><textarea id="fb-body" name="body" rows="5" maxlength="2000" required></textarea>
<div class="hp" aria-hidden="true"><label for="fb-website">${t.honeypot}</label><input id="fb-website" name="website" tabindex="-1" autocomplete="off"></div>
<p><button type="submit">${t.send}</button></p>
</form>
</section>
</main>
<footer class="site"><p>${t.sources}: ${c.extracts.map((e) => html`<code>${e.name}</code> v${e.version} `)}</p></footer>`;
  return renderDocument({
    lang: p.lang, title: `${title} · ${t.site}`, description: summary || title,
    url: p.origin + withLang(here, p.lang), altUrl: withLang(here, other), type: 'article', feedUrl: '/stories/feed.xml',
  }, body);
}

export interface IndexPageInput {
  lang: PageLang;
  origin: string;
  stories: StorySummary[];
  query: { q: string; problem: string; district: string };
  problems: string[];
  districts: string[];
}

export function renderIndexPage(p: IndexPageInput): string {
  const t = pageText[p.lang];
  const option = (value: string, selected: string) => html`<option value="${value}"${value === selected ? unsafe(' selected') : ''}>${value || t.all}</option>`;
  const body = html`<main id="main">
<h1>${t.index}</h1>
<form method="get" action="/stories" class="filters" role="search">
${p.lang === 'en' ? html`<input type="hidden" name="lang" value="en">` : ''}
<div><label for="q">${t.searchLabel}</label><input id="q" name="q" type="search" value="${p.query.q}"></div>
<div><label for="problem">${t.problem}</label><select id="problem" name="problem">${['', ...p.problems].map((v) => option(v, p.query.problem))}</select></div>
<div><label for="district">${t.district}</label><select id="district" name="district">${['', ...p.districts].map((v) => option(v, p.query.district))}</select></div>
<div><button type="submit">${t.search}</button></div>
</form>
${p.stories.length === 0 ? html`<p>${t.noStories}</p>` : p.stories.map((s) => html`<div class="card"><h2><a href="${withLang(s.url, p.lang)}">${pick(s.title, p.lang)}</a></h2><p>${pick(s.summary, p.lang)}</p><p class="meta">${date(s.publishedAt, p.lang)} · ${t.figures(s.figures)}${s.problem ? ` · ${s.problem}` : ''}${s.districts.length > 0 ? ` · ${s.districts.join(', ')}` : ''}</p></div>`)}
<p><a href="/stories/feed.xml">${t.feed}</a></p>
</main>`;
  const other = t.switchLang;
  return renderDocument({ lang: p.lang, title: t.site, description: t.site, url: `${p.origin}${withLang('/stories', p.lang)}`, altUrl: withLang('/stories', other), type: 'website', feedUrl: '/stories/feed.xml' }, body);
}

/** A small page for 404 / 410 / 429 / 400 answers to people (not JSON: they came from a link or a form). */
export function renderMessagePage(lang: PageLang, message: string, back: { href: string; label: string }): string {
  const body = html`<main id="main"><h1>${message}</h1><p><a href="${back.href}">${back.label}</a></p></main>`;
  return renderDocument({ lang, title: message, description: message, url: back.href, altUrl: back.href, type: 'website' }, body);
}

/** Atom 1.0 (RFC 4287) feed of published stories. */
export function renderAtomFeed(origin: string, stories: StorySummary[], now: string): string {
  const updated = stories[0]?.publishedAt ?? now;
  return html`<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="ko">
<id>${origin}/stories</id>
<title>마당 이야기 · Madang stories</title>
<updated>${updated}</updated>
<link rel="self" href="${origin}/stories/feed.xml"/>
<link rel="alternate" type="text/html" href="${origin}/stories"/>
${stories.map((s) => html`<entry>
<id>${origin}${storyPath(s.slug, s.version)}</id>
<title>${pick(s.title, 'ko')}</title>
<updated>${s.publishedAt}</updated>
<link rel="alternate" type="text/html" href="${origin}${s.url}"/>
<author><name>Madang</name></author>
<summary>${pick(s.summary, 'ko') || pick(s.title, 'ko')}</summary>
</entry>
`)}</feed>
`.toString();
}
