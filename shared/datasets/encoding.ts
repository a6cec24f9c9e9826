/**
 * Which text encoding a data file uses. Korean public data (Seoul Open Data Plaza, data.go.kr) is
 * mostly CP949 (EUC-KR plus Microsoft's extra Hangul); newer files are UTF-8, often with a BOM
 * written by Excel. We decide from the first bytes and then decode the whole file fatally, so a
 * wrong guess is an error with a line number, never silently broken text.
 *
 * `TextDecoder('euc-kr')` follows the WHATWG Encoding Standard, whose "EUC-KR" is in fact CP949
 * (https://encoding.spec.whatwg.org/#euc-kr), so it decodes every Hangul syllable.
 */
import { MadangError } from '../errors.ts';

export const encodingChoices = ['auto', 'utf-8', 'cp949'] as const;
export type EncodingChoice = (typeof encodingChoices)[number];

/** What a file turned out to be. */
export type DetectedEncoding = 'utf-8' | 'utf-8-bom' | 'cp949';

/** The WHATWG label to decode it with (the BOM, if any, is skipped by the decoder). */
export function decoderLabel(encoding: DetectedEncoding): 'utf-8' | 'euc-kr' {
  return encoding === 'cp949' ? 'euc-kr' : 'utf-8';
}

function hasUtf8Bom(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
}

function decodes(label: string, bytes: Uint8Array, complete: boolean): boolean {
  try {
    // `stream: true` when the sample may end inside a multi-byte character.
    new TextDecoder(label, { fatal: true }).decode(bytes, { stream: !complete });
    return true;
  } catch {
    return false;
  }
}

export function unknownEncoding(why: { ko: string; en: string }): MadangError {
  return new MadangError('invalid_input', {
    ko: `파일의 문자 인코딩을 알 수 없습니다: ${why.ko}. UTF-8 또는 CP949(EUC-KR) CSV만 가져올 수 있습니다`,
    en: `unknown text encoding: ${why.en}; only UTF-8 or CP949 (EUC-KR) CSV files can be imported`,
  });
}

/**
 * Detects the encoding from the first bytes of a file (`complete`: the sample is the whole file).
 * A forced choice is checked too, so "cp949" on a UTF-8 file with Hangul fails here and not later.
 *
 * @example detectEncoding(new Uint8Array([0xef, 0xbb, 0xbf, 0x61]), 'auto', true) // 'utf-8-bom'
 */
export function detectEncoding(sample: Uint8Array, choice: EncodingChoice = 'auto', complete = false): DetectedEncoding {
  if ((sample[0] === 0xff && sample[1] === 0xfe) || (sample[0] === 0xfe && sample[1] === 0xff)) {
    throw unknownEncoding({ ko: 'UTF-16 파일입니다 (UTF-8로 저장해 주세요)', en: 'the file is UTF-16 (save it as UTF-8)' });
  }
  if (sample.includes(0)) {
    throw unknownEncoding({ ko: '0 바이트가 있습니다 (텍스트 파일이 아니거나 UTF-16입니다)', en: 'the file contains NUL bytes (not a text file, or UTF-16)' });
  }
  const bom = hasUtf8Bom(sample);
  if (choice === 'utf-8') {
    if (!decodes('utf-8', sample, complete)) throw unknownEncoding({ ko: 'UTF-8로 지정했지만 UTF-8이 아닌 바이트가 있습니다', en: 'utf-8 was given but the file has bytes that are not UTF-8' });
    return bom ? 'utf-8-bom' : 'utf-8';
  }
  if (choice === 'cp949') {
    if (bom) throw unknownEncoding({ ko: 'CP949로 지정했지만 UTF-8 BOM으로 시작합니다', en: 'cp949 was given but the file starts with a UTF-8 byte order mark' });
    if (!decodes('euc-kr', sample, complete)) throw unknownEncoding({ ko: 'CP949로 지정했지만 CP949가 아닌 바이트가 있습니다', en: 'cp949 was given but the file has bytes that are not CP949' });
    return 'cp949';
  }
  if (bom) return 'utf-8-bom';
  // UTF-8 first: plain ASCII is valid in both, and multi-byte UTF-8 is very unlikely to be
  // accidentally valid... but CP949 Hangul is almost never valid UTF-8.
  if (decodes('utf-8', sample, complete)) return 'utf-8';
  if (decodes('euc-kr', sample, complete)) return 'cp949';
  throw unknownEncoding({ ko: 'UTF-8도 CP949도 아닙니다', en: 'the bytes are neither UTF-8 nor CP949' });
}
