import { describe, expect, it } from 'vitest';
import * as Plot from '@observablehq/plot';
import { JSDOM } from 'jsdom';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  chartMarks, chartNotes, ChartSpecError, checkSpecColumns, parseChartSpec, plotMarkName, specToPlotOptions,
  maxChartRows, type ChartSpec, type ChartRow,
} from '../../shared/chartSpec.ts';
import { districtCodeKey, districtNameKey, loadSeoulGu, matchDistricts, type DistrictLayer } from '../../shared/geo/seoulGu.ts';
import { chartSvg, renderChart, serializeSvg } from '../../client/charts/renderPlot.ts';
import { parseNotebookMarkdown } from '../../shared/notebookFile.ts';

const { window } = new JSDOM('');
const document = window.document;

function spec(value: unknown): ChartSpec {
  const r = parseChartSpec(value);
  if (!r.ok) throw new Error(r.problems.map((p) => p.en).join('\n'));
  return r.spec;
}

function problems(value: unknown): { path: string; ko: string; en: string }[] {
  const r = parseChartSpec(value);
  if (r.ok) throw new Error('expected problems');
  return r.problems;
}

const byGu: ChartRow[] = [
  { 자치구: '강남구', at_fault: 120, victim: 80, kind: 'a' },
  { 자치구: '송파구', at_fault: 90, victim: 95, kind: 'b' },
  { 자치구: '종로구', at_fault: 40, victim: 30, kind: 'a' },
];
const trend: ChartRow[] = [2019, 2020, 2021, 2022].map((연도, i) => ({ 연도, at_fault: 100 + i * 10, victim: 50 + i * 5 }));

function render(s: ChartSpec, rows: readonly ChartRow[], geo?: DistrictLayer) {
  const el = renderChart({ Plot, document, spec: s, rows, geo, lang: 'ko' });
  const svg = chartSvg(el)!;
  /** Elements drawn by the mark with this aria-label (Plot labels each mark's group). */
  const inMark = (name: string, selector: string) => svg.querySelectorAll(`g[aria-label="${name}"] ${selector}`).length;
  return { el, svg, inMark };
}

