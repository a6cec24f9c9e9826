/**
 * WCAG 2.1 AA checks on story pages, on the HTML the renderer produces (the golden pages, which
 * golden.test.ts keeps equal to the renderer's output, plus the index page): colour contrast of
 * the story CSS computed with WCAG's formula, one h1 and no skipped heading level, alt text on
 * every chart, labelled tables and form fields, and keyboard use (native controls only, no
 * positive tabindex, a skip link, a visible focus ring).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import { renderIndexPage, storyCss } from '../../server/stories/renderPage.ts';
import { contrastRatio, parseHexColour, relativeLuminance } from '../../shared/stories/contrast.ts';

const goldenRoot = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'golden', 'stories');
const goldenPages = readdirSync(goldenRoot).sort().map((name) => [name, readFileSync(path.join(goldenRoot, name, 'expected.html'), 'utf8')] as const);

const indexPage = renderIndexPage({
  lang: 'ko', origin: 'https://madang.example', query: { q: '', problem: '', district: '' }, problems: ['자전거 안전'], districts: ['마포구'],
  stories: [{ slug: 's', url: '/stories/s', title: { ko: '제목', en: 'Title' }, summary: { ko: '요약', en: 'Summary' }, problem: '자전거 안전', districts: ['마포구'], version: 1, publishedAt: '2026-01-02T00:00:00.000Z', figures: 2 }],
});
const pages: Array<readonly [string, string]> = [...goldenPages, ['index', indexPage]];

/** `selector{declarations}` pairs of the story CSS (media queries flattened). */
function cssRules(css: string): Array<{ selector: string; decl: Map<string, string> }> {
  return [...css.matchAll(/([^{}]+)\{([^{}]*)\}/g)].map((m) => ({
    selector: m[1]!.trim(),
    decl: new Map(m[2]!.split(';').filter(Boolean).map((d) => {
      const i = d.indexOf(':');
      return [d.slice(0, i).trim(), d.slice(i + 1).trim()] as [string, string];
    })),
  }));
}

describe('contrast (WCAG formula)', () => {
  it('matches the reference values', () => {
    expect(contrastRatio('#000', '#fff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#fff', '#fff')).toBe(1);
    expect(contrastRatio('#767676', '#fff')).toBeCloseTo(4.54, 2); // the lightest grey passing AA on white
    expect(relativeLuminance('#808080')).toBeCloseTo(0.2159, 4);
    expect(parseHexColour('#0b4fa8')).toEqual([11, 79, 168]);
    expect(parseHexColour('red')).toBeNull();
  });

  const rules = cssRules(storyCss);
  const hex = (v: string | undefined) => (v && parseHexColour(v) ? v : null);
  const backgrounds = [...new Set(rules.map((r) => hex(r.decl.get('background'))).filter((c): c is string => c !== null))];
  const light = backgrounds.filter((b) => relativeLuminance(b) > 0.5);
  const textOnInherited = rules.filter((r) => hex(r.decl.get('color')) && !hex(r.decl.get('background')));
  const textWithOwn = rules.filter((r) => hex(r.decl.get('color')) && hex(r.decl.get('background')));

  it('finds the colours it checks (the parser reads the CSS)', () => {
    expect(light).toEqual(expect.arrayContaining(['#fff', '#fff4e5', '#ecfdf3', '#f3f4f6', '#f6f6f6']));
    expect(textOnInherited.length).toBeGreaterThanOrEqual(5);
    expect(textWithOwn.length).toBeGreaterThanOrEqual(1);
  });

  it('every text colour reaches 4.5:1 on every light background it can sit on (1.4.3)', () => {
    const failures: string[] = [];
    for (const r of textOnInherited) {
      const fg = r.decl.get('color')!;
      for (const bg of light) {
        const ratio = contrastRatio(fg, bg);
        if (ratio < 4.5) failures.push(`${r.selector}: ${fg} on ${bg} = ${ratio.toFixed(2)}`);
      }
    }
    for (const r of textWithOwn) {
      const ratio = contrastRatio(r.decl.get('color')!, r.decl.get('background')!);
      if (ratio < 4.5) failures.push(`${r.selector}: ${r.decl.get('color')} on ${r.decl.get('background')} = ${ratio.toFixed(2)}`);
    }
    expect(failures).toEqual([]);
  });

  it('focus rings and form field borders reach 3:1 (1.4.11), and so does the default chart colour', () => {
    const outline = rules.find((r) => r.selector.includes(':focus-visible'))!.decl.get('outline')!.split(' ').find((p) => parseHexColour(p))!;
    for (const bg of light) expect(contrastRatio(outline, bg), `${outline} on ${bg}`).toBeGreaterThanOrEqual(3);
    const field = rules.find((r) => r.selector.startsWith('input'))!.decl.get('border')!.split(' ').find((p) => parseHexColour(p))!;
    expect(contrastRatio(field, '#fff')).toBeGreaterThanOrEqual(3);
    const fills = [...goldenPages.map(([, h]) => h).join('').matchAll(/fill="(#[0-9a-f]{3,6})"/gi)].map((m) => m[1]!);
    expect(fills.length).toBeGreaterThan(0);
    for (const f of fills) expect(contrastRatio(f, '#fff'), f).toBeGreaterThanOrEqual(3);
  });
});

