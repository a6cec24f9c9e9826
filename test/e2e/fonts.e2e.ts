/**
 * The bundled Korean font (Noto Sans KR, `@fontsource-variable/noto-sans-kr`, imported by
 * client/main.tsx): on a machine with no Korean system font (this one: `fc-list :lang=ko` is empty)
 * the home page in Korean must still draw Hangul with real glyphs, from files served by our own
 * origin, downloading only the unicode-range slices the page shows.
 *
 * "Drawn with" is read from Chromium itself (DevTools `CSS.getPlatformFontsForNode`: the fonts
 * that actually rendered a node's text), not inferred from CSS.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { builtClientDir, launchBrowser, openPerson, screenshot, signInThroughPage, type Person } from '../harness/browser.ts';
import { importNotebook, startTestServer, type TestServer, type TestUser } from '../harness/testServer.ts';

const family = 'Noto Sans KR Variable';
/** How many slices the package's CSS declares; a page showing a few dozen syllables needs far fewer. */
const declaredSlices = 124;

// A chart whose axis labels are Hangul (inline data: no extract needed).
const chartNotebook = `---
title: 글꼴 시험 / Font test
lang: ko
---

\`\`\`sql by_gu
SELECT * FROM (VALUES ('강남구', 3), ('마포구', 5), ('은평구', 2)) AS t(자치구, 사고)
\`\`\`

\`\`\`chart
{
  "mark": "barY",
  "data": "by_gu",
  "x": "자치구",
  "y": "사고",
  "alt": { "ko": "자치구별 사고", "en": "Accidents by district" }
}
\`\`\`
`;

let server: TestServer;
let browser: Browser;
let user: TestUser;
let person: Person;

beforeAll(async () => {
  const clientDir = builtClientDir();
  server = await startTestServer({ clientDir });
  user = await server.createUser({ name: '김민지', org: '마포 자전거 시민모임', role: 'analyst' });
  browser = await launchBrowser();
  person = await openPerson(browser, server.url, { locale: 'ko-KR' });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** The families Chromium used to paint the text inside the first element matching `selector`. */
async function renderedFonts(selector: string): Promise<{ familyName: string; isCustomFont: boolean; glyphCount: number }[]> {
  const cdp = await person.context.newCDPSession(person.page);
  try {
    await cdp.send('DOM.enable');
    await cdp.send('CSS.enable');
    const { root } = await cdp.send('DOM.getDocument', { depth: -1 });
    const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector });
    if (!nodeId) throw new Error(`no element ${selector}`);
    const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
    return fonts;
  } finally {
    await cdp.detach();
  }
}

describe('bundled Korean font', () => {
  it('draws the Korean home page with the bundled font, loaded from our own origin only', async () => {
    await signInThroughPage(person.page, user.email, user.password, '/');
    await person.page.getByTestId('new-notebook-button').waitFor();
    expect(await person.page.evaluate(() => document.documentElement.lang)).toBe('ko');

    const state = await person.page.evaluate(async (fam) => {
      await document.fonts.ready;
      const faces = [...document.fonts].filter((f) => f.family.replace(/["']/g, '') === fam);
      return {
        declared: faces.length,
        loaded: faces.filter((f) => f.status === 'loaded').length,
        swap: faces.every((f) => f.display === 'swap'),
        // true only once every slice covering these characters has loaded
        hangulReady: document.fonts.check(`16px "${fam}"`, '마당'),
        bodyFamily: getComputedStyle(document.body).fontFamily,
      };
    }, family);
    expect(state.declared).toBe(declaredSlices);
    expect(state.swap).toBe(true);
    expect(state.loaded).toBeGreaterThan(0);
    expect(state.hangulReady).toBe(true);
    expect(state.bodyFamily.startsWith(`"${family}"`)).toBe(true);

    // What Chromium actually painted the brand (마당) and the page heading with.
    for (const selector of ['.brand-ko', '.home-header h1']) {
      const fonts = await renderedFonts(selector);
      const custom = fonts.filter((f) => f.isCustomFont);
      expect(custom.map((f) => f.familyName), `${selector}: ${JSON.stringify(fonts)}`).toEqual([expect.stringMatching(/Noto Sans KR/)]);
      // Every glyph came from the web font: no system fallback (which would be boxes here).
      expect(fonts.filter((f) => !f.isCustomFont), `${selector}: ${JSON.stringify(fonts)}`).toEqual([]);
    }

    const fontRequests = person.requests.filter((u) => /\.woff2?(\?|$)/.test(u));
    expect(fontRequests.length).toBeGreaterThan(0);
    // Only slices for the characters on screen, not the whole font.
    expect(fontRequests.length).toBeLessThan(declaredSlices / 2);
    for (const url of fontRequests) expect(new URL(url).origin).toBe(new URL(server.url).origin);
    person.assertClean([/status of 401/]);

    // For a person to look at (test-results/ is not committed).
    await screenshot(person.page, 'fonts-home-ko');
  });

  it('draws Hangul chart labels with it too (Plot names system-ui on its SVG)', async () => {
    const owner = await server.clientFor(user);
    await person.page.goto(`/n/${encodeURIComponent(await importNotebook(owner, chartNotebook))}`);
    const labels = person.page.locator('[data-kind="chart"] svg g[aria-label="x-axis tick label"] text');
    await expect.poll(() => labels.allTextContents(), { timeout: 90_000 }).toEqual(['강남구', '마포구', '은평구']);
    await person.page.evaluate(() => document.fonts.ready);
    const fonts = await renderedFonts('[data-kind="chart"] svg g[aria-label="x-axis tick label"] text');
    expect(fonts.map((f) => [f.familyName, f.isCustomFont]), JSON.stringify(fonts)).toEqual([[expect.stringMatching(/Noto Sans KR/), true]]);
    person.assertClean([/status of 401/]);
    await screenshot(person.page, 'fonts-chart-ko');
  });
});
