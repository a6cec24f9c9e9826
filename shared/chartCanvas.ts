/**
 * Plot draws a continuous colour legend into a 256x1 `<canvas>` and embeds it as a PNG. jsdom (the
 * server's story pages, tests) has no canvas, so there the canvas is replaced by one that records
 * the 256 colours and returns them as an SVG image instead: the same picture, and no native
 * dependency. Like `createSanitizer(window)`, it works on the document it is given and touches no
 * global, so the notebook (client) and the story renderer (server) share this one copy.
 */
function hasCanvas(document: Document): boolean {
  try {
    return document.createElement('canvas').getContext('2d') !== null;
  } catch {
    return false; // jsdom without the canvas package throws "not implemented"
  }
}

export function withCanvasFallback(document: Document): Document {
  return hasCanvas(document) ? document : withSvgCanvas(document);
}

/**
 * Always the SVG stand-in: for a document known to have no canvas (the server's jsdom), where
 * even probing `getContext` makes jsdom print "not implemented" on every chart.
 */
export function withSvgCanvas(document: Document): Document {
  return new Proxy(document, {
    get(target, prop) {
      if (prop === 'createElement') {
        return (tag: string, opts?: ElementCreationOptions) => (tag.toLowerCase() === 'canvas' ? svgCanvas() : target.createElement(tag, opts));
      }
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** Just enough of a canvas for Plot's ramp legend: fillStyle + fillRect(x, 0, 1, 1) + toDataURL. */
function svgCanvas() {
  const pixels: string[] = [];
  const ctx = {
    fillStyle: '#000',
    fillRect(x: number) {
      pixels[x] = String(ctx.fillStyle);
    },
  };
  return {
    width: 256,
    height: 1,
    getContext: () => ctx,
    toDataURL() {
      const n = pixels.length;
      const rects = pixels.map((c, i) => `<rect x="${i}" width="1.5" height="1" fill="${c}"/>`).join('');
      const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${n} 1" preserveAspectRatio="none">${rects}</svg>`;
      return `data:image/svg+xml,${encodeURIComponent(svg)}`;
    },
  };
}
