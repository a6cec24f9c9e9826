/**
 * Public story pages (HTML, no account, no JavaScript):
 *
 *   GET  /stories                               index with search and filters (q, problem, district)
 *   GET  /stories/feed.xml                      Atom feed
 *   GET  /stories/:slug  (/v/:n)                the story (newest / a given version); `?lang=en`
 *   GET  /stories/:slug/v/:n/figures/:i.csv     exactly the published numbers of figure i
 *   POST /stories/:slug/feedback                citizen feedback (form post; honeypot; rate limit)
 *
 * Pages carry a strict Content-Security-Policy with no script source at all.
 */
import { gzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { feedbackSchema, figuresOf } from '../../../shared/stories/model.ts';
import { writeFigureCsv } from '../../../shared/stories/csv.ts';
import { storyPath } from '../../../shared/stories/slug.ts';
import type { AccessControl } from '../../auth/access.ts';
import { createFeedbackLimiter, type FeedbackLimiter } from '../../stories/feedbackLimiter.ts';
import { pageText, parseLang, type PageLang } from '../../stories/pageText.ts';
import { renderAtomFeed, renderIndexPage, renderMessagePage, renderStoryPage, type FeedbackView } from '../../stories/renderPage.ts';
import type { StoryService } from '../../stories/storyService.ts';

export interface StoryPageDeps {
  stories: StoryService;
  access: AccessControl;
  publicOrigin?: string;
  limiter?: FeedbackLimiter;
}

/** No scripts, no plugins, no outside requests; inline styles only for our one style block. */
export const storyCsp = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

const slugParams = z.object({ slug: z.string().min(1).max(200) });
const versionParams = z.object({ slug: z.string().min(1).max(200), n: z.coerce.number().int().positive().max(1_000_000) });
const csvParams = z.object({ slug: z.string().min(1).max(200), n: z.coerce.number().int().positive(), file: z.string().regex(/^\d{1,4}\.csv$/) });
const pageQuery = z.object({ lang: z.string().optional(), feedback: z.string().optional() }).passthrough();

function langOf(req: FastifyRequest): PageLang {
  return parseLang((req.query as { lang?: unknown } | undefined)?.lang);
}

/** Pages go out gzipped when the reader accepts it: on a slow phone network the bytes are the wait. */
function sendHtml(reply: FastifyReply, status: number, body: string): FastifyReply {
  reply.code(status).header('content-security-policy', storyCsp).header('cache-control', 'no-cache').header('vary', 'Accept-Encoding').type('text/html; charset=utf-8');
  if (/\bgzip\b/.test(String(reply.request.headers['accept-encoding'] ?? ''))) {
    return reply.header('content-encoding', 'gzip').send(gzipSync(body, { level: 6 }));
  }
  return reply.send(body);
}

export function registerStoryPages(app: FastifyInstance, deps: StoryPageDeps): void {
  const { stories } = deps;
  const limiter = deps.limiter ?? createFeedbackLimiter();
  const origin = (req: FastifyRequest) => deps.publicOrigin ?? `${req.protocol}://${req.host}`;

  // Plain HTML forms post urlencoded bodies (this plugin's scope only).
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 16 * 1024 }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });

  const missing = async (req: FastifyRequest, reply: FastifyReply, slug: string) => {
    const lang = langOf(req);
    const t = pageText[lang];
    const gone = await stories.wasUnpublished(slug);
    return sendHtml(reply, gone ? 410 : 404, renderMessagePage(lang, gone ? t.gone : t.notFound, { href: lang === 'en' ? '/stories?lang=en' : '/stories', label: t.home }));
  };

  app.get('/stories', async (req, reply) => {
    const lang = langOf(req);
    const q = z.object({ q: z.string().max(200).default(''), problem: z.string().max(200).default(''), district: z.string().max(40).default('') }).catch({ q: '', problem: '', district: '' }).parse(req.query);
    const all = await stories.list();
    const shown = await stories.list({ q: q.q || undefined, problem: q.problem || undefined, district: q.district || undefined });
    const problems = [...new Set(all.map((s) => s.problem).filter((p): p is string => !!p))].sort();
    const districts = [...new Set(all.flatMap((s) => s.districts))].sort((a, b) => a.localeCompare(b, 'ko'));
    return sendHtml(reply, 200, renderIndexPage({ lang, origin: origin(req), stories: shown, query: q, problems, districts }));
  });

  app.get('/stories/feed.xml', async (req, reply) => {
    const list = await stories.list();
    return reply.header('cache-control', 'no-cache').type('application/atom+xml; charset=utf-8').send(renderAtomFeed(origin(req), list, new Date().toISOString()));
  });

  const page = async (req: FastifyRequest, reply: FastifyReply, slug: string, version?: number) => {
    const found = await stories.published(slug, version);
    if (!found) return missing(req, reply, slug);
    const lang = langOf(req);
    const rows = await stories.publicFeedback(found.story.id);
    const names = await stories.names([...new Set(rows.map((r) => r.reply_by).filter((x): x is string => !!x))]);
    const feedback: FeedbackView[] = rows.map((r) => ({
      name: r.name, body: r.body, createdAt: r.created_at,
      reply: r.reply ? { text: r.reply, by: [names.get(r.reply_by ?? '')?.name, names.get(r.reply_by ?? '')?.org].filter(Boolean).join(', '), at: r.reply_at ?? '' } : null,
    }));
    const q = pageQuery.parse(req.query ?? {});
    const approved = figuresOf(found.content).some((f) => f.check.status !== 'pass');
    return sendHtml(reply, 200, renderStoryPage({
      lang, origin: origin(req), slug, version: found.version, latest: found.latest, publishedAt: found.publishedAt,
      content: found.content, approved, feedback, feedbackSent: q.feedback === 'sent',
    }));
  };

  app.get('/stories/:slug', async (req, reply) => page(req, reply, slugParams.parse(req.params).slug));
  app.get('/stories/:slug/v/:n', async (req, reply) => {
    const { slug, n } = versionParams.parse(req.params);
    return page(req, reply, slug, n);
  });

  app.get('/stories/:slug/v/:n/figures/:file', async (req, reply) => {
    const parsed = csvParams.safeParse(req.params);
    if (!parsed.success) return missing(req, reply, '');
    const { slug, n, file } = parsed.data;
    const found = await stories.published(slug, n);
    const index = Number(file.replace(/\.csv$/, ''));
    const fig = found && figuresOf(found.content).find((f) => f.index === index);
    if (!found || !fig) return missing(req, reply, slug);
    const name = `${slug}-v${n}-figure-${index}.csv`;
    return reply
      .header('content-disposition', `attachment; filename="figure-${index}.csv"; filename*=UTF-8''${encodeURIComponent(name)}`)
      .header('cache-control', 'public, max-age=31536000, immutable')
      .type('text/csv; charset=utf-8')
      .send(writeFigureCsv(fig.columns, fig.rows));
  });

  app.post('/stories/:slug/feedback', async (req, reply) => {
    const { slug } = slugParams.parse(req.params);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const lang = parseLang(body.lang);
    const t = pageText[lang];
    const back = { href: `${storyPath(slug)}${lang === 'en' ? '?lang=en' : ''}`, label: t.back };
    // Browsers send Origin on form posts: another site's form is refused (no cookie is involved, but spam relays are).
    if (!deps.access.isOriginAllowed(req.headers)) return sendHtml(reply, 403, renderMessagePage(lang, 'Forbidden', back));
    const wait = limiter.take(req.ip || 'unknown');
    if (wait > 0) {
      reply.header('retry-after', String(Math.ceil(wait / 1000)));
      return sendHtml(reply, 429, renderMessagePage(lang, t.tooMany(Math.max(1, Math.ceil(wait / 60_000))), back));
    }
    const parsed = feedbackSchema.safeParse({ name: body.name ?? '', body: body.body ?? '', website: body.website ?? '', lang });
    if (!parsed.success) return sendHtml(reply, 400, renderMessagePage(lang, t.badFeedback, back));
    const found = await stories.published(slug);
    if (!found) return missing(req, reply, slug);
    // The honeypot: people never fill it; a bot that did is answered as if it worked.
    if (parsed.data.website.trim() === '') await stories.submitFeedback(slug, { name: parsed.data.name, body: parsed.data.body });
    return reply.code(303).header('location', `${storyPath(slug)}?${lang === 'en' ? 'lang=en&' : ''}feedback=sent#feedback`).send();
  });
}

export function storyPagesPlugin(deps: StoryPageDeps): FastifyPluginAsync {
  return async (app) => registerStoryPages(app, deps);
}
