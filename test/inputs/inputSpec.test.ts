import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  checkInputValue, defaultInputValue, inputLabel, inputOptions, inputSourceCell, optionLabel, optionsFromRows,
  parseInputSpec, parseOptionsFrom, snapRange, type InputSpec,
} from '../../shared/inputSpec.ts';
import { parseNotebookMarkdown } from '../../shared/notebookFile.ts';

function spec(value: unknown): InputSpec {
  const r = parseInputSpec(value);
  if (!r.ok) throw new Error(r.problems.map((p) => p.en).join('\n'));
  return r.spec;
}
function problems(value: unknown) {
  const r = parseInputSpec(value);
  if (r.ok) throw new Error('expected problems');
  return r.problems;
}

const year = { type: 'range', label: { ko: '연도', en: 'Year' }, min: 2005, max: 2023, step: 1, default: 2023 };

describe('input spec validation', () => {
  it('accepts the sample notebooks\' inputs', () => {
    const dir = fileURLToPath(new URL('../../notebooks/', import.meta.url));
    let n = 0;
    for (const file of ['bike-accidents-by-gu.md', 'fine-dust-and-traffic.md']) {
      for (const c of parseNotebookMarkdown(readFileSync(dir + file, 'utf8')).cells) {
        if (c.kind !== 'input') continue;
        n++;
        expect(parseInputSpec(c.spec)).toMatchObject({ ok: true });
        expect(c.name).not.toBe('');
      }
    }
    expect(n).toBeGreaterThanOrEqual(2);
  });

  it('every type parses', () => {
    expect(spec(year).type).toBe('range');
    expect(spec({ type: 'select', options: ['강남구', { value: '중구', label: { en: 'Jung-gu' } }], default: '중구' }).default).toBe('중구');
    expect(spec({ type: 'multiselect', optionsFrom: 'stations.측정소명', default: [] }).optionsFrom).toBe('stations.측정소명');
    expect(spec({ type: 'text', placeholder: { ko: '검색' } }).type).toBe('text');
    expect(spec({ type: 'date', min: '2018-01-01', max: '2022-12-31', default: '2020-02-29' }).default).toBe('2020-02-29');
  });

  it('path-precise bilingual problems', () => {
    expect(problems({ type: 'slider' })[0]).toMatchObject({ path: 'type' });
    expect(problems({ type: 'range', min: 5, max: 1 })).toEqual([{ path: 'max', ko: 'max: max는 min보다 커야 합니다', en: 'max: max must be greater than min' }]);
    expect(problems({ type: 'range', max: 1 })[0]).toMatchObject({ path: 'min', en: 'min: a range needs a numeric min' });
    expect(problems({ type: 'select' })[0]).toMatchObject({ path: 'options', en: 'options: a select needs options (a list) or optionsFrom ("cell.column")' });
    expect(problems({ type: 'select', options: ['a'], optionsFrom: 'q.a' })[0].path).toBe('optionsFrom');
    expect(problems({ type: 'select', optionsFrom: 'no dot' })[0]).toMatchObject({ path: 'optionsFrom', en: 'optionsFrom: must be "cell.column" (e.g. "stations.측정소명")' });
    expect(problems({ type: 'select', options: ['a', true] })[0].path).toBe('options[1]');
    expect(problems({ type: 'text', min: 1 })[0].path).toBe('min');
    expect(problems({ type: 'date', default: '2023-02-30' })[0]).toMatchObject({ path: 'default', en: 'default: must be a date as YYYY-MM-DD (e.g. "2023-05-01")' });
    expect(problems({ type: 'date', min: 2020 })[0].path).toBe('min');
    expect(problems({ type: 'text', lable: { ko: 'x' } })[0]).toMatchObject({ path: 'lable', en: 'lable: unknown setting (did you mean "label"?)' });
  });

  it('the default must fit the spec', () => {
    expect(problems({ ...year, default: 1999 })).toEqual([{ path: 'default', ko: 'default: 1999은(는) 2005–2023 범위 밖입니다', en: 'default: 1999 is outside 2005–2023' }]);
    expect(problems({ type: 'select', options: ['a', 'b'], default: 'c' })[0].en).toBe('default: "c" is not one of the options');
    expect(problems({ type: 'multiselect', options: ['a', 'b'], default: ['a', 'z'] })[0].en).toBe('default: not among the options: ["z"]');
    expect(problems({ type: 'multiselect', options: ['a'], default: 'a' })[0].en).toBe('default: the value must be an array');
    // optionsFrom: the options are not known until the query runs, so any string is a valid default.
    expect(spec({ type: 'select', optionsFrom: 'q.c', default: 'anything' }).default).toBe('anything');
  });
});

