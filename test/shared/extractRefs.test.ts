/**
 * Extract refs in the notebook document and the notebook file: `name` follows the newest live
 * version, `name@3` pins version 3 (issue 6: publish on the exact versions the notebook uses).
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { MadangError } from '../../shared/errors.ts';
import { parseNotebookMarkdown, serializeNotebookMarkdown, applyNotebookFileToDoc, notebookFileFromDoc } from '../../shared/notebookFile.ts';
import { describeExtractRefsProblem, initNotebook, readMeta, setExtractPin, setExtracts } from '../../shared/schema/notebook.ts';

function bilingualError(fn: () => unknown): MadangError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(MadangError);
    return err as MadangError;
  }
  throw new Error('expected a MadangError');
}

describe('extract refs in meta', () => {
  it('accepts names and pinned names', () => {
    expect(describeExtractRefsProblem(['bike_accidents_by_gu', 'air_quality_daily@3', '_x@123456789'])).toBeNull();
    const doc = new Y.Doc();
    initNotebook(doc, { title: 't', extracts: ['bike_accidents_by_gu@2', 'air_quality_daily'] });
    expect(readMeta(doc).extracts).toEqual(['bike_accidents_by_gu@2', 'air_quality_daily']);
    setExtracts(doc, ['bike_accidents_by_gu@3']);
    expect(readMeta(doc).extracts).toEqual(['bike_accidents_by_gu@3']);
  });

  it.each([
    ['bike@0'], ['bike@'], ['bike@v2'], ['bike@-1'], ['bike@1.5'], ['@2'], ['자전거'], ['bad name'], ['x@1234567890'], [''],
  ])('refuses the malformed ref %j in both languages', (ref) => {
    const err = bilingualError(() => initNotebook(new Y.Doc(), { title: 't', extracts: [ref] }));
    expect(err.code).toBe('invalid_input');
    expect(err.detail.en).toContain(ref);
    expect(err.detail.ko).toContain(ref);
    expect(() => setExtracts(new Y.Doc(), [ref])).toThrow(MadangError);
  });

  it('refuses two versions of one extract (names compare case-insensitively)', () => {
    const err = bilingualError(() => setExtracts(new Y.Doc(), ['bike@2', 'BIKE@3']));
    expect(err.detail.en).toBe('two versions of one extract cannot be used together: bike@2, BIKE@3');
    expect(() => initNotebook(new Y.Doc(), { title: 't', extracts: ['bike', 'bike@1'] })).toThrow(/two versions/);
  });

  it('moves a pin in one transaction, keeps the list order, and is a no-op when unchanged or unused', () => {
    const doc = new Y.Doc();
    initNotebook(doc, { title: 't', extracts: ['a@1', 'bike@2', 'c'] });
    let updates = 0;
    doc.on('update', () => updates++);
    expect(setExtractPin(doc, 'BIKE', 3)).toBe(true);
    expect(updates).toBe(1);
    expect(readMeta(doc).extracts).toEqual(['a@1', 'bike@3', 'c']);
    expect(setExtractPin(doc, 'bike', 3)).toBe(false);
    expect(setExtractPin(doc, 'missing', 3)).toBe(false);
    expect(updates).toBe(1);
    expect(setExtractPin(doc, 'c', 5)).toBe(true);
    expect(setExtractPin(doc, 'a', null)).toBe(true);
    expect(readMeta(doc).extracts).toEqual(['a', 'bike@3', 'c@5']);
    expect(() => setExtractPin(doc, 'a', 0)).toThrow(MadangError);
  });

  it('one pin move is one undo step', () => {
    const doc = new Y.Doc();
    initNotebook(doc, { title: 't', extracts: ['bike@2'] });
    const origin = { local: true };
    const undo = new Y.UndoManager(doc.getMap('meta'), { trackedOrigins: new Set([origin]) });
    setExtractPin(doc, 'bike', 3, origin);
    expect(readMeta(doc).extracts).toEqual(['bike@3']);
    undo.undo();
    expect(readMeta(doc).extracts).toEqual(['bike@2']);
  });
});

describe('extract refs in notebook files', () => {
  const file = [
    '---',
    'title: 자전거 사고',
    'lang: ko',
    'extracts:',
    '  - bike_accidents_by_gu@2',
    '  - air_quality_daily',
    '---',
    '',
    '```sql by_gu',
    'SELECT 자치구, sum(피해_발생건수) AS n FROM bike_accidents_by_gu GROUP BY 자치구',
    '```',
    '',
  ].join('\n');

  it('round-trips pinned and unpinned refs byte-exactly, through a doc too', () => {
    const parsed = parseNotebookMarkdown(file);
    expect(parsed.extracts).toEqual(['bike_accidents_by_gu@2', 'air_quality_daily']);
    expect(serializeNotebookMarkdown(parsed)).toBe(file);
    const doc = new Y.Doc();
    applyNotebookFileToDoc(doc, parsed);
    expect(readMeta(doc).extracts).toEqual(['bike_accidents_by_gu@2', 'air_quality_daily']);
    expect(serializeNotebookMarkdown(notebookFileFromDoc(doc))).toBe(file);
  });

  it('names the extracts line for a malformed ref or two versions of one extract', () => {
    const bad = (refs: string[]) => bilingualError(() => parseNotebookMarkdown(`---\ntitle: t\nextracts:\n${refs.map((r) => `  - ${r}\n`).join('')}---\n`));
    expect(bad(['bike@0']).detail.en).toMatch(/^line 3: extract name: .*bike@0$/);
    expect(bad(['bike@2', 'bike@3']).detail.en).toBe('line 3: two versions of one extract cannot be used together: bike@2, bike@3');
    expect(bad(['bike@2', 'bike@2']).detail.en).toBe('line 3: extract listed twice: bike@2');
    expect(bad(['bike', 'bike@2']).detail.ko).toMatch(/^3번째 줄: 한 추출본의 두 버전/);
  });

  it('the serialiser refuses a file value with a bad ref', () => {
    const parsed = parseNotebookMarkdown(file);
    expect(() => serializeNotebookMarkdown({ ...parsed, extracts: ['bike@2', 'bike@3'] })).toThrow(MadangError);
  });
});

describe('adding an extract', () => {
  it('adds it pinned, once per name, in one update', async () => {
    const { addExtract } = await import('../../shared/schema/notebook.ts');
    const doc = new Y.Doc();
    initNotebook(doc, { title: 't', extracts: ['bike@2'] });
    let updates = 0;
    doc.on('update', () => updates++);
    expect(addExtract(doc, 'air', 4)).toBe(true);
    expect(updates).toBe(1);
    expect(readMeta(doc).extracts).toEqual(['bike@2', 'air@4']);
    expect(addExtract(doc, 'BIKE', 3)).toBe(false);
    expect(updates).toBe(1);
    expect(() => addExtract(doc, 'bad name', 1)).toThrow(MadangError);
  });
});