describe.each(pages)('%s page', (_name, markup) => {
  const doc = new JSDOM(markup).window.document;

  it('has a language, one h1 and no skipped heading level (1.3.1, 2.4.6, 3.1.1)', () => {
    expect(['ko', 'en']).toContain(doc.documentElement.lang);
    const levels = [...doc.querySelectorAll('h1,h2,h3,h4,h5,h6')].map((h) => Number(h.tagName[1]));
    expect(levels[0]).toBe(1);
    expect(levels.filter((l) => l === 1)).toHaveLength(1);
    for (let i = 1; i < levels.length; i++) expect(levels[i]! - levels[i - 1]!, `heading ${i}: h${levels[i - 1]} -> h${levels[i]}`).toBeLessThanOrEqual(1);
  });

  it('gives every chart and image a text alternative, and every chart a data table (1.1.1)', () => {
    for (const svg of doc.querySelectorAll('figure.chart svg')) {
      expect(svg.getAttribute('role')).toBe('img');
      expect(svg.getAttribute('aria-label')?.trim()).toBeTruthy();
      expect(svg.closest('figure')!.querySelector('details table caption')).not.toBeNull();
    }
    for (const img of doc.querySelectorAll('img')) expect(img.hasAttribute('alt')).toBe(true);
    // Figure tables say what they are and mark their header cells; an author's Markdown table
    // (a simple table) needs only header cells.
    for (const table of doc.querySelectorAll('figure table')) {
      expect(table.querySelector('caption')?.textContent?.trim()).toBeTruthy();
      for (const th of table.querySelectorAll('thead th')) expect(th.getAttribute('scope')).toBe('col');
    }
    for (const table of doc.querySelectorAll('table')) expect(table.querySelector('th')).not.toBeNull();
  });

  it('works from the keyboard: native controls, no positive tabindex, a skip link, labelled fields (2.1.1, 2.4.1, 2.4.7, 3.3.2)', () => {
    expect(doc.querySelector('[onclick],[onkeydown],[onmousedown]')).toBeNull();
    for (const el of doc.querySelectorAll('[tabindex]')) expect(Number(el.getAttribute('tabindex'))).toBeLessThanOrEqual(0);
    for (const a of doc.querySelectorAll('a')) expect(a.hasAttribute('href')).toBe(true);
    const skip = doc.querySelector('a.skip')!;
    expect(skip).toBe(doc.querySelector('body a'));
    expect(doc.querySelector(skip.getAttribute('href')!)).not.toBeNull();
    // Scrollable tables can be reached and scrolled with the keyboard, and say what they are.
    for (const region of doc.querySelectorAll('.scroll')) {
      expect(region.getAttribute('tabindex')).toBe('0');
      expect(region.getAttribute('aria-label')?.trim()).toBeTruthy();
    }
    for (const field of doc.querySelectorAll('input:not([type="hidden"]),textarea,select')) {
      const id = field.getAttribute('id');
      expect(id && doc.querySelector(`label[for="${id}"]`), `field ${field.outerHTML.slice(0, 60)}`).toBeTruthy();
    }
    expect(storyCss).toMatch(/a:focus-visible,summary:focus-visible,button:focus-visible,input:focus-visible/);
  });
});
