/**
 * What an SVG drawing must not do before it is rendered: draw on other files or web addresses (which the renderer
 * might read from the user's disk and send as part of the picture), or declare XML entities (which can expand without
 * end). Read from the text by inspection, on the header, and by preparing, on the whole drawing.
 */

/** Why a drawing is not rendered: the first outside reference, or its entity declarations. */
export type DrawingHazard = { readonly kind: 'reference'; readonly reference: string } | { readonly kind: 'entities' };

// Elements that load what their href names; a plain link (<a href>) loads nothing and is allowed.
const LOADING_ELEMENT = /<\s*(?:[\w-]+:)?(?:image|use|feImage|script|tref)\b[^>]*>/gi;
const HREF = /\b(?:xlink:)?href\s*=\s*(["'])([^"']*)\1/gi;
// CSS, in a style element or attribute: url(…) and @import read what they name.
const CSS_URL = /url\(\s*(["']?)([^"')]*)\1\s*\)/gi;
const CSS_IMPORT = /@import\s+(?:url\()?\s*["']?([^"');\s]*)/i;
const ENTITY = /<!ENTITY\b/i;

/** The first hazard in `text`, or undefined when the drawing reads nothing but itself. */
export function drawingHazard(text: string): DrawingHazard | undefined {
  if (ENTITY.test(text)) return { kind: 'entities' };
  for (const [element] of text.matchAll(LOADING_ELEMENT)) {
    for (const [, , target] of element.matchAll(HREF)) {
      if (isOutside(target)) return { kind: 'reference', reference: shown(target) };
    }
  }
  for (const [, , target] of text.matchAll(CSS_URL)) {
    if (isOutside(target)) return { kind: 'reference', reference: shown(target) };
  }
  const imported = CSS_IMPORT.exec(text);
  if (imported) return { kind: 'reference', reference: shown(imported[1]) };
  return undefined;
}

/** A drawing's text as the renderer will read it: UTF-16 by its byte-order mark, else UTF-8, a bad byte not hiding what follows. */
export function drawingText(bytes: Uint8Array): string {
  const encoding = bytes[0] === 0xff && bytes[1] === 0xfe ? 'utf-16le' : bytes[0] === 0xfe && bytes[1] === 0xff ? 'utf-16be' : 'utf-8';
  return new TextDecoder(encoding).decode(bytes);
}

/** The opening tag of the root `svg` element, attributes and all (what image-size needs to measure it); undefined if absent. */
export function svgRootTag(text: string): string | undefined {
  return /<svg[\s>/][^>]*>/i.exec(text)?.[0];
}

/** A reference inside the drawing (#id) or data written into it (data:) reads nothing else. */
function isOutside(target: string): boolean {
  const trimmed = target.trim();
  return trimmed !== '' && !trimmed.startsWith('#') && !/^data:/i.test(trimmed);
}

function shown(target: string): string {
  return target.replace(/\s+/g, ' ').trim();
}