describe('chart spec validation', () => {
  it('accepts the sample notebooks\' chart cells', () => {
    const dir = fileURLToPath(new URL('../../notebooks/', import.meta.url));
    for (const file of ['bike-accidents-by-gu.md', 'fine-dust-and-traffic.md']) {
      const nb = parseNotebookMarkdown(readFileSync(dir + file, 'utf8'));
      const charts = nb.cells.filter((c) => c.kind === 'chart');
      expect(charts.length).toBeGreaterThan(0);
      for (const c of charts) expect(parseChartSpec(c.spec)).toMatchObject({ ok: true });
    }
  });

  it('names the missing spec, the mark, and required channels', () => {
    expect(problems(null)[0]).toMatchObject({ path: '', en: 'the chart has no settings yet' });
    expect(problems({ data: 'q' })).toEqual([
      { path: 'mark', ko: 'mark: 꼭 있어야 합니다', en: 'mark: is required' },
    ]);
    const p = problems({ mark: 'barY', data: 'q', x: 'a' });
    expect(p).toEqual([{ path: 'y', ko: 'y: barY 차트에는 y 열이 필요합니다', en: 'y: a barY chart needs a y column' }]);
    expect(problems({ mark: 'pie', data: 'q' })[0].path).toBe('mark');
    expect(problems({ mark: 'pie', data: 'q' })[0].en).toMatch(/^mark: must be one of: "bar", "barY"/);
  });

  it('points into nested settings and arrays with both languages', () => {
    const p = problems({ mark: 'line', data: 'q', x: 'a', y: ['b', ''], title: { ko: 3 }, sort: { x: 'y-' } });
    expect(p.map((x) => x.path)).toEqual(['y[1]', 'sort.x', 'title.ko']);
    expect(p[0].en).toBe('y[1]: column name is empty');
    const title = p.find((x) => x.path === 'title.ko')!;
    expect(title).toEqual({ path: 'title.ko', ko: 'title.ko: 글자여야 합니다', en: 'title.ko: must be a string' });
    expect(problems({ mark: 'line', data: 'q', x: 'a', y: 'b', height: 5 })[0]).toMatchObject({ path: 'height', en: 'height: must be at least 100' });
  });

  it('unknown keys are errors with a "did you mean"', () => {
    const p = problems({ mark: 'dot', data: 'q', x: 'a', y: 'b', colour: { scheme: 'blues' }, labels: { xx: { ko: 'x' } } });
    expect(p).toContainEqual({ path: 'colour', ko: 'colour: 알 수 없는 항목입니다 ("color"을(를) 쓰려고 했나요?)', en: 'colour: unknown setting (did you mean "color"?)' });
    expect(p.find((x) => x.path === 'labels.xx')?.en).toBe('labels.xx: unknown setting (did you mean "x"?)');
  });

  it('colour is a column or an explicit constant; a bad constant says what a colour looks like', () => {
    expect(spec({ mark: 'barY', data: 'q', x: 'a', y: 'b', fill: { value: '#e15759' } }).fill).toEqual({ value: '#e15759' });
    expect(problems({ mark: 'barY', data: 'q', x: 'a', y: 'b', fill: { value: 'url(javascript:1)' } })[0]).toMatchObject({ path: 'fill.value' });
    expect(problems({ mark: 'barY', data: 'q', x: 'a', y: 'b', fill: 7 })[0].en).toBe('fill: must be a column name or a constant colour such as {"value": "#1f77b4"}');
  });

  it('mark-specific rules: geo needs join and has no x; join only on geo; r only on dots; multi-y marks', () => {
    expect(problems({ mark: 'geo', data: 'q', x: 'a' }).map((p) => p.path).sort()).toEqual(['join', 'x']);
    expect(problems({ mark: 'barY', data: 'q', x: 'a', y: 'b', join: { by: 'name', field: 'a' } })[0].path).toBe('join');
    expect(problems({ mark: 'line', data: 'q', x: 'a', y: 'b', r: 3 })[0].path).toBe('r');
    expect(problems({ mark: 'cell', data: 'q', x: 'a', y: ['b', 'c'] })[0].en).toBe('y: a cell chart takes a single y column');
    expect(problems({ mark: 'line', data: 'q', x: 'a', y: ['b', 'c'], stroke: 'k' })[0].path).toBe('stroke');
    expect(problems({ mark: 'rule', data: 'q' })[0].path).toBe('y');
    expect(problems({ mark: 'text', data: 'q', x: 'a', y: 'b' })[0].path).toBe('text');
    expect(problems({ mark: 'dot', data: 'no-dash', x: 'a', y: 'b' })[0].path).toBe('data');
  });

  it('column checks name the cell, the path and the nearest column', () => {
    const s = spec({ mark: 'line', data: 'by_gu', x: '자치구', y: ['at_fault', 'vctim'] });
    const p = checkSpecColumns(s, ['자치구', 'at_fault', 'victim']);
    expect(p).toEqual([{
      path: 'y[1]',
      ko: 'y[1]: by_gu에 "vctim" 열이 없습니다 ("victim"?) (열: 자치구, at_fault, victim)',
      en: 'y[1]: by_gu has no column "vctim" (did you mean "victim"?) (columns: 자치구, at_fault, victim)',
    }]);
    const colour = checkSpecColumns(spec({ mark: 'line', data: 'by_gu', x: '자치구', y: 'victim', stroke: 'steelblue' }), ['자치구', 'victim']);
    expect(colour.map((x) => x.path)).toEqual(['stroke']);
    expect(colour[0].en).toContain('Write a constant colour as {"value": "steelblue"}');
    expect(() => specToPlotOptions(s, byGu, { Plot })).toThrow(ChartSpecError);
  });

  it('too many rows is refused before Plot sees them', () => {
    const s = spec({ mark: 'dot', data: 'big', x: 'a', y: 'a' });
    const rows = Array.from({ length: maxChartRows + 1 }, (_, a) => ({ a }));
    try {
      specToPlotOptions(s, rows, { Plot });
      throw new Error('no throw');
    } catch (err) {
      expect(err).toBeInstanceOf(ChartSpecError);
      expect((err as ChartSpecError).problems[0]).toMatchObject({ path: 'data' });
      expect((err as ChartSpecError).problems[0].ko).toContain('GROUP BY');
    }
  });

  it('notes: missing alt text, alt in one language, zero rows', () => {
    const s = spec({ mark: 'dot', data: 'q', x: 'a', y: 'b' });
    expect(chartNotes(s, [{ a: 1, b: 2 }]).map((n) => n.path)).toEqual(['alt']);
    expect(chartNotes({ ...s, alt: { ko: '점' } }, [{ a: 1, b: 2 }])[0].en).toBe('Alt text is written in one language only.');
    expect(chartNotes({ ...s, alt: { ko: '점', en: 'dots' } }, [])).toEqual([{ path: 'data', ko: 'q의 결과가 0행입니다.', en: 'q returned 0 rows.' }]);
  });
});

