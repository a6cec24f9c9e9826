/**
 * Charts for story pages, drawn on the server: the shared spec -> Plot options mapping
 * (`specToPlotOptions`, the same one the notebook uses), Observable Plot with a jsdom document,
 * and `XMLSerializer` so every SVG carries its `xmlns` (valid inline and as a standalone file).
 * Title, caption and alt text are written by the page itself, so Plot draws only the chart (and
 * its legend). The SVG gets `role="img"` and an `aria-label` with the alt text.
 */
import { JSDOM } from 'jsdom';
import * as Plot from '@observablehq/plot';
import { specToPlotOptions, type ChartRow, type ChartSpec } from '../../shared/chartSpec.ts';
import { withSvgCanvas } from '../../shared/chartCanvas.ts';
import { loadSeoulGu, type DistrictLayer } from '../../shared/geo/seoulGu.ts';
import { createSanitizer, type Sanitizer } from '../../shared/sanitize.ts';
import { renderMarkdown } from '../../shared/markdown.ts';
import type { JsonValue } from '../../shared/outputCheck/report.ts';

let dom: JSDOM | null = null;
let sanitizer: Sanitizer | null = null;
let geo: Promise<DistrictLayer> | null = null;

function window(): JSDOM['window'] {
  dom ??= new JSDOM('<!doctype html><html><body></body></html>');
  return dom.window;
}

/** Markdown -> sanitised HTML with the product's one DOMPurify config, in a jsdom window. */
export function renderStoryMarkdown(source: string): string {
  sanitizer ??= createSanitizer(window() as unknown as Parameters<typeof createSanitizer>[0]);
  return renderMarkdown(source, sanitizer);
}

export function rowsAsObjects(columns: readonly string[], rows: readonly (readonly JsonValue[])[]): ChartRow[] {
  return rows.map((r) => Object.fromEntries(columns.map((c, i) => [c, r[i]])));
}

/**
 * Drawn for a phone: a 420-pixel-wide chart shrinks little on a 360-400 px screen, so its 12 px
 * labels stay readable (a 640 px chart would shrink them to about 7 px); on a desktop it sits at
 * its own width in the 720 px reading column.
 */
export const chartWidth = 420;

/** The chart as SVG markup (plus an HTML legend when Plot makes one). */
export async function renderChartSvg(spec: ChartSpec, columns: readonly string[], rows: readonly (readonly JsonValue[])[], lang: 'ko' | 'en', alt: string): Promise<string> {
  const win = window();
  const bare: ChartSpec = { ...spec, title: undefined, subtitle: undefined, caption: undefined, tip: false };
  const layer = spec.mark === 'geo' ? await (geo ??= loadSeoulGu()) : undefined;
  const options = specToPlotOptions(bare, rowsAsObjects(columns, rows), { Plot, lang, geo: layer, columns, width: chartWidth });
  options.ariaLabel = alt;
  options.ariaDescription = undefined;
  const out = Plot.plot({ ...options, document: withSvgCanvas(win.document as unknown as Document) }) as unknown as Element;
  const serializer = new win.XMLSerializer();
  const parts: string[] = [];
  const svgs: Element[] = [];
  const collect = (el: Element) => {
    if (el.tagName.toLowerCase() === 'svg') {
      svgs.push(el);
      el.setAttribute('role', 'img');
      el.setAttribute('aria-label', alt);
    }
  };
  if (out.tagName.toLowerCase() === 'svg') {
    collect(out);
    parts.push(serializer.serializeToString(out));
  } else {
    // A <figure> with a legend: keep its children (legend swatches are HTML, the chart is SVG).
    for (const child of Array.from(out.children)) {
      if (child.tagName.toLowerCase() === 'svg') {
        // Legend ramps are SVG too; only the chart itself is the image people need described.
        if (child.getAttribute('class')?.includes('legend') || child.closest('div')) {
          child.setAttribute('aria-hidden', 'true');
        } else collect(child);
        parts.push(serializer.serializeToString(child));
      } else {
        for (const svg of Array.from(child.querySelectorAll('svg'))) svg.setAttribute('aria-hidden', 'true');
        parts.push(child.outerHTML);
      }
    }
  }
  if (svgs.length === 0) throw new Error('Plot drew no chart');
  return parts.join('\n');
}
