/**
 * Draws a validated chart spec with Observable Plot into a given `document` (the browser's, or a
 * jsdom one on the server and in tests). The mapping itself is `specToPlotOptions` in
 * `shared/chartSpec.ts`; this is only the side-effecting last step.
 */
import type * as PlotModule from '@observablehq/plot';
import { specToPlotOptions, type ChartLang, type ChartRow, type ChartSpec } from '../../shared/chartSpec.ts';
import type { DistrictLayer } from '../../shared/geo/seoulGu.ts';

export interface RenderChartOptions {
  Plot: typeof PlotModule;
  document: Document;
  spec: ChartSpec;
  rows: readonly ChartRow[];
  lang?: ChartLang;
  geo?: DistrictLayer;
  width?: number;
  columns?: readonly string[];
}

/** An `<svg>`, or a `<figure>` holding it when the chart has a title, legend or caption. */
export function renderChart(o: RenderChartOptions): SVGSVGElement | HTMLElement {
  const options = specToPlotOptions(o.spec, o.rows, { Plot: o.Plot, lang: o.lang, geo: o.geo, width: o.width, columns: o.columns });
  return o.Plot.plot({ ...options, document: withCanvasFallback(o.document) });
}

function hasCanvas(document: Document): boolean {
  try {
    return document.createElement('canvas').getContext('2d') !== null;
  } catch {
    return false; // jsdom without the canvas package throws "not implemented"
  }
}

/**
 * Plot draws a continuous colour legend into a 256x1 `<canvas>` and embeds it as a PNG. jsdom (the
 * server, tests) has no canvas, so there the canvas is replaced by one that records the 256
 * colours and returns them as an SVG image instead: the same picture, and no native dependency.
 */
export function withCanvasFallback(document: Document): Document {
  if (hasCanvas(document)) return document;
  return new Proxy(document, {
    get(target, prop) {
      if (prop === 'createElement') {
        return (tag: string, opts?: ElementCreationOptions) => (tag.toLowerCase() === 'canvas' ? svgCanvas() : target.createElement(tag, opts));
      }
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** Just enough of a canvas for Plot's ramp legend: fillStyle + fillRect(x, 0, 1, 1) + toDataURL. */
function svgCanvas() {
  const pixels: string[] = [];
  const ctx = {
    fillStyle: '#000',
    fillRect(x: number) {
      pixels[x] = String(ctx.fillStyle);
    },
  };
  return {
    width: 256,
    height: 1,
    getContext: () => ctx,
    toDataURL() {
      const n = pixels.length;
      const rects = pixels.map((c, i) => `<rect x="${i}" width="1.5" height="1" fill="${c}"/>`).join('');
      const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${n} 1" preserveAspectRatio="none">${rects}</svg>`;
      return `data:image/svg+xml,${encodeURIComponent(svg)}`;
    },
  };
}

/** The chart's `<svg>` (inside a figure or itself). */
export function chartSvg(el: Element): SVGSVGElement | null {
  if (el.tagName.toLowerCase() === 'svg') return el as SVGSVGElement;
  // A figure holds legend swatch svgs too; the plot is the one with the plot's class.
  const svgs = [...el.querySelectorAll('svg')];
  return (svgs.find((s) => /^plot-[0-9a-f]+$/.test(s.getAttribute('class') ?? '')) ?? svgs.at(-1) ?? null) as SVGSVGElement | null;
}

/** Standalone SVG text with its namespace (jsdom's outerHTML omits xmlns). */
export function serializeSvg(svg: SVGSVGElement, XMLSerializerImpl: typeof XMLSerializer): string {
  return new XMLSerializerImpl().serializeToString(svg);
}
