import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { MadangError } from '../../shared/errors.ts';
import {
  applyNotebookFileToDoc,
  notebookFileFromDoc,
  parseNotebookMarkdown,
  serializeNotebookMarkdown,
  type NotebookFile,
  type NotebookFileCell,
} from '../../shared/notebookFile.ts';
import { getCellSource, initNotebook, insertCell, listCells, readMeta } from '../../shared/schema/notebook.ts';
import { Random } from '../harness/syncNetwork.ts';

const notebooksDir = fileURLToPath(new URL('../../notebooks/', import.meta.url));
const sampleFiles = readdirSync(notebooksDir).filter((f) => f.endsWith('.md')).sort();

function md(source: string): NotebookFileCell {
  return { kind: 'markdown', name: '', source, spec: null };
}
function sql(name: string, source: string): NotebookFileCell {
  return { kind: 'sql', name, source, spec: null };
}
function file(cells: NotebookFileCell[], extra: Partial<NotebookFile> = {}): NotebookFile {
  return { title: '테스트', problem: null, extracts: [], lang: 'ko', cells, ...extra };
}

/** Parsing must fail with invalid_input and a message naming `line`. */
function expectLineError(text: string, line: number, what: RegExp): MadangError {
  let caught: unknown;
  try {
    parseNotebookMarkdown(text);
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(MadangError);
  const err = caught as MadangError;
  expect(err.code).toBe('invalid_input');
  expect(err.detail.en).toMatch(new RegExp(`^line ${line}: `));
  expect(err.detail.ko).toMatch(new RegExp(`^${line}번째 줄: `));
  expect(err.detail.en).toMatch(what);
  return err;
}

describe('sample notebooks', () => {
  it('there are sample notebooks to ship', () => {
    expect(sampleFiles.length).toBeGreaterThanOrEqual(2);
  });

  it.each(sampleFiles)('%s round-trips byte for byte and through a doc', (name) => {
    const text = readFileSync(path.join(notebooksDir, name), 'utf8');
    const parsed = parseNotebookMarkdown(text);
    expect(serializeNotebookMarkdown(parsed)).toBe(text);

    const doc = new Y.Doc();
    applyNotebookFileToDoc(doc, parsed);
    expect(notebookFileFromDoc(doc)).toEqual(parsed);
    expect(serializeNotebookMarkdown(notebookFileFromDoc(doc))).toBe(text);
  });

  it.each(sampleFiles)('%s lists every extract its SQL reads, and names its cells', (name) => {
    const parsed = parseNotebookMarkdown(readFileSync(path.join(notebooksDir, name), 'utf8'));
    expect(parsed.title).not.toBe('');
    expect(parsed.extracts.length).toBeGreaterThan(0);
    const sqlCells = parsed.cells.filter((c) => c.kind === 'sql');
    expect(sqlCells.length).toBeGreaterThan(0);
    for (const extract of parsed.extracts) {
      expect(sqlCells.some((c) => new RegExp(`\\b${extract}\\b`).test(c.source))).toBe(true);
    }
    for (const cell of parsed.cells.filter((c) => c.kind === 'sql' || c.kind === 'input')) expect(cell.name).not.toBe('');
  });
});

describe('parseNotebookMarkdown', () => {
  const text = [
    '---',
    'title: 자전거 사고',
    'lang: en',
    'problem: p_123',
    'extracts:',
    '  - bike_accidents_by_gu',
    '---',
    '',
    '# Heading',
    '',
    'Some text with a code sample:',
    '',
    '```js',
    'console.log(1)',
    '```',
    '',
    '```sql trips_by_hour',
    'SELECT 1',
    '```',
    '',
    '```chart',
    '{ "mark": "barY" }',
    '```',
    '',
    '```input district',
    '{"type": "select", "options": ["중구"]}',
    '```',
    '',
    'Closing words.',
    '',
  ].join('\n');

  it('reads front matter, markdown, and sql/chart/input cells', () => {
    expect(parseNotebookMarkdown(text)).toEqual({
      title: '자전거 사고',
      lang: 'en',
      problem: 'p_123',
      extracts: ['bike_accidents_by_gu'],
      cells: [
        md('# Heading\n\nSome text with a code sample:\n\n```js\nconsole.log(1)\n```'),
        sql('trips_by_hour', 'SELECT 1'),
        { kind: 'chart', name: '', source: '', spec: { mark: 'barY' } },
        { kind: 'input', name: 'district', source: '', spec: { type: 'select', options: ['중구'] } },
        md('Closing words.'),
      ],
    });
  });

  it('reads CRLF (and a BOM) the same as LF', () => {
    const crlf = '\uFEFF' + text.replace(/\n/g, '\r\n');
    expect(parseNotebookMarkdown(crlf)).toEqual(parseNotebookMarkdown(text));
    // A canonical LF file comes back out.
    const sample = readFileSync(path.join(notebooksDir, sampleFiles[0]), 'utf8');
    expect(serializeNotebookMarkdown(parseNotebookMarkdown(sample.replace(/\n/g, '\r\n')))).toBe(sample);
  });

  it('a file without front matter gets defaults, and the first # heading as its title', () => {
    const parsed = parseNotebookMarkdown('Intro\n\n# 서울 공기 #\n\n```sql q\nSELECT 1\n```\n');
    expect(parsed).toMatchObject({ title: '서울 공기', lang: 'ko', problem: null, extracts: [] });
    expect(parsed.cells).toEqual([md('Intro\n\n# 서울 공기 #'), sql('q', 'SELECT 1')]);
    expect(parseNotebookMarkdown('just text\n').title).toBe('');
    expect(parseNotebookMarkdown('')).toEqual({ title: '', lang: 'ko', problem: null, extracts: [], cells: [] });
  });

  it('fences inside markdown hide cell-like lines, and indented or tilde fences stay markdown', () => {
    const parsed = parseNotebookMarkdown([
      'Example:', '', '````text', '```sql not_a_cell', 'SELECT 1', '```', '````', '',
      ' ```sql', 'indented', ' ```', '', '~~~sql', 'tilde', '~~~', '',
    ].join('\n'));
    expect(parsed.cells).toHaveLength(1);
    expect(parsed.cells[0].kind).toBe('markdown');
  });

  it('a <!-- cell --> marker splits adjacent markdown cells', () => {
    const parsed = parseNotebookMarkdown('---\ntitle: t\n---\n\nOne\n\n<!-- cell -->\nTwo\n\n<!--cell-->\n\nThree\n');
    expect(parsed.cells).toEqual([md('One'), md('Two'), md('\nThree')]);
  });

  it('accepts loose spacing: no blank line around cells, extra blank lines', () => {
    const parsed = parseNotebookMarkdown('---\ntitle: t\n---\nText\n```sql a\nSELECT 1\n```\n```sql b\nSELECT 2\n```\nMore\n');
    expect(parsed.cells).toEqual([md('Text'), sql('a', 'SELECT 1'), sql('b', 'SELECT 2'), md('More')]);
  });

  it('an empty chart body is a null spec; an unnamed sql cell has name ""', () => {
    const parsed = parseNotebookMarkdown('---\ntitle: t\n---\n\n```chart\n```\n\n```sql\nSELECT 1\n```\n');
    expect(parsed.cells).toEqual([{ kind: 'chart', name: '', source: '', spec: null }, sql('', 'SELECT 1')]);
  });
});

describe('parse errors name the line', () => {
  it('front matter that is not closed', () => {
    expectLineError('---\ntitle: t\n\nText\n', 1, /front matter is not closed/);
  });

  it('front matter that is not valid YAML', () => {
    expectLineError('---\ntitle: t\nextracts: [a,\nlang: ko\n---\n', 4, /invalid front matter/);
  });

  it('an unknown front matter key, or a wrong value type', () => {
    expectLineError('---\ntitle: t\nauthor: me\n---\n', 3, /unknown front matter key: author/);
    expectLineError('---\ntitle: t\nlang: fr\n---\n', 3, /lang must be ko or en/);
    expectLineError('---\ntitle: t\n\nextracts: bike\n---\n', 4, /extracts must be a list/);
    expectLineError('---\nextracts:\n  - bad name\n---\n', 2, /extract name: name must start/);
  });

  it('an unclosed cell fence, and an unclosed fence inside markdown', () => {
    expectLineError('---\ntitle: t\n---\n\n```sql a\nSELECT 1\n', 5, /unclosed sql cell fence/);
    expectLineError('---\ntitle: t\n---\n\n````sql a\nSELECT 1\n```\n', 5, /no closing ````/);
    expectLineError('---\ntitle: t\n---\n\nText\n\n```js\nx\n', 7, /unclosed code fence/);
    // By CommonMark a bare ``` closes the ```js block, so the following sql cell is found.
    expect(parseNotebookMarkdown('---\ntitle: t\n---\n\n```js\nx\n```sql a\n```\n\n```sql b\nSELECT 1\n```\n').cells.at(-1)).toEqual(sql('b', 'SELECT 1'));
  });

  it('chart or input JSON that does not parse', () => {
    const err = expectLineError('---\ntitle: t\n---\n\n```chart\n{\n  "mark": "barY"\n  "x": "gu"\n}\n```\n', 8, /invalid chart cell JSON/);
    expect(err.detail.ko).toMatch(/차트 셀의 JSON/);
    expectLineError('---\ntitle: t\n---\n\n```input pick\n{oops}\n```\n', 6, /invalid input cell JSON/);
  });

  it('an invalid cell name, or text after it', () => {
    expectLineError('---\ntitle: t\n---\n\n```sql 2fast\nSELECT 1\n```\n', 5, /cell name: name must start/);
    expectLineError('---\ntitle: t\n---\n\n```sql select\nSELECT 1\n```\n', 5, /reserved/);
    expectLineError('---\ntitle: t\n---\n\n```sql a b\nSELECT 1\n```\n', 5, /unexpected text after the cell name: b/);
    expectLineError('---\ntitle: t\n---\n\n```{markdown} x\ntext\n```\n', 5, /markdown cells have no name/);
  });
});

describe('serializeNotebookMarkdown', () => {
  it('writes the canonical layout', () => {
    const out = serializeNotebookMarkdown(file(
      [md('# 제목'), md('둘째'), sql('q', 'SELECT 1'), { kind: 'chart', name: '', source: '', spec: { mark: 'dot' } }],
      { extracts: ['air_quality_daily'], problem: 'p1' },
    ));
    expect(out).toBe([
      '---',
      'title: 테스트',
      'lang: ko',
      'problem: p1',
      'extracts:',
      '  - air_quality_daily',
      '---',
      '',
      '# 제목',
      '',
      '<!-- cell -->',
      '둘째',
      '',
      '```sql q',
      'SELECT 1',
      '```',
      '',
      '```chart',
      '{',
      '  "mark": "dot"',
      '}',
      '```',
      '',
    ].join('\n'));
  });

  it('uses a longer fence when the source contains backticks', () => {
    const source = 'SELECT \'```\' AS fence, \'````\' AS longer';
    const out = serializeNotebookMarkdown(file([sql('q', source)]));
    expect(out).toContain('\n`````sql q\n' + source + '\n`````\n');
    expect(parseNotebookMarkdown(out).cells).toEqual([sql('q', source)]);
  });

  it('writes markdown that would not read back as itself as a fenced {markdown} cell', () => {
    const tricky = ['```sql looks_like_a_cell\nSELECT 1\n```', '<!-- cell -->', '```js\nunclosed fence'];
    for (const source of tricky) {
      const out = serializeNotebookMarkdown(file([md('before'), md(source), md('after')]));
      expect(out).toContain('{markdown}');
      expect(parseNotebookMarkdown(out).cells).toEqual([md('before'), md(source), md('after')]);
    }
  });

  it('rejects invalid cell names instead of writing a file that cannot be read', () => {
    expect(() => serializeNotebookMarkdown(file([sql('no spaces allowed', 'SELECT 1')]))).toThrow(/cell 1: name must start/);
  });
});

describe('round trips', () => {
  const pieces = [
    'plain text', '', ' ', '\n', '\n\n', 'a\n', '\na', '  indented', '# 제목', '<!-- cell -->', '<!--cell-->',
    '```', '````', '```sql x', '```sql', '```js', '~~~', '~~~sql', '```{markdown}', ' ```sql y', 'SELECT `a`',
    '---', '...', '| a | b |', '- item', '> quote', '\t', 'x ```', '한글 문장입니다.',
  ];
  const kinds = ['markdown', 'markdown', 'sql', 'chart', 'input'] as const;

  function randomText(r: Random): string {
    const lines: string[] = [];
    const n = r.int(5);
    for (let i = 0; i < n; i++) lines.push(r.pick(pieces));
    return lines.join('\n');
  }

  function randomFile(r: Random): NotebookFile {
    const cells: NotebookFileCell[] = [];
    const n = r.int(7);
    for (let i = 0; i < n; i++) {
      const kind = r.pick(kinds);
      if (kind === 'markdown') cells.push(md(randomText(r)));
      else if (kind === 'sql') cells.push(sql(r.chance(0.7) ? `q${i}` : '', randomText(r)));
      else cells.push({ kind, name: kind === 'input' ? `in${i}` : '', source: '', spec: r.chance(0.2) ? null : { t: randomText(r), n: [i, null, true] } });
    }
    return {
      title: r.pick(['제목', '', 'a: b', '"quoted"', 'yes', '123', '- dash', 'multi\nline', '#hash']),
      problem: r.pick([null, 'p1', 'null', '0']),
      extracts: r.chance(0.5) ? [] : ['bike_accidents_by_gu', 'air_quality_daily'].slice(0, 1 + r.int(2)),
      lang: r.pick(['ko', 'en'] as const),
      cells,
    };
  }

  it('parse(serialize(f)) equals f, and serialize(parse(t)) === t, for 500 random files', () => {
    const r = new Random(2024);
    for (let i = 0; i < 500; i++) {
      const f = randomFile(r);
      const text = serializeNotebookMarkdown(f);
      const back = parseNotebookMarkdown(text);
      expect(back, text).toEqual(f);
      expect(serializeNotebookMarkdown(back)).toBe(text);
    }
  });

  it('doc -> file -> doc -> file is stable', () => {
    const doc = new Y.Doc();
    initNotebook(doc, { title: '라운드트립', lang: 'en', problemId: 'p9', extracts: ['air_quality_daily'] });
    insertCell(doc, { kind: 'markdown', source: '# Title\n\n```sql inside\n' });
    insertCell(doc, { kind: 'markdown', source: '' });
    insertCell(doc, { kind: 'sql', name: 'daily', source: 'SELECT ```x``` FROM air_quality_daily' });
    insertCell(doc, { kind: 'chart', spec: { mark: 'line', x: 'day' } });
    insertCell(doc, { kind: 'input', name: 'district', spec: { type: 'select', options: ['중구', '중랑구'] } });
    const first = notebookFileFromDoc(doc);
    const doc2 = new Y.Doc();
    applyNotebookFileToDoc(doc2, parseNotebookMarkdown(serializeNotebookMarkdown(first)));
    expect(notebookFileFromDoc(doc2)).toEqual(first);
    expect(readMeta(doc2)).toEqual(readMeta(doc));
    expect(listCells(doc2).map(({ id: _id, order: _order, ...rest }) => rest)).toEqual(
      listCells(doc).map(({ id: _id, order: _order, ...rest }) => rest),
    );
  });

  it('notebookFileFromDoc leaves out what the format does not carry', () => {
    const doc = new Y.Doc();
    initNotebook(doc, { title: 't' });
    const m = insertCell(doc, { kind: 'markdown', name: 'md_name', source: 'text\r\nmore', spec: { x: 1 } });
    const c = insertCell(doc, { kind: 'chart', source: 'unused text', spec: { mark: 'dot' } });
    expect(getCellSource(doc, c)!.toString()).toBe('unused text');
    expect(notebookFileFromDoc(doc).cells).toEqual([
      md('text\nmore'),
      { kind: 'chart', name: '', source: '', spec: { mark: 'dot' } },
    ]);
    expect(m).toBeTruthy();
  });

  it('applyNotebookFileToDoc refuses a doc that already has cells', () => {
    const doc = new Y.Doc();
    applyNotebookFileToDoc(doc, file([md('x')]));
    expect(() => applyNotebookFileToDoc(doc, file([md('y')]))).toThrow(MadangError);
    expect(listCells(doc).map((c) => c.source)).toEqual(['x']);
  });

  it('applyNotebookFileToDoc is a single update', () => {
    const doc = new Y.Doc();
    let updates = 0;
    doc.on('update', () => updates++);
    applyNotebookFileToDoc(doc, file([md('a'), sql('b', 'SELECT 1'), md('c')]));
    expect(updates).toBe(1);
  });
});