describe('spec -> Plot options', () => {
  const base = { data: 'by_gu', x: '자치구', y: 'at_fault' };
  const cases: [Record<string, unknown>, string][] = [
    [{ mark: 'bar' }, 'barY'], [{ mark: 'barY' }, 'barY'], [{ mark: 'barX', x: 'at_fault', y: '자치구' }, 'barX'],
    [{ mark: 'line' }, 'lineY'], [{ mark: 'area' }, 'areaY'], [{ mark: 'dot' }, 'dot'], [{ mark: 'cell', fill: 'victim' }, 'cell'],
    [{ mark: 'heatmap', fill: 'victim' }, 'cell'], [{ mark: 'rule', x: undefined }, 'ruleY'], [{ mark: 'rule', y: undefined, x: 'at_fault' }, 'ruleX'],
    [{ mark: 'text', text: '자치구' }, 'text'],
  ];
  it.each(cases)('%o draws a Plot %s mark with the fields as channels', (extra, plotName) => {
    const s = spec(JSON.parse(JSON.stringify({ ...base, ...extra })));
    expect(plotMarkName(s)).toBe(plotName);
    const options = specToPlotOptions(s, byGu, { Plot });
    const marks = options.marks as Plot.Mark[];
    const main = marks.at(-1)! as unknown as { ariaLabel: string };
    expect(main.ariaLabel).toBe(plotName.replace(/[XY]$/, '').replace(/^(bar|line|area|rule)$/, '$1'));
    // Baselines under bars and areas.
    expect(marks.length).toBe(['barY', 'barX', 'areaY'].includes(plotName) ? 2 : 1);
    const { el } = render(s, byGu);
    expect(el).toBeTruthy();
  });

  it('covers every mark in the schema', () => {
    const covered = new Set(cases.map(([e]) => e.mark));
    covered.add('geo');
    expect([...covered].sort()).toEqual([...chartMarks].sort());
  });

  it('maps title, subtitle, alt (aria), labels, colour, sort, facets and tips', () => {
    const s = spec({
      ...base, mark: 'barY', fill: 'kind', fx: 'kind', sort: { x: '-y', limit: 2 },
      title: { ko: '제목', en: 'Title' }, subtitle: { en: 'only English' }, alt: { ko: '막대 설명', en: 'bars' },
      labels: { x: { ko: '자치구', en: 'District' }, y: { ko: '건수' } }, color: { scheme: 'tableau10' },
    });
    const o = specToPlotOptions(s, byGu, { Plot, lang: 'en', width: 500 });
    expect(o).toMatchObject({
      width: 500, title: 'Title', subtitle: 'only English', ariaLabel: 'bars', ariaDescription: 'bars',
      x: { label: 'District' }, y: { label: '건수' }, color: { scheme: 'tableau10', legend: true },
    });
    const ko = specToPlotOptions(s, byGu, { Plot, lang: 'ko' });
    expect(ko).toMatchObject({ title: '제목', subtitle: 'only English', ariaLabel: '막대 설명', x: { label: '자치구' } });
    const bar = (o.marks as Plot.Mark[])[1] as unknown as { sort: unknown; channels: Record<string, unknown> };
    // Bars stack (y1, y2); fx is a facet, not a channel.
    expect(Object.keys(bar.channels).sort()).toEqual(['fill', 'x', 'y1', 'y2']);
    expect(bar.sort).toEqual({ x: '-y', limit: 2 });
    // With a tip and no title, the mark keeps its options: tip on by default, off when asked.
    expect((((o.marks as Plot.Mark[])[1]) as unknown as { tip: unknown }).tip).toBeTruthy();
    const noTip = specToPlotOptions({ ...s, tip: false }, byGu, { Plot });
    expect((((noTip.marks as Plot.Mark[])[1]) as unknown as { tip: unknown }).tip).toBeFalsy();
    const constant = specToPlotOptions(spec({ ...base, mark: 'dot', fill: { value: '#ff0000' }, r: 4 }), byGu, { Plot });
    expect(constant.color).toBeUndefined();
    const dot = (constant.marks as Plot.Mark[])[0] as unknown as { fill: unknown; r: unknown };
    expect(dot.fill).toBe('#ff0000');
    expect(dot.r).toBe(4);
  });

  it('years on x are drawn without thousands separators; BIGINT counts become numbers', () => {
    const s = spec({ mark: 'line', data: 't', x: '연도', y: 'n' });
    const o = specToPlotOptions(s, [{ 연도: 2019, n: 5n }, { 연도: 2020, n: 7n }], { Plot });
    expect(o.x).toEqual({ tickFormat: 'd' });
    const svg = chartSvg(Plot.plot({ ...o, document }))!;
    const ticks = [...svg.querySelectorAll('g[aria-label="x-axis tick label"] text')].map((t) => t.textContent);
    expect(ticks).toContain('2020');
    expect(ticks.join()).not.toContain('2,0');
    expect(svg.querySelectorAll('g[aria-label="line"] path').length).toBe(1);
  });
});