describe('input values', () => {
  it('defaults: stored, else first option / empty / min', () => {
    expect(defaultInputValue(spec(year))).toBe(2023);
    expect(defaultInputValue(spec({ type: 'range', min: 0, max: 10 }))).toBe(0);
    expect(defaultInputValue(spec({ type: 'select', options: ['x', 'y'] }))).toBe('x');
    expect(defaultInputValue(spec({ type: 'select', optionsFrom: 'q.c' }))).toBeNull();
    expect(defaultInputValue(spec({ type: 'select', optionsFrom: 'q.c' }), [{ value: 'k' }])).toBe('k');
    expect(defaultInputValue(spec({ type: 'multiselect', options: ['x'] }))).toEqual([]);
    expect(defaultInputValue(spec({ type: 'text' }))).toBe('');
    expect(defaultInputValue(spec({ type: 'date' }))).toBeNull();
  });

  it('options from a SQL cell column: distinct, non-null, bigint and dates made plain', () => {
    const rows = [{ s: 'a' }, { s: 'b' }, { s: 'a' }, { s: null }, { s: 3n }, { s: new Date(Date.UTC(2024, 0, 2)) }];
    expect(optionsFromRows(rows, 's').map((o) => o.value)).toEqual(['a', 'b', 3, '2024-01-02']);
    const s = spec({ type: 'select', optionsFrom: 'stations.측정소명' });
    expect(inputSourceCell(s)).toBe('stations');
    expect(inputOptions(s, null)).toEqual([]);
    expect(inputOptions(s, [{ 측정소명: '종로' }]).map((o) => o.value)).toEqual(['종로']);
    expect(parseOptionsFrom('stations.측정소명(단위)')).toEqual({ cell: 'stations', column: '측정소명(단위)' });
    expect(parseOptionsFrom('select.x')).toBeNull(); // reserved word
  });

  it('labels fall back to the other language, then the name / value', () => {
    const s = spec({ type: 'select', label: { ko: '자치구' }, options: [{ value: 'jung', label: { ko: '중구', en: 'Jung-gu' } }, 7] });
    expect(inputLabel(s, 'district', 'en')).toBe('자치구');
    expect(inputLabel(spec({ type: 'text' }), 'district', 'en')).toBe('district');
    const [a, b] = inputOptions(s);
    expect([optionLabel(a, 'en'), optionLabel(a, 'ko'), optionLabel(b, 'ko')]).toEqual(['Jung-gu', '중구', '7']);
  });

  it('a chosen value is checked against the spec and the live options', () => {
    expect(checkInputValue(spec(year), 2010)).toEqual({ ok: true, value: 2010 });
    expect(checkInputValue(spec(year), 2030)).toMatchObject({ ok: false, problem: { path: 'value', en: '2030 is outside 2005–2023' } });
    const from = spec({ type: 'select', optionsFrom: 'q.c' });
    expect(checkInputValue(from, 'gone', [{ value: 'here' }])).toMatchObject({ ok: false });
    expect(checkInputValue(from, 'here', [{ value: 'here' }])).toEqual({ ok: true, value: 'here' });
    expect(checkInputValue(spec({ type: 'date' }), '2023-13-01')).toMatchObject({ ok: false });
    expect(checkInputValue(spec({ type: 'date', max: '2022-12-31' }), '2023-01-01')).toMatchObject({ ok: false, problem: { en: '2023-01-01 is after 2022-12-31' } });
  });

  it('range values snap to the step and stay in bounds', () => {
    const s = spec({ type: 'range', min: 0, max: 1, step: 0.1 });
    expect(snapRange(s, 0.34)).toBe(0.3);
    expect(snapRange(s, 0.35 + 1e-9)).toBe(0.4);
    expect(snapRange(s, -5)).toBe(0);
    expect(snapRange(s, 7)).toBe(1);
    expect(snapRange(spec(year), 2010.6)).toBe(2011);
  });
});
