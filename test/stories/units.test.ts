/** Pure parts of stories: slugs, the escaping `html` template, CSV, the request schema, the limiter. */
import { describe, expect, it } from 'vitest';
import { escapeHtml, html, unsafe } from '../../server/http/html.ts';
import { createFeedbackLimiter } from '../../server/stories/feedbackLimiter.ts';
import { demoteHeadings } from '../../server/stories/renderPage.ts';
import { writeFigureCsv } from '../../shared/stories/csv.ts';
import { feedbackSchema, publishRequestSchema } from '../../shared/stories/model.ts';
import { isValidSlug, maxEncodedSlugLength, slugFromTitle, storyPath, uniqueSlug } from '../../shared/stories/slug.ts';

describe('slug rules', () => {
  it('keeps Korean, lower-cases Latin, joins words with one dash', () => {
    expect(slugFromTitle('자치구별 자전거 사고 (2005–2023)')).toBe('자치구별-자전거-사고-2005-2023');
    expect(slugFromTitle('  Fine Dust & Traffic!! ')).toBe('fine-dust-traffic');
    expect(slugFromTitle('<script>alert(1)</script>')).toBe('script-alert-1-script');
    expect(slugFromTitle('!!!')).toBe('story');
    expect(slugFromTitle('feed')).toBe('feed-story');
  });
  it('stays under the router limit when percent-encoded', () => {
    const long = slugFromTitle('서울 '.repeat(200));
    expect(encodeURIComponent(long).length).toBeLessThanOrEqual(maxEncodedSlugLength);
    expect(isValidSlug(long)).toBe(true);
  });
  it('collisions take the lowest free suffix', () => {
    const taken = new Set(['a', 'a-2']);
    expect(uniqueSlug('a', (s) => taken.has(s))).toBe('a-3');
    expect(uniqueSlug('b', (s) => taken.has(s))).toBe('b');
  });
  it('paths are URL-encoded', () => {
    expect(storyPath('자전거', 2)).toBe('/stories/%EC%9E%90%EC%A0%84%EA%B1%B0/v/2');
    expect(isValidSlug('a/b')).toBe(false);
    expect(isValidSlug('Abc')).toBe(false);
  });
});

