/**
 * Story addresses. A slug comes from the title (Korean kept as is: browsers show it readably,
 * links carry it percent-encoded), lower-cased, with every run of anything that is not a letter
 * or digit made one `-`. Collisions get the lowest free `-2`, `-3`, … suffix, and the author is
 * told the address changed.
 *
 * @example
 *   slugFromTitle('자치구별 자전거 사고 (2005–2023)') // '자치구별-자전거-사고-2005-2023'
 *   storyPath('자전거-사고')                          // '/stories/%EC%9E%90...'
 */
export const maxSlugLength = 80;
/** Percent-encoded, a slug stays under the router's parameter limit (Hangul is 9 characters each). */
export const maxEncodedSlugLength = 170;

const fits = (s: string) => [...s].length <= maxSlugLength && encodeURIComponent(s).length <= maxEncodedSlugLength;

/** Slugs that would shadow a fixed route under `/stories/`. */
export const reservedSlugs: ReadonlySet<string> = new Set(['feed', 'feed.xml', 'api', 'new', 'v', 'assets', 'search']);

export const slugPattern = /^[\p{Ll}\p{Lo}\p{Lm}\p{Nd}]+(?:-[\p{Ll}\p{Lo}\p{Lm}\p{Nd}]+)*$/u;

/** A slug from a title; `story` when nothing usable is left. */
export function slugFromTitle(title: string): string {
  const words = title.normalize('NFC').toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  let slug = '';
  for (const w of words) {
    const next = slug ? `${slug}-${w}` : w;
    if (!fits(next)) break;
    slug = next;
  }
  if (!slug && words[0]) {
    for (const ch of words[0]) if (fits(slug + ch)) slug += ch;
  }
  // Letters of other cases (title case) fold to lower above; anything left outside the pattern goes.
  slug = slug.replace(/[^\p{Ll}\p{Lo}\p{Lm}\p{Nd}-]/gu, '').replace(/-+/g, '-').replace(/^-|-$/g, '');
  return slug && !reservedSlugs.has(slug) ? slug : slug ? `${slug}-story` : 'story';
}

export function isValidSlug(slug: string): boolean {
  return [...slug].length <= maxSlugLength + 4 && encodeURIComponent(slug).length <= maxEncodedSlugLength + 8 && slugPattern.test(slug) && !reservedSlugs.has(slug);
}

/** `base` if free, else `base-2`, `base-3`, … (the first free one). */
export function uniqueSlug(base: string, isTaken: (slug: string) => boolean): string {
  if (!isTaken(base)) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base}-${n}`;
    if (!isTaken(candidate)) return candidate;
  }
}

export function storyPath(slug: string, version?: number): string {
  const base = `/stories/${encodeURIComponent(slug)}`;
  return version === undefined ? base : `${base}/v/${version}`;
}

export function figureCsvPath(slug: string, version: number, index: number): string {
  return `${storyPath(slug, version)}/figures/${index}.csv`;
}