describe('rendering to SVG in Node (jsdom)', () => {
  it('bars: one rect per row, sorted by value, plus the baseline', () => {
    const { svg, inMark } = render(spec({ mark: 'barY', data: 'by_gu', x: '자치구', y: 'at_fault', sort: { x: '-y' } }), byGu);
    expect(inMark('bar', 'rect')).toBe(3);
    expect(inMark('rule', 'line')).toBe(1);
    const labels = [...svg.querySelectorAll('g[aria-label="x-axis tick label"] text')].map((t) => t.textContent);
    expect(labels).toEqual(['강남구', '송파구', '종로구']);
  });

  it('several y columns: one line per column, and a legend naming them', () => {
    const { el, inMark } = render(spec({ mark: 'line', data: 'trend', x: '연도', y: ['at_fault', 'victim'] }), trend);
    expect(inMark('line', 'path')).toBe(2);
    expect(el.tagName.toLowerCase()).toBe('figure');
    expect(el.textContent).toContain('at_fault');
    expect(el.textContent).toContain('victim');
    const o = specToPlotOptions(spec({ mark: 'line', data: 'trend', x: '연도', y: ['at_fault', 'victim'] }), trend, { Plot, lang: 'en' });
    expect(o).toMatchObject({ y: { label: 'at_fault, victim' }, color: { domain: ['at_fault', 'victim'], label: 'series', legend: true } });
  });

  it('stacked multi-y bars, dots, cells, areas, text and rules', () => {
    expect(render(spec({ mark: 'barY', data: 'q', x: '자치구', y: ['at_fault', 'victim'] }), byGu).inMark('bar', 'rect')).toBe(6);
    expect(render(spec({ mark: 'dot', data: 'q', x: 'at_fault', y: 'victim', r: 'at_fault' }), byGu).inMark('dot', 'circle')).toBe(3);
    expect(render(spec({ mark: 'cell', data: 'q', x: '자치구', y: 'kind', fill: 'victim' }), byGu).inMark('cell', 'rect')).toBe(3);
    expect(render(spec({ mark: 'area', data: 'q', x: '연도', y: 'victim' }), trend).inMark('area', 'path')).toBe(1);
    expect(render(spec({ mark: 'text', data: 'q', x: 'at_fault', y: 'victim', text: '자치구' }), byGu).inMark('text', 'text')).toBe(3);
    expect(render(spec({ mark: 'rule', data: 'q', y: 'victim' }), byGu).inMark('rule', 'line')).toBe(3);
  });

  it('facets make one panel per value', () => {
    const { svg } = render(spec({ mark: 'barY', data: 'q', x: '자치구', y: 'at_fault', fx: 'kind' }), byGu);
    expect(svg.querySelectorAll('g[aria-label="bar"] > g').length).toBe(2);
    expect(svg.querySelectorAll('g[aria-label="bar"] rect').length).toBe(3);
  });

  it('the svg carries the alt text as its aria-label and serialises with xmlns', () => {
    const { svg } = render(spec({ mark: 'dot', data: 'q', x: 'at_fault', y: 'victim', alt: { ko: '가해와 피해 사고의 관계', en: 'at fault vs victim' } }), byGu);
    expect(svg.getAttribute('aria-label')).toBe('가해와 피해 사고의 관계');
    const text = serializeSvg(svg, window.XMLSerializer);
    expect(text.startsWith('<svg')).toBe(true);
    expect(text).toContain('xmlns="http://www.w3.org/2000/svg"');
  });
});

