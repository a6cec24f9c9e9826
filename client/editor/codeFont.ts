/**
 * The code font for places CSS cannot reach (Monaco takes its font as an option and sets it
 * inline). Same order as `--font-mono` in client/styles/base.css: a monospace face for Latin, then
 * the bundled Korean font for Hangul no monospace font on the machine covers.
 */
export const codeFontFamily = 'ui-monospace, "SFMono-Regular", Menlo, Consolas, "D2Coding", "Noto Sans Mono CJK KR", monospace, "Noto Sans KR Variable"';
