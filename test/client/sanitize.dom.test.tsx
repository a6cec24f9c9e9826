import { describe, expect, it } from 'vitest';
import { createSanitizer } from '../../shared/sanitize.ts';
import { renderMarkdown } from '../../shared/markdown.ts';

const sanitize = createSanitizer(window);
const render = (src: string) => renderMarkdown(src, sanitize);

describe('createSanitizer', () => {
  it('removes script tags and their content', () => {
    expect(sanitize('<p>안녕</p><script>alert(1)</script>')).toBe('<p>안녕</p>');
  });

  it('removes on* event handler attributes', () => {
    expect(sanitize('<p onclick="steal()" onmouseover="x()">hi</p>')).toBe('<p>hi</p>');
    expect(sanitize('<img src=x onerror="alert(1)">')).toBe('');
  });

  it('removes javascript: and data: links but keeps the text', () => {
    expect(sanitize('<a href="javascript:alert(1)">click</a>')).toBe('<a>click</a>');
    expect(sanitize('<a href="JaVaScRiPt:alert(1)">x</a>')).toBe('<a>x</a>');
    expect(sanitize('<a href="data:text/html,<script>1</script>">x</a>')).toBe('<a>x</a>');
  });

  it('drops forms, frames, style attributes and style tags', () => {
    expect(sanitize('<iframe src="https://evil.example"></iframe><p style="position:fixed">t</p>')).toBe('<p>t</p>');
    expect(sanitize('<form action="/x"><input name="pw"></form>ok')).toBe('ok');
    expect(sanitize('<style>body{display:none}</style>x')).toBe('x');
  });

  it('opens web links in a new tab without an opener', () => {
    expect(sanitize('<a href="https://data.seoul.go.kr">서울 열린데이터</a>'))
      .toBe('<a href="https://data.seoul.go.kr" target="_blank" rel="noopener noreferrer nofollow">서울 열린데이터</a>');
  });

  it('does not let input choose target or rel', () => {
    expect(sanitize('<a href="#top" target="_self" rel="opener">top</a>')).toBe('<a href="#top">top</a>');
  });
});

describe('renderMarkdown', () => {
  it('keeps Korean text, headings and emphasis', () => {
    expect(render('# 따릉이 이용 분석\n\n**마포구** 주민 모임')).toBe('<h1>따릉이 이용 분석</h1>\n<p><strong>마포구</strong> 주민 모임</p>\n');
  });

  it('keeps tables (alignment styles are dropped with every style attribute)', () => {
    expect(render('| 구 | 건수 |\n|---|---:|\n| 마포 | 12 |')).toBe(
      '<table>\n<thead>\n<tr>\n<th>구</th>\n<th>건수</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>마포</td>\n<td>12</td>\n</tr>\n</tbody>\n</table>\n',
    );
  });

  it('keeps fenced and inline code, escaped', () => {
    expect(render('```sql\nselect * from t where a < 3\n```\n\n`x<y`')).toBe(
      '<pre><code class="language-sql">select * from t where a &lt; 3\n</code></pre>\n<p><code>x&lt;y</code></p>\n',
    );
  });

  it('removes raw script and handlers written inside Markdown', () => {
    expect(render('hello <script>alert(1)</script>\n\n<div onclick="x()">안녕</div>')).toBe('<p>hello </p>\n<div>안녕</div>');
  });

  it('does not turn javascript: Markdown links into links', () => {
    expect(render('[x](javascript:alert(1))')).toBe('<p>[x](javascript:alert(1))</p>\n');
  });
});
