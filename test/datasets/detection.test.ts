import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectEncoding, decoderLabel } from '../../shared/datasets/encoding.ts';
import { CsvReader, detectDelimiter, formatCsvRecord } from '../../shared/datasets/csv.ts';
import { MadangError } from '../../shared/errors.ts';

const fixtures = path.join(import.meta.dirname, '..', 'fixtures', 'datasets');
const read = (name: string) => new Uint8Array(readFileSync(path.join(fixtures, name)));

function parseAll(text: string, delimiter = detectDelimiter(text)) {
  const reader = new CsvReader(delimiter);
  const records = [...reader.push(text), ...reader.end()];
  return { header: reader.header, records };
}

function errorOf(fn: () => unknown): MadangError {
  try {
    fn();
  } catch (err) {
    if (err instanceof MadangError) return err;
    throw err;
  }
  throw new Error('expected an error');
}

describe('encoding detection on real Seoul open data slices', () => {
  it('reads the CP949 air-quality file as cp949 and decodes its Korean header', () => {
    const bytes = read('air_quality_2018_cp949.csv');
    expect(detectEncoding(bytes, 'auto', true)).toBe('cp949');
    const text = new TextDecoder(decoderLabel('cp949')).decode(bytes);
    expect(text.split('\n')[0]).toBe('측정일시,측정소명,이산화질소농도(ppm),오존농도(ppm),일산화탄소농도(ppm),아황산가스농도(ppm),미세먼지농도(㎍/㎥),초미세먼지농도(㎍/㎥)');
    // Byte-identical to the UTF-8 copy once decoded.
    expect(text).toBe(new TextDecoder().decode(read('air_quality_2018_utf8.csv')));
  });

  it('reads the CP949 Ttareungi station master', () => {
    const bytes = read('ttareungi_stations_cp949.csv');
    expect(detectEncoding(bytes)).toBe('cp949');
    expect(new TextDecoder('euc-kr').decode(bytes).startsWith('대여소_ID,주소1,주소2,위도,경도')).toBe(true);
  });

  it('recognises UTF-8 with and without a BOM', () => {
    expect(detectEncoding(read('bike_accidents_bom.csv'))).toBe('utf-8-bom');
    expect(detectEncoding(read('air_quality_2018_utf8.csv'))).toBe('utf-8');
    expect(detectEncoding(new TextEncoder().encode('a,b\n1,2\n'))).toBe('utf-8');
  });

  it('accepts a sample cut inside a UTF-8 character unless it is the whole file', () => {
    const bytes = new TextEncoder().encode('이름,값\n가나다,1\n');
    const cut = bytes.slice(0, 5); // '이' (3 bytes) + 2 bytes of '름'
    expect(detectEncoding(cut, 'auto', false)).toBe('utf-8');
  });

  it('checks a forced encoding against the bytes', () => {
    expect(errorOf(() => detectEncoding(read('air_quality_2018_cp949.csv'), 'utf-8', true)).detail.en).toMatch(/utf-8 was given/);
    expect(errorOf(() => detectEncoding(read('bike_accidents_bom.csv'), 'cp949', true)).detail.en).toMatch(/byte order mark/);
    expect(detectEncoding(read('air_quality_2018_cp949.csv'), 'cp949', true)).toBe('cp949');
  });

  it('refuses UTF-16, binary files and bytes that are neither UTF-8 nor CP949', () => {
    expect(errorOf(() => detectEncoding(new Uint8Array([0xff, 0xfe, 0x61, 0x00]))).detail.en).toMatch(/UTF-16/);
    expect(errorOf(() => detectEncoding(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00]))).detail.en).toMatch(/NUL bytes/);
    // 0xFF is never a lead byte in UTF-8 or CP949.
    const err = errorOf(() => detectEncoding(new Uint8Array([0x61, 0x2c, 0xff, 0xff, 0x0a]), 'auto', true));
    expect(err.code).toBe('invalid_input');
    expect(err.detail.en).toMatch(/unknown text encoding: the bytes are neither UTF-8 nor CP949/);
  });
});