describe('html template', () => {
  it('escapes every interpolation; script in titles, captions and feedback is inert text', () => {
    const title = '<script>alert("x")</script>';
    const out = html`<h1 title="${title}">${title}</h1><p>${["<b>'</b>", 3, null, false, undefined]}</p>`.toString();
    expect(out).toBe('<h1 title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</h1><p>&lt;b&gt;&#39;&lt;/b&gt;3</p>');
    expect(out).not.toContain('<script');
  });
  it('passes only explicit unsafe() markup and nested html results through', () => {
    expect(html`<div>${unsafe('<svg></svg>')}${html`<i>${'&'}</i>`}</div>`.toString()).toBe('<div><svg></svg><i>&amp;</i></div>');
    expect(escapeHtml(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&#39;');
  });
  it('demotes Markdown headings below the page title without skipping a level', () => {
    expect(demoteHeadings('<h1 id="a">x</h1><h6>y</h6><hr>')).toBe('<h2 id="a">x</h2><h3>y</h3><hr>');
    expect(demoteHeadings('<h2>a</h2><h4>b</h4><h3>c</h3><h1>d</h1><h2>e</h2>')).toBe('<h2>a</h2><h3>b</h3><h3>c</h3><h2>d</h2><h3>e</h3>');
    expect(demoteHeadings('<h6>deep</h6>')).toBe('<h2>deep</h2>');
  });
});

describe('figure CSV', () => {
  it('is RFC 4180 with a BOM, quotes what needs it and defuses formulas', () => {
    const csv = writeFigureCsv(['구', 'n'], [['마포구', 12], ['a,"b"', null], ['=1+1', -3]]);
    expect(csv).toBe('\uFEFF구,n\r\n마포구,12\r\n"a,""b""",\r\n\'=1+1,-3\r\n');
  });
});

describe('story model', () => {
  it('needs at least one cell, trims text and defaults English', () => {
    const r = publishRequestSchema.parse({ title: { ko: ' 제목 ' }, summary: { ko: '' }, cells: [{ cellId: 'abcdef' }] });
    expect(r.title).toEqual({ ko: '제목', en: '' });
    expect(r.districts).toEqual([]);
    expect(publishRequestSchema.safeParse({ title: { ko: 'x' }, summary: { ko: '' }, cells: [] }).success).toBe(false);
    expect(publishRequestSchema.safeParse({ title: { ko: 'x' }, summary: { ko: '' }, cells: [{ cellId: 'a' }], extra: 1 }).success).toBe(false);
  });
  it('feedback needs a body; the honeypot is kept for the route to judge', () => {
    expect(feedbackSchema.safeParse({ body: '   ' }).success).toBe(false);
    expect(feedbackSchema.parse({ body: ' hi ', website: 'x' })).toEqual({ name: '', body: 'hi', website: 'x', lang: 'ko' });
  });
});

describe('feedback limiter', () => {
  it('allows `limit` posts per window per address, then says how long to wait', () => {
    const l = createFeedbackLimiter({ limit: 2, windowMs: 1000 });
    expect(l.take('a', 0)).toBe(0);
    expect(l.take('a', 100)).toBe(0);
    expect(l.take('a', 200)).toBe(800);
    expect(l.take('b', 200)).toBe(0);
    expect(l.take('a', 1001)).toBe(0);
  });
});

describe('server-side chart SVG', () => {
  it('draws a district map with a colour ramp legend without a canvas, SVG with xmlns and the alt text', async () => {
    const { renderChartSvg } = await import('../../server/stories/renderChart.ts');
    const spec = { mark: 'geo', data: 'by_gu', join: { by: 'name', field: 'gu' }, fill: 'n' } as const;
    const out = await renderChartSvg(spec, ['gu', 'n'], [['마포구', 12], ['강남구', 30]], 'ko', '지도 <대체>');
    expect(out).toContain('xmlns="http://www.w3.org/2000/svg"');
    expect(out).toContain('role="img"');
    expect(out).toContain('aria-label="지도 &lt;대체&gt;"');
    expect(out).toContain('data:image/svg+xml');
    expect(out).not.toMatch(/<script/i);
  }, 30_000);
});

describe('publishing reads extract refs from the notebook document', () => {
  const use = (name: string, version: number) => ({ use: { name, version, contentHash: 'a'.repeat(64), kind: 'public', policyVersionId: null }, file: `/x/${name}-${version}.parquet` });

  it('resolves pinned refs to their version and unpinned ones to the newest (null)', async () => {
    const { resolveNotebookExtracts } = await import('../../server/stories/buildStory.ts');
    const asked: Array<[string, number | null]> = [];
    const got = await resolveNotebookExtracts(['bike@2', 'air'], async (name, version) => {
      asked.push([name, version]);
      return use(name, version ?? 9);
    });
    expect(asked).toEqual([['bike', 2], ['air', null]]);
    expect([...got.keys()]).toEqual(['bike', 'air']);
  });

  it('refuses a document with two versions of one extract or a malformed ref, before resolving anything', async () => {
    const { resolveNotebookExtracts } = await import('../../server/stories/buildStory.ts');
    const never = async (): Promise<never> => { throw new Error('resolved'); };
    await expect(resolveNotebookExtracts(['bike@2', 'bike@3'], never)).rejects.toThrow(/the notebook's extracts: two versions of one extract/);
    await expect(resolveNotebookExtracts(['bike@x'], never)).rejects.toThrow(/the notebook's extracts: extract name/);
  });

  it('the browser versions are a consistency check only: equal or unknown names pass, a different version is a 409', async () => {
    const { checkBrowserVersions } = await import('../../server/stories/buildStory.ts');
    const resolved = new Map([['bike', use('bike', 3)]]);
    expect(() => checkBrowserVersions(resolved, { bike: 3, gone: 1 })).not.toThrow();
    expect(() => checkBrowserVersions(resolved, { BIKE: 2 })).toThrow(expect.objectContaining({ code: 'conflict' }));
  });
});