describe('Seoul district layer', () => {
  it('25 districts, each with both code systems, small enough to ship', async () => {
    const layer = await loadSeoulGu();
    expect(layer.features.length).toBe(25);
    expect(new Set(layer.features.map((f) => f.properties.admin)).size).toBe(25);
    expect(new Set(layer.features.map((f) => f.properties.kostat)).size).toBe(25);
    const jongno = layer.features.find((f) => f.properties.name === '종로구')!;
    expect(jongno.properties).toEqual({ name: '종로구', nameEn: 'Jongno-gu', kostat: '11010', admin: '11110' });
    const size = readFileSync(fileURLToPath(new URL('../../shared/geo/seoulGu.json', import.meta.url))).length;
    expect(size).toBeLessThan(200_000);
  });

  it('name keys: 종로 = 종로구 = 서울특별시 종로구 = Jongno-gu; 중구 stays apart from 중랑구', () => {
    const k = districtNameKey('종로구');
    for (const n of ['종로', ' 종로구 ', '서울특별시 종로구', '서울 종로구']) expect(districtNameKey(n)).toBe(k);
    const e = districtNameKey('Jongno-gu');
    for (const n of ['jongno', 'Jongno gu', 'JONGNO-GU']) expect(districtNameKey(n)).toBe(e);
    expect(districtNameKey('중구')).toBe(districtNameKey('중'));
    expect(districtNameKey('중구')).not.toBe(districtNameKey('중랑구'));
    expect(districtNameKey('Jung-gu')).not.toBe(districtNameKey('Jungnang-gu'));
  });

  it('code keys: 5 digits, numbers, 10-digit codes ending in 00000', () => {
    expect(districtCodeKey(11110)).toBe('11110');
    expect(districtCodeKey('1111000000')).toBe('11110');
    expect(districtCodeKey('1111010100')).toBeNull();
    expect(districtCodeKey('abc')).toBeNull();
  });

  it('joins by name, reporting what did not match and duplicates', async () => {
    const layer = await loadSeoulGu();
    const m = matchDistricts(layer, [{ gu: '종로' }, { gu: '강남구' }, { gu: '소계' }, { gu: 'Jung-gu' }, { gu: '종로구' }, { gu: null }], { by: 'name', field: 'gu' });
    expect([...m.rows.keys()].map((i) => layer.features[i].properties.name).sort()).toEqual(['강남구', '종로구', '중구']);
    expect(m.unmatched).toEqual(['소계']);
    expect(m.duplicates).toEqual(['종로구']);
  });

  it('joins by code in either system; auto picks the one that matches more rows', async () => {
    const layer = await loadSeoulGu();
    const adminRows = layer.features.map((f) => ({ code: Number(f.properties.admin), v: 1 }));
    const kostatRows = layer.features.map((f) => ({ code: f.properties.kostat, v: 1 }));
    const a = matchDistricts(layer, adminRows, { by: 'code', field: 'code' });
    expect(a).toMatchObject({ codes: 'admin', unmatched: [], ambiguousCodes: false });
    expect(a.rows.size).toBe(25);
    const k = matchDistricts(layer, kostatRows, { by: 'code', field: 'code' });
    expect(k).toMatchObject({ codes: 'kostat', unmatched: [] });
    expect(k.rows.size).toBe(25);
    // 11110 is 종로구 (admin) and 노원구 (KOSTAT): on its own it is ambiguous.
    const amb = matchDistricts(layer, [{ code: '11110' }], { by: 'code', field: 'code' });
    expect(amb.ambiguousCodes).toBe(true);
    expect(layer.features[[...amb.rows.keys()][0]].properties.name).toBe('종로구');
    const forced = matchDistricts(layer, [{ code: '11110' }], { by: 'code', field: 'code', codes: 'kostat' });
    expect(layer.features[[...forced.rows.keys()][0]].properties.name).toBe('노원구');
  });

  it('a choropleth by name draws all 25 districts and fills the matched ones; notes name the rest', async () => {
    const layer = await loadSeoulGu();
    const rows = [...byGu, { 자치구: '소계', at_fault: 250, victim: 205, kind: 'x' }];
    const s = spec({ mark: 'geo', data: 'by_gu', join: { by: 'name', field: '자치구' }, fill: 'at_fault', districtNames: true, alt: { ko: '지도', en: 'map' } });
    const { el, svg } = render(s, rows, layer);
    const groups = svg.querySelectorAll('g[aria-label="geo"]');
    expect(groups.length).toBe(2);
    expect(groups[0].querySelectorAll('path').length).toBe(25);
    expect(groups[1].querySelectorAll('path').length).toBe(3);
    const fills = new Set([...groups[1].querySelectorAll('path')].map((p) => p.getAttribute('fill')));
    expect(fills.size).toBe(3); // three values, three shades
    // Non-negative values: the colour scale starts at zero.
    expect(specToPlotOptions(s, rows, { Plot, geo: layer }).color).toMatchObject({ scheme: 'blues', zero: true, legend: true });
    expect(svg.querySelectorAll('g[aria-label="text"] text').length).toBe(25);
    expect(el.textContent).toContain('Apache-2.0');
    const notes = chartNotes(s, rows, { geo: layer });
    expect(notes).toEqual([{ path: 'join.field', ko: '자치구와 맞지 않는 값 1개: 소계', en: '1 values matched no district: 소계' }]);
  });

  it('a choropleth by code draws the same districts', async () => {
    const layer = await loadSeoulGu();
    const rows = layer.features.map((f, i) => ({ sig: f.properties.admin, n: i }));
    const { svg } = render(spec({ mark: 'geo', data: 'q', join: { by: 'code', field: 'sig', codes: 'admin' }, fill: 'n' }), rows, layer);
    expect(svg.querySelectorAll('g[aria-label="geo"]')[1].querySelectorAll('path').length).toBe(25);
  });

  it('geo without the layer loaded is a clear error', () => {
    const s = spec({ mark: 'geo', data: 'q', join: { by: 'name', field: 'gu' } });
    expect(() => specToPlotOptions(s, [{ gu: '중구' }], { Plot })).toThrow(/district boundary layer is not loaded/);
  });
});