describe('delimiter detection', () => {
  it.each([
    ['a,b,c\n1,2,3\n4,5,6\n', ','],
    ['a;b;c\n1;2,5;3\n4;5;6\n', ';'],
    ['a\tb\tc\n1\t2\t3\n', '\t'],
    ['a|b\n1|2\n', '|'],
    ['"x,y";b;c\n"1,2";2;3\n', ';'],
    ['only\n1\n2\n', ','],
  ])('%j -> %j', (text, expected) => {
    expect(detectDelimiter(text)).toBe(expected);
  });

  it('finds the comma in the real CP949 file once decoded', () => {
    expect(detectDelimiter(new TextDecoder('euc-kr').decode(read('air_quality_2018_cp949.csv')))).toBe(',');
  });
});

describe('CsvReader', () => {
  it('reads quotes, doubled quotes, newlines inside quotes, CRLF and a missing final newline', () => {
    const { header, records } = parseAll('id,note\r\n1,"a ""quoted"" word"\r\n2,"two\r\nlines"\r\n3,plain');
    expect(header).toEqual(['id', 'note']);
    expect(records).toEqual([
      { fields: ['1', 'a "quoted" word'], line: 2 },
      { fields: ['2', 'two\r\nlines'], line: 3 },
      { fields: ['3', 'plain'], line: 5 },
    ]);
  });

  it('gives the same records whatever the chunking', () => {
    const text = 'a,b\n"x,""y""",2\n3,"4\n5"\n';
    const whole = parseAll(text, ',').records;
    for (let cut = 1; cut < text.length; cut++) {
      const reader = new CsvReader(',');
      const got = [...reader.push(text.slice(0, cut)), ...reader.push(text.slice(cut)), ...reader.end()];
      expect(got).toEqual(whole);
    }
  });

  it('names the line of a ragged row', () => {
    const err = errorOf(() => parseAll('a,b,c\n1,2,3\n4,5\n', ','));
    expect(err.detail.en).toBe('CSV line 3: 2 fields, but the header has 3');
    expect(err.detail.ko).toMatch(/^CSV 3번째 줄/);
  });

  it('names the line of bad quotes', () => {
    expect(errorOf(() => parseAll('a,b\n1,x"y\n', ',')).detail.en).toBe('CSV line 2: a quote (") inside a field that does not start with a quote');
    expect(errorOf(() => parseAll('a,b\n1,"x"y\n', ',')).detail.en).toBe('CSV line 2: text after a closing quote');
    expect(errorOf(() => parseAll('a,b\n1,2\n3,"open\n4,5\n', ',')).detail.en).toBe('CSV line 3: the quote opened here is never closed');
  });

  it('refuses duplicate and empty column names', () => {
    expect(errorOf(() => parseAll('id,name,id\n1,2,3\n', ',')).detail.en).toBe('CSV line 1: duplicate column name "id" in the header');
    expect(errorOf(() => parseAll('id,,x\n', ',')).detail.en).toBe('CSV line 1: column 2 of the header has no name');
    expect(errorOf(() => parseAll('', ',')).detail.en).toMatch(/empty/);
  });

  it('skips blank lines', () => {
    expect(parseAll('a,b\n\n1,2\n\n', ',').records).toEqual([{ fields: ['1', '2'], line: 3 }]);
  });

  it('writes records back so they parse to the same fields', () => {
    const fields = ['plain', 'with,comma', 'with "quote"', 'two\nlines', ' padded ', ''];
    const reader = new CsvReader(',');
    reader.push(`${fields.map((_, i) => `c${i}`).join(',')}\n`);
    expect([...reader.push(`${formatCsvRecord(fields)}\n`), ...reader.end()][0].fields).toEqual(fields);
  });
});
