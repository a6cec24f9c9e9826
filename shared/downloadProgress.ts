/**
 * Download progress when the bytes counted are decoded bytes but the announced length is the
 * compressed size (a `Content-Encoding` response): a bar must not run past 100 %.
 */

/**
 * Bytes for the progress bar: the uncompressed total when known; otherwise the reported total
 * unless the decoded bytes have outrun it (then the total is unknown: 0, no bar, bytes still shown).
 */
export function loadingBytes(loaded: number, reportedTotal: number, rawTotal: number | null): { loadedBytes: number; totalBytes: number } {
  const total = rawTotal ?? (loaded > reportedTotal ? 0 : reportedTotal);
  return { loadedBytes: total > 0 ? Math.min(loaded, total) : loaded, totalBytes: total };
}
