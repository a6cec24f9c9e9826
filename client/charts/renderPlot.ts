/**
 * Draws a validated chart spec with Observable Plot into a given `document` (the browser's, or a
 * jsdom one on the server and in tests). The mapping itself is `specToPlotOptions` in
 * `shared/chartSpec.ts`; this is only the side-effecting last step.
 */
import type * as PlotModule from '@observablehq/plot';
import { specToPlotOptions, type ChartLang, type ChartRow, type ChartSpec } from '../../shared/chartSpec.ts';
import type { DistrictLayer } from '../../shared/geo/seoulGu.ts';
import { withCanvasFallback } from '../../shared/chartCanvas.ts';

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
